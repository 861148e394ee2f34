"""``mutasi train``: validate, build the training table, fit, evaluate, log, register.

The pure part (:func:`fit_ranker`, :func:`evaluate_ranker`) takes frames and returns
objects; :func:`train` wraps it with MLflow. Bad data stops before any run exists; a
failure after registration removes the half-made version.
"""

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features.io import Dataset, load_dataset
from features.names import FAILURE, FOLLOWED_UP, PERFORMANCE
from features.snapshot import prepare_sources
from features.timeline import dataset_end, default_as_of
from features.training_table import Step, build_training_table
from models.bundle import PERFORMANCE_MODEL, RISK_MODEL, RankerBundle
from models.fair import FairRanking
from models.spec import FeatureSpec
from models.store import EXPERIMENT, MODEL_NAME
from training import evaluate as ev
from training.baselines import LinearBaseline
from training.card import with_tradeoff
from training.correction import Correction, Selection, fit_selection
from training.fairness import AuditReport, FairnessSettings, run_audit
from training.fit import FitSettings, fit_booster, fit_calibration
from training.followup import TARGET as FOLLOWUP_TARGET
from training.followup import evaluate_followup, fit_followup, followup_line
from training.results import Evaluated, Fitted, TrainedRun, TrainResult
from training.split import TemporalSplit, temporal_split
from training.tracking import data_fingerprint, git_commit
from training.uplift import estimate_uplift

Progress = Callable[[str], None]
LOAD_STAGE, TUNE_STAGE, FIT_STAGE, EVALUATE_STAGE, LOG_STAGE = (
    "loading data", "tuning", "fitting", "evaluating", "logging to MLflow")   # progress bar stages


def fit_models(x: np.ndarray, table: pd.DataFrame, perf_split: TemporalSplit, risk_split: TemporalSplit,
               spec: FeatureSpec, settings: FitSettings, weight: np.ndarray | None = None,
               init: tuple | None = None) -> tuple:
    """Both boosters and the risk calibration; ``weight`` per table row weighs training,
    early stopping and calibration; ``init`` = (performance, risk) boosters to continue from."""
    cats = [spec.features.index(f) for f in spec.categorical]
    y_perf, y_risk = table[PERFORMANCE].to_numpy(), table[FAILURE].to_numpy()

    def fold(rows: np.ndarray) -> np.ndarray | None:
        return None if weight is None else weight[rows]

    performance = fit_booster(x[perf_split.train], y_perf[perf_split.train], x[perf_split.valid],
                              y_perf[perf_split.valid], spec.features, cats, "regression", PERFORMANCE_MODEL,
                              settings, weight=fold(perf_split.train), valid_weight=fold(perf_split.valid),
                              init_model=None if init is None else init[0])
    risk = fit_booster(x[risk_split.train], y_risk[risk_split.train], x[risk_split.valid], y_risk[risk_split.valid],
                       spec.features, cats, "binary", RISK_MODEL, settings, weight=fold(risk_split.train),
                       valid_weight=fold(risk_split.valid), init_model=None if init is None else init[1])
    margin = risk.predict(x[risk_split.valid], raw_score=True)
    return performance, risk, fit_calibration(margin, y_risk[risk_split.valid], fold(risk_split.valid))


def splits(table: pd.DataFrame) -> tuple[TemporalSplit, TemporalSplit]:
    """The temporal splits of the performance and the risk targets (risk: followed-up events
    only, so no outcome-dependent censoring)."""
    return temporal_split(table, PERFORMANCE), temporal_split(table, FAILURE, usable=FOLLOWED_UP)


