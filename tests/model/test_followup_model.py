"""The post-transfer risk model fitted with the ranker (session province, 1,500 employees):
attached to the bundle, saved and loaded with it, its risk following the appraisal since
the move the way the data does, and its watchlist beating the at-decision risk on the
test period. On a tiny dataset it is left out, with the reason, and training still works."""

import numpy as np
import pandas as pd
import pytest

from features.followup import (
    APPRAISALS_SINCE_MOVE,
    LAST_BEHAVIOR_SINCE_MOVE,
    LAST_SCORE_SINCE_MOVE,
    MEAN_SCORE_SINCE_MOVE,
    SCORE_CHANGE_SINCE_MOVE,
)
from features.followup_table import CHECK_MONTH
from features.io import load_dataset
from features.names import EVENT_ID, FAILURE
from features.snapshot import LAST_SCORE, LAST_WORK_BEHAVIOR
from features.training_table import build_training_table
from models.bundle import RankerBundle
from training.evaluate import with_age
from training.followup import AT_DECISION, TEST, TRAIN, WATCHLIST, Skip, evaluate_followup
from training.pipeline import evaluate_ranker, fit_ranker

pytestmark = pytest.mark.model


def test_attached_to_the_bundle_and_saved_with_it(trained, tmp_path):
    fitted = trained["fitted"]
    model = fitted.bundle.followup
    assert model is not None and fitted.followup.model is model
    assert fitted.bundle.metadata["followup_fitted"] and fitted.bundle.metadata["followup_n_test"] > 0
    test = set(fitted.followup.rows_of(TEST)[EVENT_ID])
    assert test == set(trained["table"].iloc[fitted.risk_split.test][EVENT_ID]) & set(fitted.followup.rows[EVENT_ID])
    assert not test & set(fitted.followup.rows_of(TRAIN)[EVENT_ID])
    rows = fitted.followup.rows_of(TEST)
    loaded = RankerBundle.load(fitted.bundle.save(tmp_path / "bundle")).followup
    assert loaded is not None and loaded.spec == model.spec
    np.testing.assert_allclose(loaded.predict(rows), model.predict(rows))
    assert ((model.predict(rows) >= 0) & (model.predict(rows) <= 1)).all()


def with_appraisal_since_move(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` as if an appraisal since the move had come in at the score held at the move."""
    return rows.assign(**{APPRAISALS_SINCE_MOVE: 1.0, LAST_SCORE_SINCE_MOVE: rows[LAST_SCORE],
                          MEAN_SCORE_SINCE_MOVE: rows[LAST_SCORE], SCORE_CHANGE_SINCE_MOVE: 0.0,
                          LAST_BEHAVIOR_SINCE_MOVE: rows[LAST_WORK_BEHAVIOR]})


def test_risk_follows_the_appraisal_since_the_move_as_the_data_does(trained):
    """18 months after the move, transferees whose first appraisal in the post came in (and
    was no failure) fail less often than those still waiting for it; giving the waiting ones
    that appraisal must move the model's risk the same way, clearly."""
    fit = trained["fitted"].followup
    train = fit.rows_of(TRAIN)
    late = train[train[CHECK_MONTH] == 18]
    seen = late[APPRAISALS_SINCE_MOVE] > 0
    observed = late.loc[seen, FAILURE].mean() - late.loc[~seen, FAILURE].mean()
    se = np.sqrt(sum(late.loc[g, FAILURE].var() / g.sum() for g in (seen, ~seen)))
    assert abs(observed) > 2 * se, "the data shows no clear direction to check against"
    waiting = train[train[APPRAISALS_SINCE_MOVE] == 0]
    moved = fit.model.predict(with_appraisal_since_move(waiting)).mean() - fit.model.predict(waiting).mean()
    assert np.sign(moved) == np.sign(observed) and abs(moved) > abs(observed) / 4


def test_watchlist_beats_the_at_decision_risk_on_the_test_period(trained):
    evaluation = evaluate_followup(trained["fitted"].followup, trained["fitted"].bundle)
    overall = evaluation[evaluation["split"] == TEST].set_index("method")
    assert overall.loc[WATCHLIST, "base_rate"] == overall.loc[AT_DECISION, "base_rate"] > 0
    assert overall.loc[WATCHLIST, "roc_auc"] > overall.loc[AT_DECISION, "roc_auc"]
    assert overall.loc[WATCHLIST, "top_decile_lift"] >= 2          # the target
    assert set(evaluation["split"]) == {TEST, f"{TEST}_6m", f"{TEST}_12m", f"{TEST}_18m"}


def test_tiny_data_trains_without_it(data):
    dataset = load_dataset(data)
    table = with_age(build_training_table(dataset), dataset)
    fitted = fit_ranker(dataset, table)
    assert fitted.bundle.followup is None and fitted.followup.skipped in set(Skip) and fitted.followup.detail
    assert fitted.bundle.metadata["followup_skipped"] == fitted.followup.skipped.value
    evaluated = evaluate_ranker(fitted, dataset, table, None, lambda _m: None)
    assert "followup" not in set(evaluated.table["target"])
