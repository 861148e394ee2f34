"""The hyper-parameter search on a small synthetic training table: it never sees the test
period, starts from the given settings, changes only the searched fields, prunes hopeless
trials, and its best parameters round-trip through ``best_params.json``."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from features.model_inputs import CATEGORICAL_FEATURES, FEATURES
from features.names import AS_OF, FAILURE, FOLLOWED_UP, PERFORMANCE
from training.fit import FitSettings
from training.split import temporal_split
from training.tune import SEARCH_SPACE, Dim, Pruning, load_params, tune

pytestmark = pytest.mark.code

FAST = FitSettings(max_rounds=40, early_stopping_rounds=10, num_threads=1, min_data_in_leaf=10)


def synthetic_table(n: int = 480, seed: int = 0) -> pd.DataFrame:
    """``n`` transfer events over 8 years with every model feature; performance and failure
    depend on two features plus noise."""
    rng = np.random.default_rng(seed)
    frame = {name: rng.normal(size=n) for name in FEATURES if name not in CATEGORICAL_FEATURES}
    frame |= {name: rng.choice(["a", "b", "c"], n) for name in CATEGORICAL_FEATURES}
    signal = frame["last_score"] - 0.5 * frame["tech_gap"]
    frame[PERFORMANCE] = np.clip(3.5 + 0.4 * signal + rng.normal(scale=0.4, size=n), 1, 5)
    frame[FAILURE] = (rng.random(n) < 1 / (1 + np.exp(1.0 + signal))).astype(float)
    frame[FOLLOWED_UP] = np.ones(n, bool)
    frame[AS_OF] = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 8 * 365, n), unit="D")
    return pd.DataFrame(frame)


def test_period_rows_are_never_seen():
    """Absurd labels and features in both targets' test periods leave the search unchanged."""
    table = synthetic_table()
    test_rows = np.union1d(temporal_split(table, PERFORMANCE).test,
                           temporal_split(table, FAILURE, usable=FOLLOWED_UP).test)
    broken = table.copy()
    broken.loc[test_rows, PERFORMANCE] = 1e6
    broken.loc[test_rows, FAILURE] = 1 - broken.loc[test_rows, FAILURE]
    broken.loc[test_rows, "last_score"] = 1e9
    broken.loc[test_rows, "target_domain"] = "never seen before"
    clean, dirty = tune(table, FAST, 4, seed=1), tune(broken, FAST, 4, seed=1)
    assert [t.value for t in clean.trials] == [t.value for t in dirty.trials]
    assert [t.params for t in clean.trials] == [t.params for t in dirty.trials]
    assert clean.best_params == dirty.best_params


def test_first_trial_is_the_starting_settings_and_only_searched_fields_change():
    settings = dataclasses.replace(FAST, seed=3, monotone=False, bagging_freq=2, learning_rate=0.08)
    result = tune(synthetic_table(), settings, 3, seed=2)
    assert result.trials[0].params == {d.name: getattr(settings, d.name) for d in SEARCH_SPACE}
    assert result.best_value == min(t.value for t in result.trials if t.state == "COMPLETE")
    applied = result.apply(settings)
    searched = {d.name for d in SEARCH_SPACE}
    for field in dataclasses.fields(FitSettings):
        expected = result.best_params[field.name] if field.name in searched else getattr(settings, field.name)
        assert getattr(applied, field.name) == expected, field.name
    assert set(result.trials_frame()["number"]) == {0, 1, 2}


def test_hopeless_trials_are_pruned():
    """Learning rates down to 1e-4 cannot catch up in 40 rounds: the median rule stops them."""
    space = (Dim("learning_rate", 1e-4, 0.3, log=True),)
    result = tune(synthetic_table(), FAST, 10, seed=0, space=space,
                  pruning=Pruning(check_every=5, warmup_checks=1, startup_trials=1))
    pruned = [t for t in result.trials if t.state == "PRUNED"]
    assert pruned and result.n_pruned == len(pruned)
    assert all(t.value is None and t.details["pruned_at_round"] < FAST.max_rounds for t in pruned)
    assert next(t for t in result.trials if t.params == result.best_params).state == "COMPLETE"


def test_best_params_round_trip_and_bad_files_are_refused(tmp_path):
    result = tune(synthetic_table(), FAST, 2, seed=4)
    path = tmp_path / "best_params.json"
    path.write_text(result.best_params_json())
    loaded = load_params(path)
    assert loaded == result.best_params
    assert all(type(loaded[d.name]) is (int if d.integer else float) for d in SEARCH_SPACE)
    assert result.apply(FAST) == dataclasses.replace(FAST, **loaded)
    path.write_text(json.dumps({"num_leaves": 12.0, "lambda_l2": 2}))
    assert load_params(path) == {"num_leaves": 12, "lambda_l2": 2.0}
    assert [type(v) for v in load_params(path).values()] == [int, float]
    for bad in ({"seed": 1}, {"learning_rate": "fast"}, {"num_leaves": True}, {"num_leaves": 12.5},
                {"lambda_l2": float("nan")}, [0.1]):
        path.write_text(json.dumps(bad))
        with pytest.raises(ValueError):
            load_params(path)


def test_search_space_names_settings_fields():
    names = {f.name for f in dataclasses.fields(FitSettings)}
    assert {d.name for d in SEARCH_SPACE} <= names
    assert all(d.contains(getattr(FitSettings(), d.name)) for d in SEARCH_SPACE)
    with pytest.raises(ValueError):
        tune(synthetic_table(), FAST, 0)
