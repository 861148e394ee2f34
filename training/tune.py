"""Hyper-parameter search for the two boosters (``mutasi train --tune N``).

A seeded Optuna TPE search over the boosters' main parameters. Every trial fits both
boosters on the **temporal training split** and scores them on the **validation split**
only: the test period is never given to a fit, and the simulator's oracle never reaches
this module. The objective, to minimise, is

    L2_valid / L2_null  +  logloss_valid / logloss_null

the two losses the boosters optimise and early-stop on, each divided by the loss of a
constant prediction (the training mean), so both targets count equally whatever their
scale (each term is one minus a skill score: 1 - R² and 1 - McFadden's pseudo-R²). A
proper, smooth loss is chosen over the validation Spearman because the few hundred
validation events make rank correlations noisy, and both the expected score and the risk
are served as numbers, not only as orders. Spearman and AUC are kept per trial for reading.

Pruning: every ``check_every`` boosting rounds a trial reports its running objective
(performance phase: its relative L2; risk phase: the finished relative L2 plus the running
relative log-loss, at steps after the performance phase's) and Optuna's ``MedianPruner``
stops trials that are worse than the median of finished trials at the same step. The
first trial is the settings it starts from, so the search never returns worse parameters
than the defaults on validation. Only the fields of :data:`SEARCH_SPACE` change; seed,
threads, rounds, monotone constraints and any other :class:`FitSettings` field are kept.
"""

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

from features.names import FAILURE, FOLLOWED_UP, PERFORMANCE
from models.bundle import PERFORMANCE_MODEL, RISK_MODEL
from models.spec import FeatureSpec
from training import metrics as m
from training.fit import FitSettings, fit_booster
from training.split import TemporalSplit, temporal_split

Progress = Callable[[str], None]
DEFAULT_TIMEOUT = 1800.0          # seconds: a search stops starting trials after this
OBJECTIVE = "l2_valid/l2_null + logloss_valid/logloss_null (temporal validation split)"
RISK_STEP_OFFSET = 100_000        # pruning steps of the risk phase come after the performance phase's


@dataclass(frozen=True)
class Dim:
    """One searched :class:`FitSettings` field: a float or int range, log-scaled or not."""

    name: str
    low: float
    high: float
    log: bool = False
    integer: bool = False

    def suggest(self, trial) -> float | int:
        if self.integer:
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, log=self.log)

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


SEARCH_SPACE: tuple[Dim, ...] = (
    Dim("learning_rate", 0.01, 0.2, log=True),
    Dim("num_leaves", 7, 127, log=True, integer=True),
    Dim("min_data_in_leaf", 10, 200, log=True, integer=True),
    Dim("feature_fraction", 0.5, 1.0),
    Dim("bagging_fraction", 0.5, 1.0),
    Dim("lambda_l2", 1e-3, 30.0, log=True),
)


@dataclass(frozen=True)
class Pruning:
    """MedianPruner settings: a trial is judged every ``check_every`` rounds, after
    ``warmup_checks`` checks, once ``startup_trials`` trials have finished."""

    check_every: int = 10
    warmup_checks: int = 5
    startup_trials: int = 5


@dataclass(frozen=True)
class TrialRecord:
    number: int
    params: dict[str, float | int]
    value: float | None               # the objective (None when pruned or failed: see details)
    state: str                        # COMPLETE, PRUNED, FAIL
    seconds: float
    started: float                    # unix time, for the MLflow run's start
    details: dict[str, float]         # objective parts, rounds, validation Spearman / AUC, pruned step


@dataclass(frozen=True)
class TuneResult:
    best_params: dict[str, float | int]
    best_value: float
    trials: tuple[TrialRecord, ...]
    seconds: float
    objective: str = OBJECTIVE

    @property
    def n_pruned(self) -> int:
        return sum(t.state == "PRUNED" for t in self.trials)

    def apply(self, settings: FitSettings) -> FitSettings:
        """``settings`` with the best parameters, every other field unchanged."""
        return replace(settings, **self.best_params)

    def best_params_json(self) -> str:
        return json.dumps(self.best_params, indent=1, sort_keys=True)

    def trials_frame(self) -> pd.DataFrame:
        """One row per trial: number, state, value, seconds, the parameters and details."""
        rows = [{"number": t.number, "state": t.state, "value": t.value, "seconds": round(t.seconds, 3),
                 **{f"param_{k}": v for k, v in t.params.items()}, **t.details} for t in self.trials]
        return pd.DataFrame(rows)


