"""Fit and evaluate the post-transfer risk model (:class:`models.followup.FollowupModel`).

Rows come from :func:`features.followup_table.followup_table` (one per transfer event
and check month still open), only followed-up events (as the ranker's risk model). Every
row of one event falls in the part of the ranker's risk split that holds the event, so
the follow-up model's test period is the ranker's: the same events, never trained on.
The booster is fitted as the ranker's risk booster (:func:`training.fit.fit_booster`,
early stopping on the validation part) and calibrated the same way (isotonic on the
validation part's margins).

The evaluation is the **watchlist**: test rows ordered by post-transfer risk, against
the ranker's **at-decision** risk (:func:`models.scoring.score_candidates` on the
features at the move) of the same rows: base rate of failures, failure rate in the top
decile, lift = top-decile rate / base rate, ROC AUC; overall and per check month.
"""

from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from features.followup import FOLLOWUP_CATEGORICAL, FOLLOWUP_FEATURES
from features.followup_table import CHECK_MONTH, CHECK_MONTHS, followup_table
from features.io import Dataset
from features.names import EVENT_ID, FAILURE, FOLLOWED_UP
from features.snapshot import Sources
from models.bundle import RISK_MODEL, RankerBundle
from models.followup import FollowupModel
from models.scoring import rank_order, score_candidates
from models.spec import FeatureSpec
from training import metrics as m
from training.fit import FitSettings, fit_booster, fit_calibration
from training.split import TemporalSplit

TARGET = "followup"                       # the evaluation table's target of these rows
WATCHLIST, AT_DECISION = "model", "at_decision"
TOP_SHARE = 0.10                          # the watchlist's top decile
MIN_TRAIN_ROWS = 200
MIN_TRAIN_FAILURES = 20
MIN_VALID_ROWS = 20
TRAIN, VALID, TEST = "train", "valid", "test"


class Skip(Enum):
    """Why no post-transfer model was fitted."""

    TOO_FEW_ROWS = "too_few_rows"
    TOO_FEW_FAILURES = "too_few_failures"
    NO_VALIDATION = "no_validation"        # the validation part is too small or has one class


@dataclass(frozen=True)
class FollowupFit:
    rows: pd.DataFrame                     # the follow-up table (followed-up events only)
    part: np.ndarray                       # TRAIN / VALID / TEST / "" per row (the event's risk split part)
    model: FollowupModel | None
    skipped: Skip | None = None
    detail: str = ""                       # the counts behind a skip

    def rows_of(self, part: str) -> pd.DataFrame:
        return self.rows[self.part == part]

    def line(self) -> str:
        """One progress line: the rows per part, or why there is no model."""
        counts = " / ".join(f"{int((self.part == p).sum()):,} {p}" for p in (TRAIN, VALID, TEST))
        if self.model is None:
            return f"no post-transfer model ({self.skipped.value}: {self.detail}); rows {counts}"
        return f"post-transfer model: rows {counts}, {self.model.metadata['rounds']} rounds"

    def summary(self) -> dict[str, object]:
        """Counts per part (logged with the ranker's metadata)."""
        out: dict[str, object] = {f"followup_n_{p}": int((self.part == p).sum()) for p in (TRAIN, VALID, TEST)}
        out["followup_fitted"] = self.model is not None
        if self.skipped is not None:
            out["followup_skipped"] = self.skipped.value
        return out


def event_parts(table: pd.DataFrame, risk_split: TemporalSplit) -> dict[str, str]:
    """Event id -> the part of the ranker's risk split that holds it."""
    out = {}
    for part, positions in ((TRAIN, risk_split.train), (VALID, risk_split.valid), (TEST, risk_split.test)):
        out.update(dict.fromkeys(table[EVENT_ID].to_numpy()[positions], part))
    return out


