"""Logged choices on the oracle's vacancies: reproducible, drawn from each vacancy's pool by the
history's manager, with realised outcomes that agree with the hidden truth, written on request.

Uses the session's simulated province (``province_dir``: 400 employees, seed 5, 40 oracle
vacancies) and the same simulation run again for its latent state."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2
from typer.testing import CliRunner

from features import columns as c
from features.names import (
    FAILURE,
    ORACLE_LOG_FILE,
    ORACLE_VACANCIES_FILE,
    PERFORMANCE,
    REPLICATE,
    SIMULATION_MANIFEST_FILE,
    TRUE_EXPECTED_SCORE,
    TRUE_FAILURE_PROB,
)
from mutasi.cli import app
from simulator import Latent, simulate
from simulator.logged import COLUMNS, logged_choices, state_rows
from simulator.selection import CandidatePool

pytestmark = pytest.mark.data

REPLICATES = 200        # per vacancy: 8,000 logged choices


@pytest.fixture(scope="module")
def latent() -> Latent:
    return simulate(n_employees=400, seed=5).latent       # the run written as province_dir


@pytest.fixture(scope="module")
def oracle(province_dir) -> pd.DataFrame:
    return pd.read_parquet(province_dir / ORACLE_VACANCIES_FILE)


@pytest.fixture(scope="module")
def log(latent, oracle) -> pd.DataFrame:
    return logged_choices(latent, oracle, REPLICATES, seed=11)


def test_the_log_is_reproducible_for_a_seed(latent, oracle, log):
    pd.testing.assert_frame_equal(logged_choices(latent, oracle, REPLICATES, seed=11), log)
    other = logged_choices(latent, oracle, REPLICATES, seed=12)
    assert not other[c.EMPLOYEE_ID].equals(log[c.EMPLOYEE_ID])


def test_every_vacancy_is_filled_once_per_replicate_from_its_own_pool(oracle, log):
    assert list(log.columns) == list(COLUMNS)
    per_vacancy = log.groupby(c.POSITION_ID)[REPLICATE].agg(lambda r: sorted(r.tolist()))
    assert set(per_vacancy.index) == set(oracle[c.POSITION_ID])
    assert all(r == list(range(REPLICATES)) for r in per_vacancy)
    joined = log.merge(oracle, on=[c.POSITION_ID, c.EMPLOYEE_ID], how="left", suffixes=("", "_oracle"),
                       validate="many_to_one")
    assert joined[f"{TRUE_FAILURE_PROB}_oracle"].notna().all(), "an appointee outside the vacancy's pool"
    np.testing.assert_array_equal(joined[TRUE_EXPECTED_SCORE], joined[f"{TRUE_EXPECTED_SCORE}_oracle"])
    np.testing.assert_array_equal(joined[TRUE_FAILURE_PROB], joined[f"{TRUE_FAILURE_PROB}_oracle"])
    assert log[FAILURE].isin([0, 1]).all() and log[PERFORMANCE].dropna().isin([1, 2, 3, 4, 5]).all()


@pytest.mark.parametrize("outcome, truth", [(FAILURE, TRUE_FAILURE_PROB), (PERFORMANCE, TRUE_EXPECTED_SCORE)])
def test_realised_outcomes_agree_with_the_truth_in_every_quartile(log, outcome, truth):
    """Given the choices, each realised outcome is an independent draw whose mean is its
    truth, so within any stratum of the truth (quartiles here) the mean residual is 0 up to
    sampling noise: |z| < 4 (2,000 draws a quartile; a failure drawn at a constant rate, or
    a score not tied to its pair, misses by far more)."""
    rows = log.dropna(subset=[outcome])
    assert len(rows) > 0.95 * len(log)
    residual = rows[outcome] - rows[truth]
    quartile = pd.qcut(rows[truth].rank(method="first"), 4, labels=False)
    for q, part in residual.groupby(quartile):
        z = part.mean() / (part.std(ddof=1) / np.sqrt(len(part)))
        assert abs(z) < 4, f"{outcome} in quartile {q} of {truth}: mean residual {part.mean():.4f}, z {z:.1f}"


def uniformity_p_value(latent: Latent, oracle: pd.DataFrame, log: pd.DataFrame) -> float:
    """Summed Pearson chi-square of each vacancy's appointment counts over the pool members
    that fit the post, against equal chances. Under that null each vacancy's statistic has
    mean k - 1 and variance about 2 (k - 1), whatever the small expected counts, so the sum
    (some 2,700 degrees of freedom) is well approximated by chi-square."""
    emp, pos = state_rows(latent, oracle)
    stat, dof = 0.0, 0
    for pid, rows in oracle.groupby(c.POSITION_ID, sort=False).indices.items():
        pool = CandidatePool.of(latent.state, latent.world, emp[rows])
        fitting = oracle[c.EMPLOYEE_ID].to_numpy()[rows][pool.fits(latent.world, int(pos[rows[0]]))]
        chosen = log.loc[log[c.POSITION_ID] == pid, c.EMPLOYEE_ID]
        assert chosen.isin(fitting).all(), f"{pid}: an appointee who does not fit the post"
        counts = chosen.value_counts().reindex(fitting, fill_value=0).to_numpy()
        expected = len(chosen) / len(fitting)
        stat += float(((counts - expected) ** 2 / expected).sum())
        dof += len(fitting) - 1
    return float(chi2.sf(stat, dof))


def test_without_selection_bias_choices_are_uniform_over_the_fitting_pool(latent, oracle, log):
    experiment = replace(latent, config=replace(latent.config, selection_bias=0.0))
    assert uniformity_p_value(experiment, oracle, logged_choices(experiment, oracle, REPLICATES, seed=3)) > 1e-3
    assert uniformity_p_value(latent, oracle, log) < 1e-6      # the test can tell: history is not random


def test_the_log_is_written_only_when_asked(province_dir, tmp_path):
    assert not (province_dir / ORACLE_LOG_FILE).exists()
    out = tmp_path / "logged"
    done = CliRunner().invoke(app, ["simulate", "--out", str(out), "--employees", "150", "--seed", "2",
                                    "--vacancies", "4", "--selection-bias", "0.5", "--logged-replicates", "3"])
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / SIMULATION_MANIFEST_FILE).read_text())
    assert manifest["process"]["selection_bias"] == 0.5
    written = pd.read_parquet(out / ORACLE_LOG_FILE)
    vacancies = pd.read_parquet(out / ORACLE_VACANCIES_FILE)[c.POSITION_ID].nunique()
    assert vacancies > 0 and len(written) == 3 * vacancies == manifest["oracle"]["logged_choices"]
    assert list(written.columns) == list(COLUMNS)


def test_negative_replicates_are_refused(latent, oracle):
    with pytest.raises(ValueError, match="replicates"):
        logged_choices(latent, oracle, -1, seed=0)
    assert len(logged_choices(latent, oracle, 0, seed=0)) == 0