def load_params(path: str | Path, space: tuple[Dim, ...] = SEARCH_SPACE) -> dict[str, float | int]:
    """Read a ``best_params.json`` (as :meth:`TuneResult.best_params_json` writes it) and
    check that it names only searchable :class:`FitSettings` fields with numbers."""
    raw = json.loads(Path(path).read_text())
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object of parameters, not {type(raw).__name__}")
    dims = {d.name: d for d in space}
    unknown = sorted(set(raw) - set(dims))
    if unknown:
        raise ValueError(f"{path}: not tunable parameters: {', '.join(unknown)} (known: {', '.join(dims)})")
    out: dict[str, float | int] = {}
    for name, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{path}: {name} must be a finite number, not {value!r}")
        if dims[name].integer and value != int(value):
            raise ValueError(f"{path}: {name} must be a whole number, not {value!r}")
        out[name] = int(value) if dims[name].integer else float(value)
    return out


@dataclass(frozen=True)
class _Data:
    """Model matrices of the training and validation rows of one target, nothing else."""

    x_train: np.ndarray
    y_train: np.ndarray
    w_train: np.ndarray | None
    x_valid: np.ndarray
    y_valid: np.ndarray
    w_valid: np.ndarray | None
    null_loss: float


def _null_loss(y_train: np.ndarray, y_valid: np.ndarray, w_train, w_valid, binary: bool) -> float:
    """The validation loss of predicting the (weighted) training mean for everyone."""
    mean = float(np.average(y_train, weights=w_train))
    if binary:
        p = min(max(mean, 1e-6), 1 - 1e-6)
        losses = -(y_valid * math.log(p) + (1 - y_valid) * math.log(1 - p))
    else:
        losses = (y_valid - mean) ** 2
    return float(np.average(losses, weights=w_valid))


def _target_data(x: np.ndarray, y: np.ndarray, split: TemporalSplit, weight: np.ndarray | None,
                 binary: bool) -> _Data:
    tr, va = split.train, split.valid
    w_tr, w_va = (None, None) if weight is None else (weight[tr], weight[va])
    return _Data(x[tr], y[tr], w_tr, x[va], y[va], w_va, _null_loss(y[tr], y[va], w_tr, w_va, binary))


def _reporter(trial, data: _Data, offset: int, base: float, pruning: Pruning):
    """A LightGBM callback: every ``check_every`` rounds after the warm-up, report ``base`` +
    the running best relative validation loss at step ``offset + round``; raise
    TrialPruned when the pruner says so."""
    import optuna

    best = [math.inf]

    def callback(env: lgb.callback.CallbackEnv) -> None:
        loss = env.evaluation_result_list[0][2] / data.null_loss
        best[0] = min(best[0], loss)
        done = env.iteration + 1
        if done % pruning.check_every == 0 and done >= pruning.warmup_checks * pruning.check_every:
            trial.report(base + best[0], offset + done)
            if trial.should_prune():
                trial.set_user_attr("pruned_at_round", done)
                raise optuna.TrialPruned(f"pruned at round {done}")

    return callback


def _fit(data: _Data, spec: FeatureSpec, cats: list[int], objective: str, target: str, settings: FitSettings,
         callback) -> lgb.Booster:
    return fit_booster(data.x_train, data.y_train, data.x_valid, data.y_valid, spec.features, cats, objective,
                       target, settings, weight=data.w_train, valid_weight=data.w_valid, callbacks=(callback,))


def _objective(perf: _Data, risk: _Data, spec: FeatureSpec, settings: FitSettings, space: tuple[Dim, ...],
               pruning: Pruning):
    cats = [spec.features.index(f) for f in spec.categorical]

    def objective(trial) -> float:
        trial_settings = replace(settings, **{d.name: d.suggest(trial) for d in space})
        perf_booster = _fit(perf, spec, cats, "regression", PERFORMANCE_MODEL, trial_settings,
                            _reporter(trial, perf, 0, 0.0, pruning))
        perf_rel = perf_booster.best_score["valid_0"]["l2"] / perf.null_loss
        risk_booster = _fit(risk, spec, cats, "binary", RISK_MODEL, trial_settings,
                            _reporter(trial, risk, RISK_STEP_OFFSET, perf_rel, pruning))
        risk_rel = risk_booster.best_score["valid_0"]["binary_logloss"] / risk.null_loss
        details = {"performance_rel_l2": perf_rel, "risk_rel_logloss": risk_rel,
                   "performance_rounds": perf_booster.best_iteration, "risk_rounds": risk_booster.best_iteration,
                   "performance_valid_spearman": m.spearman(perf.y_valid, perf_booster.predict(perf.x_valid)),
                   "risk_valid_auc": m.roc_auc(risk.y_valid, risk_booster.predict(risk.x_valid))}
        for key, value in details.items():
            trial.set_user_attr(key, value)
        return perf_rel + risk_rel

    return objective