def fit_followup(dataset: Dataset, table: pd.DataFrame, risk_split: TemporalSplit,
                 settings: FitSettings = FitSettings(), sources: Sources | None = None,
                 check_months=CHECK_MONTHS) -> FollowupFit:
    """The post-transfer model on the follow-up rows of the followed-up events of ``table``
    (the ranker's training table, whose features at the move are reused), split as
    ``risk_split``; no model (and why) when the data is too small."""
    rows = followup_table(dataset, table, sources, check_months)
    rows = rows[rows[FOLLOWED_UP].to_numpy(bool) & rows[FAILURE].notna().to_numpy()].reset_index(drop=True)
    parts = event_parts(table, risk_split)
    part = rows[EVENT_ID].map(parts).fillna("").to_numpy(dtype=object)
    y = rows[FAILURE].to_numpy(dtype="float64")
    train, valid = part == TRAIN, part == VALID
    if train.sum() < MIN_TRAIN_ROWS:
        return FollowupFit(rows, part, None, Skip.TOO_FEW_ROWS, f"{int(train.sum())} training rows < {MIN_TRAIN_ROWS}")
    if y[train].sum() < MIN_TRAIN_FAILURES:
        return FollowupFit(rows, part, None, Skip.TOO_FEW_FAILURES,
                           f"{int(y[train].sum())} failures in training rows < {MIN_TRAIN_FAILURES}")
    if valid.sum() < MIN_VALID_ROWS or len(np.unique(y[valid])) < 2:
        return FollowupFit(rows, part, None, Skip.NO_VALIDATION,
                           f"{int(valid.sum())} validation rows, {int(y[valid].sum())} failures")
    spec = FeatureSpec.fit(rows[train], FOLLOWUP_FEATURES, FOLLOWUP_CATEGORICAL)
    x = spec.matrix(rows)
    cats = [spec.features.index(f) for f in spec.categorical]
    booster = fit_booster(x[train], y[train], x[valid], y[valid], spec.features, cats, "binary", RISK_MODEL,
                          settings)
    calibration = fit_calibration(booster.predict(x[valid], raw_score=True), y[valid])
    metadata = {"check_months": list(check_months), "rounds": booster.best_iteration,
                "risk_valid_from": str(risk_split.valid_from.date()), "risk_test_from": str(risk_split.test_from.date()),
                "n_train": int(train.sum()), "n_valid": int(valid.sum()), "train_failure_rate": float(y[train].mean())}
    model = FollowupModel(spec, booster, calibration.x, calibration.y, metadata)
    return FollowupFit(rows, part, model)


def watchlist_figures(y: np.ndarray, score: np.ndarray, top_share: float = TOP_SHARE) -> dict[str, float]:
    """Base rate, failure rate among the top ``top_share`` by ``score`` (ties keep row
    order), their ratio (lift) and ROC AUC."""
    y = np.asarray(y, dtype="float64")
    if len(y) == 0:
        return {"rows": 0.0}
    top = rank_order(score, max(1, int(np.ceil(len(y) * top_share))))
    base = float(y.mean())
    rate = float(y[top].mean())
    return {"rows": float(len(y)), "failures": float(y.sum()), "base_rate": base, "top_decile_rate": rate,
            "top_decile_lift": rate / base if base > 0 else float("nan"), "roc_auc": m.roc_auc(y, score)}


def evaluate_followup(fit: FollowupFit, bundle: RankerBundle, part: str = TEST) -> pd.DataFrame:
    """Watchlist figures of the post-transfer model (method ``model``) and of the ranker's
    at-decision risk (``at_decision``) on one part's rows, overall (split ``test``) and per
    check month (split ``test_6m`` ...); empty when there is no model or no row."""
    rows = fit.rows_of(part)
    if fit.model is None or rows.empty:
        return pd.DataFrame()
    scores = {WATCHLIST: fit.model.predict(rows), AT_DECISION: score_candidates(bundle, rows).risk}
    y = rows[FAILURE].to_numpy(dtype="float64")
    months = rows[CHECK_MONTH].to_numpy()
    out = []
    for label, keep in [(part, np.ones(len(rows), bool))] + [(f"{part}_{k}m", months == k) for k in np.unique(months)]:
        for method, score in scores.items():
            out.append({"method": method, "target": TARGET, "split": label, **watchlist_figures(y[keep], score[keep])})
    return pd.DataFrame(out)


def followup_line(row: dict) -> str:
    """One evaluation row as a line of ``mutasi train``'s summary (fits 80 columns)."""
    return (f"{row['target']:<11} {row['split']:<8} {row['method']:<11} lift {row['top_decile_lift']:.2f}, "
            f"top10 {row['top_decile_rate']:.3f}, base {row['base_rate']:.3f}, auc {row['roc_auc']:.3f}")
