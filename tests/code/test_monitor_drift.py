"""Data drift per feature (serving.monitoring.drift) on small hand-made feature frames:
a change in appraisal leniency (every rating one better) and a cohort of young hires are
flagged on the features they move and ring the alarm; a random split of one period is not;
the methods are fixed per feature, a feature with no value on one side is skipped, and
the alarm follows ``max_drift_share``."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from models.spec import FeatureSpec
from serving.monitoring.drift import JENSEN_SHANNON, WASSERSTEIN, measure_drift, methods_for, model_frame
from serving.monitoring.settings import MonitorSettings

pytestmark = pytest.mark.code

NUMERIC = ("last_score", "mean_score_3", "service_years", "tenure_in_post", "distance_km", "n_sanctions",
           "training_hours_3y", "grade_rank", "n_moves")
SPEC = FeatureSpec(NUMERIC + ("target_domain",), ("target_domain",), {"target_domain": ("a", "b", "c")})
ROWS = 1200
SETTINGS = MonitorSettings(max_drift_share=0.1)


def population(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    score = rng.choice([2, 3, 4, 5], size=rows, p=[0.05, 0.25, 0.5, 0.2]).astype(float)
    return pd.DataFrame({
        "last_score": score, "mean_score_3": np.clip(score + rng.normal(0, 0.4, rows), 1, 5),
        "service_years": rng.uniform(2, 30, rows), "tenure_in_post": rng.exponential(3, rows),
        "distance_km": rng.exponential(80, rows), "n_sanctions": rng.poisson(0.1, rows).astype(float),
        "training_hours_3y": rng.gamma(2, 20, rows), "grade_rank": rng.integers(5, 15, rows).astype(float),
        "n_moves": rng.poisson(2, rows).astype(float), "target_domain": rng.choice(["a", "b", "c"], rows)})


def lenient(frame: pd.DataFrame) -> pd.DataFrame:
    """Every rating one better (capped at 5)."""
    return frame.assign(last_score=np.minimum(frame["last_score"] + 1, 5),
                        mean_score_3=np.minimum(frame["mean_score_3"] + 1, 5))


def young_hires(frame: pd.DataFrame, seed: int, share: float = 0.4) -> pd.DataFrame:
    """A share of the rows replaced by new hires: little service, low grades, no moves."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    new = rng.random(len(out)) < share
    out.loc[new, "service_years"] = rng.uniform(0, 2, new.sum())
    out.loc[new, "tenure_in_post"] = rng.uniform(0, 2, new.sum())
    out.loc[new, "grade_rank"] = 5.0
    out.loc[new, "n_moves"] = 0.0
    return out


@pytest.fixture(scope="module")
def period() -> pd.DataFrame:
    return population(2 * ROWS, seed=1)


@pytest.fixture(scope="module")
def leniency(period):
    return measure_drift(period.iloc[:ROWS], lenient(period.iloc[ROWS:]), SPEC, SETTINGS)


def test_appraisal_leniency_is_flagged_on_the_rating_features(leniency):
    result, _ = leniency
    assert set(result.drifted) == {"last_score", "mean_score_3"}
    assert result.alarm and result.share == pytest.approx(2 / len(SPEC.features))
    assert result.features[0].drifted and not result.features[-1].drifted      # drifted first


def test_a_cohort_of_young_hires_is_flagged(period):
    result, _ = measure_drift(period.iloc[:ROWS], young_hires(period.iloc[ROWS:], seed=3), SPEC, SETTINGS)
    assert {"service_years", "grade_rank"} <= set(result.drifted)
    assert not {"last_score", "distance_km", "target_domain"} & set(result.drifted)
    assert result.alarm


def test_a_random_split_of_one_period_is_not_flagged(period):
    shuffled = period.sample(frac=1.0, random_state=7)
    result, _ = measure_drift(shuffled.iloc[:ROWS], shuffled.iloc[ROWS:], SPEC, SETTINGS)
    assert result.drifted == () and not result.alarm
    assert all(f.value < f.threshold for f in result.features)


def test_every_feature_gets_evidently_s_verdict_by_its_rule(leniency):
    result, run = leniency
    assert {f.feature for f in result.features} == set(SPEC.features)
    for f in result.features:
        assert f.drifted == (f.value >= f.threshold)          # distances: drift at or above the threshold
        assert f.threshold == pytest.approx(0.1)
    assert hasattr(run, "save_html")


def test_methods_are_fixed_per_feature_not_by_sample_size(period):
    frame = model_frame(period, SPEC)
    methods = methods_for(frame.iloc[:50], frame.iloc[50:100], SPEC)
    assert methods["target_domain"] == JENSEN_SHANNON and methods["last_score"] == JENSEN_SHANNON
    assert methods["service_years"] == WASSERSTEIN
    assert methods == methods_for(frame.iloc[:ROWS], frame.iloc[ROWS:], SPEC)


def test_the_alarm_follows_the_share_setting(leniency):
    result, _ = leniency                                      # 2 of 10 features drifted
    assert not replace(result, max_share=0.5).alarm
    assert replace(result, max_share=0.2).alarm               # at the threshold rings
    assert not replace(result, features=()).alarm             # nothing compared: no alarm


def test_a_feature_missing_on_one_side_is_skipped_and_rows_are_bounded(period):
    current = period.iloc[ROWS:].assign(distance_km=np.nan)
    result, _ = measure_drift(period.iloc[:ROWS], current, SPEC, MonitorSettings(rows=500))
    assert result.skipped == ("distance_km",)
    assert "distance_km" not in {f.feature for f in result.features}
    assert result.n_reference == 500 and result.n_current == 500


def test_categoricals_are_compared_as_strings():
    frame = model_frame(pd.DataFrame({**{n: [1, 2] for n in NUMERIC}, "target_domain": pd.Series([3, None], dtype=object)}), SPEC)
    assert frame["target_domain"].tolist() == ["3", None]
    assert frame["last_score"].dtype == "float64"


def test_empty_sides_are_refused(period):
    with pytest.raises(ValueError, match="reference 0"):
        measure_drift(period.iloc[:0], period, SPEC)
