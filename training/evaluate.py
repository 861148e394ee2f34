"""Evaluation of the model and the baselines on the held-out test period, and, when the
dataset comes with the simulator's oracle, on the held-out vacancies."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features.arrays import Columns
from features.candidates import DEFAULT_RULES, candidate_pool
from features.eligibility import employee_reasons
from features.io import Dataset
from features.names import (
    AS_OF,
    FAILURE,
    ORACLE_VACANCIES_FILE,
    PERFORMANCE,
    TRUE_EXPECTED_SCORE,
    TRUE_FAILURE_PROB,
)
from features.pairs import PositionTable
from features.protected import age_years
from features.snapshot import Sources, snapshot_at
from models.bundle import RankerBundle
from models.scoring import score_candidates
from training import metrics as m
from training.baselines import (
    AGE_YEARS,
    DUK,
    LAST_SCORE,
    LINEAR,
    LinearBaseline,
    duk_score,
    last_score,
)
from training.split import TemporalSplit

MODEL = "model"
UNCORRECTED = "uncorrected"          # the plain fit beside a selection-corrected model
K = 10


@dataclass(frozen=True)
class Scores:
    """Ranking scores per method (higher = better candidate) and risk predictions."""

    performance: dict[str, np.ndarray]
    risk: dict[str, np.ndarray]


def with_age(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Add the age at ``as_of`` (for the DUK baseline and the fairness audit only)."""
    return frame.assign(**{AGE_YEARS: age_years(dataset, frame[c.EMPLOYEE_ID], frame[AS_OF])})


def score_methods(bundle: RankerBundle, linear: LinearBaseline, frame: pd.DataFrame,
                  extra: dict[str, RankerBundle] | None = None) -> Scores:
    """Scores of the model, the baselines and ``extra`` models (e.g. ``uncorrected``)."""
    scored = score_candidates(bundle, frame)
    lin_perf, lin_risk = linear.predict(bundle.spec, frame)
    others = {name: score_candidates(other, frame) for name, other in (extra or {}).items()}
    return Scores(
        performance={MODEL: scored.performance, **{k: v.performance for k, v in others.items()},
                     DUK: duk_score(frame), LAST_SCORE: last_score(frame), LINEAR: lin_perf},
        risk={MODEL: scored.risk, **{k: v.risk for k, v in others.items()}, LINEAR: lin_risk,
              LAST_SCORE: -last_score(frame)},
    )


def _predictive(method: str) -> bool:
    """Methods that predict the outcome itself (MAE, Brier apply), not only an order."""
    return method not in (DUK, LAST_SCORE)