def fit_ranker(dataset: Dataset, table: pd.DataFrame, settings: FitSettings = FitSettings(),
               metadata: dict | None = None, progress: Progress | None = None,
               selection: Selection | None = None) -> Fitted:
    """Temporal splits, both boosters, calibration, uplift and the linear baseline. With a
    selection correction (``settings.selection_correction``: ipw or dr) also the selection
    model, its weights, and the uncorrected models beside the corrected ones (``selection``:
    one already fitted on the same table, e.g. for the tuning search)."""
    perf_split, risk_split = splits(table)
    spec = FeatureSpec.fit(table.iloc[np.union1d(perf_split.train, risk_split.train)])
    x = spec.matrix(table)
    plain = fit_models(x, table, perf_split, risk_split, spec, settings)
    models = plain
    if settings.correction is Correction.NONE:
        selection = None
    elif selection is None:
        selection = fit_selection(dataset, table, perf_split, risk_split, settings.alternatives, settings.seed,
                                  progress=progress)
    if selection is not None:
        init = plain[:2] if settings.correction is Correction.DR else None
        models = fit_models(x, table, perf_split, risk_split, spec, settings, selection.row_weight, init)
    uplift = estimate_uplift(dataset)
    info = {**(metadata or {}), **perf_split.describe(), **risk_split.describe(),
            "selection_correction": settings.correction.value}

    def bundle_of(fitted: tuple, extra: dict) -> RankerBundle:
        performance, risk, calibration = fitted
        return RankerBundle(spec=spec, performance=performance, risk=risk, calibration=calibration,
                            catalog=dataset.training_catalog, uplift=uplift,
                            metadata={**info, **extra, "performance_rounds": performance.best_iteration,
                                      "risk_rounds": risk.best_iteration})

    bundle = bundle_of(models, {} if selection is None else selection.summary)
    uncorrected = None if selection is None else bundle_of(plain, {"selection_correction": Correction.NONE.value})
    y_perf, y_risk = table[PERFORMANCE].to_numpy(), table[FAILURE].to_numpy()
    linear = LinearBaseline.fit(spec, table.iloc[perf_split.train], y_perf[perf_split.train],
                                table.iloc[risk_split.train], y_risk[risk_split.train], settings.seed)
    followup = fit_followup(dataset, table, risk_split, settings)      # the post-transfer model, same test events
    (progress or (lambda _m: None))(followup.line())
    bundle = replace(bundle, followup=followup.model, metadata={**bundle.metadata, **followup.summary()})
    return Fitted(bundle, linear, perf_split, risk_split, uncorrected=uncorrected, selection=selection,
                  followup=followup)


def evaluate_ranker(fitted: Fitted, dataset: Dataset, table: pd.DataFrame,
                    oracle: pd.DataFrame | None, progress: Progress) -> Evaluated:
    """Test-period metrics for the model and baselines, plus oracle metrics if available."""
    extra = {} if fitted.uncorrected is None else {ev.UNCORRECTED: fitted.uncorrected}
    history, calibration = ev.history_metrics(fitted.bundle, fitted.linear, table,
                                              fitted.perf_split, fitted.risk_split, extra)
    frames = [history]
    if oracle is not None:
        progress(f"oracle: {oracle[c.POSITION_ID].nunique()} held-out vacancies, {len(oracle):,} candidates")
        cands = ev.oracle_candidates(dataset, prepare_sources(dataset), oracle)
        frames.append(ev.oracle_metrics(fitted.bundle, fitted.linear, cands, extra))
    if fitted.followup is not None:      # the watchlist against the at-decision risk, same test rows
        frames.append(evaluate_followup(fitted.followup, fitted.bundle))
    promotion = ev.promotion_metrics(fitted.bundle, table, fitted.perf_split, fitted.risk_split)
    return Evaluated(pd.concat(frames, ignore_index=True), calibration, promotion)