def _record(frozen) -> TrialRecord:
    seconds = frozen.duration.total_seconds() if frozen.duration is not None else 0.0
    started = frozen.datetime_start.timestamp() if frozen.datetime_start is not None else time.time()
    details = {k: float(v) for k, v in frozen.user_attrs.items() if isinstance(v, int | float)}
    complete = frozen.state.name == "COMPLETE"
    if not complete and frozen.intermediate_values:            # Optuna gives a pruned trial its last report
        details["last_reported"] = float(frozen.intermediate_values[frozen.last_step])
    return TrialRecord(frozen.number, dict(frozen.params), frozen.value if complete else None, frozen.state.name,
                       seconds, started, details)


def tune(table: pd.DataFrame, settings: FitSettings, n_trials: int, seed: int | None = None,
         progress: Progress | None = None, timeout: float | None = DEFAULT_TIMEOUT,
         space: tuple[Dim, ...] = SEARCH_SPACE, pruning: Pruning = Pruning(),
         sample_weight: np.ndarray | None = None) -> TuneResult:
    """Search ``space`` for ``n_trials`` trials (or until ``timeout`` seconds have passed)
    on the temporal training / validation splits of ``table``; ``sample_weight`` (one per
    table row, optional) weights both the fits and the validation losses."""
    import optuna

    if n_trials < 1:
        raise ValueError(f"n_trials must be at least 1, not {n_trials}")
    say = progress or (lambda _m: None)
    perf_split = temporal_split(table, PERFORMANCE)           # the same splits as fit_ranker
    risk_split = temporal_split(table, FAILURE, usable=FOLLOWED_UP)
    seen = np.union1d(np.union1d(perf_split.train, perf_split.valid), np.union1d(risk_split.train, risk_split.valid))
    visible = table.iloc[seen]                                  # test-period rows never go further
    spec = FeatureSpec.fit(table.iloc[np.union1d(perf_split.train, risk_split.train)])
    x = np.full((len(table), len(spec.features)), np.nan)
    x[seen] = spec.matrix(visible)
    y_perf = np.full(len(table), np.nan)
    y_risk = np.full(len(table), np.nan)
    y_perf[seen] = visible[PERFORMANCE].to_numpy(float)
    y_risk[seen] = visible[FAILURE].to_numpy(float)
    perf = _target_data(x, y_perf, perf_split, sample_weight, binary=False)
    risk = _target_data(x, y_risk, risk_split, sample_weight, binary=True)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize", sampler=optuna.samplers.TPESampler(seed=settings.seed if seed is None else seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=pruning.startup_trials))    # warm-up: _reporter
    start = {d.name: getattr(settings, d.name) for d in space if d.contains(getattr(settings, d.name))}
    if start:
        study.enqueue_trial(start)                                # the starting settings are trial 0

    def report(_study, frozen) -> None:
        if frozen.state.name == "COMPLETE":
            outcome = f"objective {frozen.value:.4f}"
        else:
            outcome = f"at round {frozen.user_attrs.get('pruned_at_round', '-')}"
        say(f"trial {frozen.number + 1}/{n_trials} {frozen.state.name.lower()} {outcome} "
            f"({frozen.duration.total_seconds():.1f}s)")

    began = time.perf_counter()
    study.optimize(_objective(perf, risk, spec, settings, space, pruning), n_trials=n_trials, timeout=timeout,
                   callbacks=[report])
    trials = tuple(_record(t) for t in study.trials)
    if not any(t.state == "COMPLETE" for t in trials):
        raise RuntimeError(f"no tuning trial completed in {time.perf_counter() - began:.0f}s")
    return TuneResult(dict(study.best_params), float(study.best_value), trials, time.perf_counter() - began)