def history_metrics(bundle: RankerBundle, linear: LinearBaseline, table: pd.DataFrame,
                    perf_split: TemporalSplit, risk_split: TemporalSplit,
                    extra: dict[str, RankerBundle] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Metrics per method on the test period; decisions = transfers on one date."""
    rows = []
    test = table.iloc[perf_split.test]
    y = test[PERFORMANCE].to_numpy()
    scores = score_methods(bundle, linear, test, extra)
    for method, score in scores.performance.items():
        ndcg, rand, groups = m.grouped_ndcg(test[AS_OF].to_numpy(), y, score, K)
        rows.append({"method": method, "target": "performance", "split": "test",
                     "mae": m.mae(y, score) if _predictive(method) else np.nan,
                     "spearman": m.spearman(score, y), "ndcg@10": ndcg, "random_ndcg@10": rand,
                     "decisions": groups, "rows": len(test)})
    test = table.iloc[risk_split.test]
    y = test[FAILURE].to_numpy()
    scores = score_methods(bundle, linear, test, extra)
    calibration = m.calibration_table(y, scores.risk[MODEL])
    for method, p in scores.risk.items():
        probabilistic = _predictive(method)
        rows.append({"method": method, "target": "risk", "split": "test", "roc_auc": m.roc_auc(y, p),
                     "brier": m.brier(y, p) if probabilistic else np.nan,
                     "ece": m.expected_calibration_error(y, p) if probabilistic else np.nan,
                     "mean_predicted": float(np.mean(p)) if probabilistic else np.nan,
                     "observed_rate": float(np.mean(y)), "rows": len(test)})
    return pd.DataFrame(rows), calibration


class OracleError(ValueError):
    """The oracle file named by the user cannot be used (missing, unreadable, wrong columns)."""


def read_simulator_file(path: str | Path, default_name: str, required: set[str], what: str) -> pd.DataFrame:
    """One of the simulator's Parquet files written beside a dataset (a directory means the
    file ``default_name`` inside it); every problem is an :class:`OracleError` naming the file."""
    path = Path(path)
    if path.is_dir():
        path = path / default_name
    if not path.exists():
        raise OracleError(f"{what} {path} does not exist")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # any reader failure is the file's fault: say which file
        raise OracleError(f"{what} {path} cannot be read as Parquet: {exc}") from exc
    missing = required - set(frame.columns)
    if missing:
        raise OracleError(f"{what} {path} lacks columns {sorted(missing)}")
    return frame


def read_oracle(path: str | Path) -> pd.DataFrame:
    """The simulator's held-out vacancies with their truth (``oracle_vacancies.parquet``,
    written beside a simulated dataset). Only read when named explicitly (``--oracle``)."""
    oracle = read_simulator_file(path, ORACLE_VACANCIES_FILE, {c.POSITION_ID, c.EMPLOYEE_ID, AS_OF,
                                                              TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB}, "oracle file")
    oracle[AS_OF] = pd.to_datetime(oracle[AS_OF])
    return oracle


def oracle_candidates(dataset: Dataset, sources: Sources, oracle: pd.DataFrame) -> pd.DataFrame:
    """Candidate features for every oracle row (vacancy, employee) at its as-of date."""
    positions = PositionTable.from_dataset(dataset)
    frames = []
    for as_of, rows in oracle.groupby(AS_OF):
        view = Columns.from_frame(snapshot_at(sources, dataset.employees[c.EMPLOYEE_ID], as_of))
        masks = employee_reasons(view, DEFAULT_RULES)
        for pid, truth in rows.groupby(c.POSITION_ID):
            pool = candidate_pool(view, positions, pid, employee_masks=masks)
            frames.append(pool.frame.to_frame().assign(**{c.POSITION_ID: pid}).merge(
                truth[[c.EMPLOYEE_ID, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB]], on=c.EMPLOYEE_ID))
    return with_age(pd.concat(frames, ignore_index=True), dataset)


def oracle_metrics(bundle: RankerBundle, linear: LinearBaseline, cands: pd.DataFrame,
                   extra: dict[str, RankerBundle] | None = None) -> pd.DataFrame:
    """Share of the oracle-over-random NDCG@10 gap captured, per method; risk Spearman."""
    scores = score_methods(bundle, linear, cands, extra)
    truth = cands[TRUE_EXPECTED_SCORE].to_numpy()
    rows = []
    for method, score in scores.performance.items():
        ndcg, rand, groups = m.grouped_ndcg(cands[c.POSITION_ID].to_numpy(), truth, score, K)
        rows.append({"method": method, "target": "performance", "split": "oracle", "ndcg@10": ndcg,
                     "random_ndcg@10": rand, "gap_share": m.gap_share(ndcg, rand),
                     "spearman": m.spearman(score, truth), "decisions": groups, "rows": len(cands)})
    true_risk = cands[TRUE_FAILURE_PROB].to_numpy()
    for method, p in scores.risk.items():
        rows.append({"method": method, "target": "risk", "split": "oracle",
                     "spearman": m.spearman(p, true_risk), "rows": len(cands),
                     "mae": m.mae(true_risk, p) if _predictive(method) else np.nan})
    return pd.DataFrame(rows)


def promotion_metrics(bundle: RankerBundle, table: pd.DataFrame, perf_split: TemporalSplit,
                      risk_split: TemporalSplit) -> dict[str, float]:
    """What a candidate for ``champion`` is judged on: test Spearman of performance
    (higher is better) and test Brier score of risk (lower is better)."""
    perf_rows, risk_rows = table.iloc[perf_split.test], table.iloc[risk_split.test]
    perf = score_candidates(bundle, perf_rows).performance
    risk = score_candidates(bundle, risk_rows).risk
    return {"performance_spearman": m.spearman(perf, perf_rows[PERFORMANCE].to_numpy()),
            "risk_brier": m.brier(risk_rows[FAILURE].to_numpy(), risk)}


def flat_metrics(frame: pd.DataFrame) -> dict[str, float]:
    """``{target}_{split}_{method}_{metric}`` → value, for MLflow."""
    out = {}
    for row in frame.to_dict("records"):
        for key, value in row.items():
            if key in ("method", "target", "split") or pd.isna(value):
                continue
            out[f"{row['target']}_{row['split']}_{row['method']}_{key}".replace("@", "_at_")] = float(value)
    return out