class Stages:
    """Prints each stage with its duration."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.progress(f"[{time.perf_counter() - self.started:6.1f}s] {message}")


def audit_ranker(fitted: Fitted, dataset: Dataset, table: pd.DataFrame, oracle: pd.DataFrame | None,
                 settings: FairnessSettings, step: Step | None = None) -> AuditReport:
    """The fairness audit of the lists the version serves (its fair top lists, if any) at the
    dataset's default decision date, on the oracle's vacancies when there are some (beside
    the oracle's own lists), else on a seeded sample of posts; with the trade-off curve."""
    preferred = list(oracle[c.POSITION_ID].unique()) if oracle is not None else None
    report = run_audit(fitted.bundle, dataset, prepare_sources(dataset), default_as_of(dataset), settings,
                       positions=preferred, perf_rows=table.iloc[fitted.perf_split.test],
                       risk_rows=table.iloc[fitted.risk_split.test], truth=oracle, step=step)
    return with_tradeoff(report)           # the price of fair top lists, on the same vacancies


def train(data: str | Path, experiment: str = EXPERIMENT, tracking_uri: str | None = None,
          settings: FitSettings = FitSettings(), progress: Progress | None = None,
          model_name: str = MODEL_NAME, fairness: FairnessSettings = FairnessSettings(),
          force_champion: str | None = None, oracle: str | Path | None = None,
          fair: FairRanking = FairRanking(), tune: int = 0, tune_timeout: float = 1800.0,
          step: Step | None = None) -> TrainResult:
    """The whole ``mutasi train`` job. ``fair`` is the version's fair top-list setting
    (saved in the bundle, served and audited with it; threshold 0 serves the plain order). ``force_champion`` (a reason, recorded) lets a
    version whose fairness audit failed take ``champion`` anyway. ``oracle`` names the
    simulator's held-out vacancies file; it is never picked up from the data directory.
    ``tune`` > 0 first searches that many Optuna trials (at most ``tune_timeout`` seconds)
    on the temporal training / validation splits and fits with the best parameters. ``step``
    (stage, done, total) drives progress bars: one per stage, the table's steps and the
    audited vacancies counted."""
    say = Stages(progress or (lambda _m: None))
    tick = step or (lambda _stage, _done, _total: None)
    truth = ev.read_oracle(oracle) if oracle is not None else None    # a bad file fails before the long work
    say(f"loading and validating {data}")
    tick(LOAD_STAGE, 0, 1)
    dataset = load_dataset(data)                      # DatasetError here: no run is created
    tick(LOAD_STAGE, 1, 1)
    say("building the point-in-time training table")
    table = ev.with_age(build_training_table(dataset, progress=say, step=step), dataset)
    info = {"data_source": str(Path(data).resolve()), "data_fingerprint": data_fingerprint(data),
            "n_events": len(table), "dataset_end": str(dataset_end(dataset).date()),
            "git_commit": git_commit(), "model_name": model_name}
    tuning = selection = None
    if tune > 0:
        from training.tune import tune as search

        say(f"tuning: {tune} trials on the validation split (at most {tune_timeout:.0f}s)")
        tick(TUNE_STAGE, 0, 1)
        if settings.correction is not Correction.NONE:       # the search weighs rows as the fit will
            perf_split, risk_split = splits(table)
            selection = fit_selection(dataset, table, perf_split, risk_split, settings.alternatives,
                                      settings.seed, progress=say)
        tuning = search(table, settings, tune, progress=say, timeout=tune_timeout,
                        sample_weight=None if selection is None else selection.row_weight)
        settings = tuning.apply(settings)
        say(f"best of {len(tuning.trials)} trials ({tuning.n_pruned} pruned): "
            + ", ".join(f"{k} {v:.4g}" for k, v in tuning.best_params.items()))
    say(f"fitting on {len(table):,} transfer events")
    tick(FIT_STAGE, 0, 1)
    fitted = fit_ranker(dataset, table, settings, metadata=info, progress=say, selection=selection)
    tick(FIT_STAGE, 1, 1)
    fitted = replace(fitted, bundle=replace(fitted.bundle, fair=fair))
    say("evaluating on the test period" + (" and the oracle" if truth is not None else ""))
    tick(EVALUATE_STAGE, 0, 1)
    evaluated = evaluate_ranker(fitted, dataset, table, truth, say)
    tick(EVALUATE_STAGE, 1, 1)
    say("fairness audit")
    audit = audit_ranker(fitted, dataset, table, truth, fairness, step=step)
    say(f"fairness audit {'passed' if audit.passed else 'FAILED'}: "
        f"{len(audit.flagged())} flagged group(s) over {audit.positions} vacancies")
    from training.mlflow_run import log_and_register  # the MLflow edge, only when logging

    run = TrainedRun(dataset, table, fitted, evaluated, audit, info, settings)
    tick(LOG_STAGE, 0, 1)
    result = log_and_register(run, experiment, tracking_uri, model_name, force_champion, say, tuning=tuning)
    tick(LOG_STAGE, 1, 1)
    return result


def summary_lines(evaluation: pd.DataFrame) -> list[str]:
    """Readable lines of the main figures."""
    lines = []
    for row in evaluation.to_dict("records"):
        if row["target"] == FOLLOWUP_TARGET:
            lines.append(followup_line(row))
            continue
        keys = [k for k in ("mae", "spearman", "ndcg@10", "gap_share", "roc_auc", "brier", "ece")
                if k in row and pd.notna(row[k])]
        figures = ", ".join(f"{k} {row[k]:.3f}" for k in keys)
        lines.append(f"{row['target']:<11} {row['split']:<6} {row['method']:<10} {figures}")
    return lines

