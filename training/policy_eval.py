"""How well would a ranking policy have done had its top pick been appointed? Estimated
from a logged history alone (off-policy evaluation, :mod:`training.ope`) and, on the
simulator, checked against the oracle.

A logged bandit here is a set of **pools** (one row per (pool, candidate), with features
and the selection model's probability that the candidate is the one chosen) and of
**events** (one row per logged choice: its pool, the appointee, the realised rewards).

- From history (real data, no oracle): the transfer events of the test period (the
  training's temporal split, or ``since``), a seeded sample of ``max_events``, each with
  its whole eligible pool rebuilt at its date; the selection model is fitted on the
  *earlier* events' pools (sampled alternatives); rewards are the appointee's labels
  (performance score; 1 − failure where the 730-day window was followed up).
- From an oracle log (simulator): the oracle vacancies' pools, each replicate of
  ``oracle_log.parquet`` a logged event; the selection model is fitted on the dataset's
  history. The **oracle value** of a policy is the mean true expected score (and mean
  1 − true failure probability) of its top pick over the vacancies.

The policies: ``model`` (the bundle's policy score, :func:`models.scoring.score_candidates`),
``linear`` (the baseline's two predictions in the same policy score), ``duk`` and
``last_score``; ``logged`` is the history's own choice (the naive mean). Only eligible
candidates can be a policy's pick. The doubly robust reward model q̂ is a separate small
LightGBM fitted on the training period (:data:`REWARD_MODEL`), not the evaluated booster.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

import lightgbm as lgb
import numpy as np
import pandas as pd

from features import columns as c
from features.eligibility import ELIGIBLE
from features.history_pools import historical_pools
from features.io import Dataset
from features.names import (
    AS_OF,
    CHOSEN,
    EVENT_ID,
    FAILURE,
    FOLLOWED_UP,
    PERFORMANCE,
    PROPENSITY,
    TRUE_EXPECTED_SCORE,
    TRUE_FAILURE_PROB,
)
from features.snapshot import Sources, prepare_sources
from models.bundle import RankerBundle
from models.scoring import DEFAULT_POLICY, score_candidates
from models.spec import FeatureSpec
from training import ope
from training.baselines import DUK, LAST_SCORE, LINEAR, LinearBaseline, duk_score, last_score
from training.evaluate import MODEL, oracle_candidates, with_age
from training.propensity import SelectionModel
from training.split import TemporalSplit, temporal_split

Progress = Callable[[str], None]
POLICIES = (MODEL, LINEAR, DUK, LAST_SCORE)
LOGGED = "logged"
ESTIMATORS = (ope.Method.IPS, ope.Method.SNIPS, ope.Method.DR)
REWARD_MODEL = "a separate LightGBM reward model (100 rounds, 15 leaves) fitted on the training period"
RESULT_COLUMNS = ("policy", "target", "estimator", "estimate", "low", "high", "n_events", "n_matched",
                  "expected_matches", "ess", "oracle_value", "covers")


class Target(StrEnum):
    PERFORMANCE = "performance"      # the appointee's post-transfer score (1..5)
    NO_FAILURE = "no_failure"        # 1 − adjustment failure (followed-up events only)


TRUTH = {Target.PERFORMANCE: TRUE_EXPECTED_SCORE, Target.NO_FAILURE: TRUE_FAILURE_PROB}


@dataclass(frozen=True)
class OPESettings:
    max_events: int = 400               # logged events evaluated (seeded sample of the test period)
    selection_events: int = 1500        # earlier events the selection model is fitted on (seeded sample)
    alternatives: int = 30              # sampled alternatives per event for the selection model
    n_boot: int = 1000
    alpha: float = 0.05
    seed: int = 0
    since: pd.Timestamp | None = None   # evaluate the events from this date (default: the test period)


@dataclass(frozen=True)
class PolicyEvaluation:
    table: pd.DataFrame                 # one row per (policy, target, estimator): RESULT_COLUMNS
    source: str                         # "history" or "oracle log"
    reward_model: str
    notes: dict[str, object]            # sizes, dates, the selection model's overlap


@dataclass(frozen=True)
class RewardModel:
    """q̂(x, a) of the doubly robust estimate: expected score and P(no failure) of a candidate."""

    spec: FeatureSpec
    performance: lgb.Booster
    risk: lgb.Booster

    @classmethod
    def fit(cls, spec: FeatureSpec, table: pd.DataFrame, perf_split: TemporalSplit, risk_split: TemporalSplit,
            seed: int = 0) -> "RewardModel":
        params = {"learning_rate": 0.1, "num_leaves": 15, "min_data_in_leaf": 40, "feature_fraction": 0.8,
                  "num_threads": 1, "seed": seed, "deterministic": True, "force_row_wise": True, "verbosity": -1}
        cats = [spec.features.index(f) for f in spec.categorical]
        x = spec.matrix(table)

        def booster(rows: np.ndarray, target: str, objective: str) -> lgb.Booster:
            data = lgb.Dataset(x[rows], table[target].to_numpy(dtype="float64")[rows],
                               feature_name=list(spec.features), categorical_feature=cats)
            return lgb.train({**params, "objective": objective}, data, num_boost_round=100)

        return cls(spec, booster(perf_split.train, PERFORMANCE, "regression"),
                   booster(risk_split.train, FAILURE, "binary"))

    def predict(self, frame: pd.DataFrame) -> dict[Target, np.ndarray]:
        x = self.spec.matrix(frame)
        return {Target.PERFORMANCE: self.performance.predict(x), Target.NO_FAILURE: 1.0 - self.risk.predict(x)}


def policy_scores(bundle: RankerBundle, linear: LinearBaseline, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each policy's ranking score of every row (higher = picked first); ``frame`` has ``age_years``."""
    lin_perf, lin_risk = linear.predict(bundle.spec, frame)
    return {MODEL: score_candidates(bundle, frame).score, LINEAR: DEFAULT_POLICY.score(lin_perf, lin_risk),
            DUK: duk_score(frame), LAST_SCORE: last_score(frame)}


def top_picks(pool: np.ndarray, score: np.ndarray, allowed: np.ndarray) -> pd.Series:
    """Row position of the best allowed row of each pool (ties: the earlier row, as
    :func:`models.scoring.rank_order`), indexed by pool; pools with no allowed row are absent."""
    rows = np.flatnonzero(allowed)
    codes, uniques = pd.factorize(pd.Series(pool[rows]))
    order = rows[np.lexsort((-np.asarray(score, dtype="float64")[rows], codes))]
    first = ~pd.Series(pool[order]).duplicated().to_numpy()
    return pd.Series(order[first], index=pool[order][first], dtype="int64")


def estimate_policies(pools: pd.DataFrame, events: pd.DataFrame, group: str, scores: dict[str, np.ndarray],
                      reward_hat: dict[Target, np.ndarray], settings: OPESettings,
                      strata: np.ndarray | None = None) -> pd.DataFrame:
    """The estimates of every policy, target and estimator on a logged bandit.

    ``pools``: ``group``, employee_id, ``PROPENSITY``, ``ELIGIBLE`` and, when known, the
    truth columns; ``events``: ``group``, employee_id (the appointee) and one reward column
    per :class:`Target` (NaN: not observed); ``scores`` and ``reward_hat`` per pools row."""
    keys = pd.MultiIndex.from_frame(pools[[group, c.EMPLOYEE_ID]].astype("str"))
    logged = keys.get_indexer(pd.MultiIndex.from_frame(events[[group, c.EMPLOYEE_ID]].astype("str")))
    if (logged < 0).any():
        raise ValueError(f"{int((logged < 0).sum())} logged choices are missing from their pools")
    event_pool = events[group].astype("str").to_numpy()
    propensity = pools[PROPENSITY].to_numpy(dtype="float64")[logged]
    allowed = pools[ELIGIBLE].to_numpy(bool) if ELIGIBLE in pools else np.ones(len(pools), bool)
    has_truth = all(col in pools for col in TRUTH.values())
    truths = {t: _truth(pools, t) for t in Target} if has_truth else {}
    rows = []
    for target in Target:
        reward = events[target.value].to_numpy(dtype="float64")
        seen = np.isfinite(reward)
        s = None if strata is None else strata[seen]
        naive = ope.estimate(ope.Method.NAIVE, np.ones(seen.sum()), reward[seen], propensity[seen],
                             n_boot=settings.n_boot, alpha=settings.alpha, seed=settings.seed, strata=s)
        oracle = float(np.mean(truths[target][logged[seen]])) if has_truth else np.nan
        rows.append(_row(LOGGED, target, ope.Method.NAIVE, naive, oracle) | {"expected_matches": float(seen.sum())})
        for policy, score in scores.items():
            picks = top_picks(pools[group].astype("str").to_numpy(), score, allowed)
            pick = picks.reindex(event_pool[seen]).to_numpy()
            match = (pick == logged[seen]).astype("float64")
            at = np.where(np.isnan(pick), 0, pick).astype("int64")
            q_target = reward_hat[target][at]
            expected = float(np.sum(np.where(np.isnan(pick), 0.0, pools[PROPENSITY].to_numpy(dtype="float64")[at])))
            q_logged = reward_hat[target][logged[seen]]
            oracle = float(np.mean(truths[target][picks.to_numpy()])) if has_truth else np.nan
            for method in ESTIMATORS:
                result = ope.estimate(method, match, reward[seen], propensity[seen], q_logged, q_target,
                                      n_boot=settings.n_boot, alpha=settings.alpha, seed=settings.seed, strata=s)
                rows.append(_row(policy, target, method, result, oracle) | {"expected_matches": expected})
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS))


def _truth(pools: pd.DataFrame, target: Target) -> np.ndarray:
    value = pools[TRUTH[target]].to_numpy(dtype="float64")
    return value if target is Target.PERFORMANCE else 1.0 - value


def _row(policy: str, target: Target, method: ope.Method, e: ope.Estimate, oracle: float) -> dict:
    return {"policy": policy, "target": target.value, "estimator": method.value, "estimate": e.value,
            "low": e.low, "high": e.high, "n_events": e.n_events, "n_matched": e.n_matched, "ess": e.ess,
            "oracle_value": oracle, "covers": e.covers(oracle) if np.isfinite(oracle) else pd.NA}


def in_serving_order(frame: pd.DataFrame, dataset: Dataset, group: str) -> pd.DataFrame:
    """Each pool's rows in the employees table's order, as a served pool has them: ties of
    a policy's score then fall as in serving (a historical pool lists its appointee first,
    who would otherwise win every tie, e.g. of DUK or of a last score)."""
    order = pd.Index(dataset.employees[c.EMPLOYEE_ID].astype("str")).get_indexer(frame[c.EMPLOYEE_ID].astype("str"))
    codes = pd.factorize(frame[group])[0]
    return frame.iloc[np.lexsort((order, codes))].reset_index(drop=True)


def _sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    return frame if len(frame) <= n else frame.sample(n=n, random_state=seed).sort_values(AS_OF, kind="stable")


def selection_probability(dataset: Dataset, sources: Sources, fit_events: pd.DataFrame, frame: pd.DataFrame,
                          group: str, features: tuple[str, ...], settings: OPESettings,
                          progress: Progress) -> tuple[np.ndarray, dict[str, object]]:
    """P(chosen | whole pool) of every row of ``frame`` (pools keyed by ``group``) from a
    selection model fitted on ``fit_events``' pools (sampled alternatives)."""
    events = _sample(fit_events, settings.selection_events, settings.seed)
    progress(f"selection model: pools of {len(events):,} earlier events ({settings.alternatives} alternatives each)")
    train = historical_pools(dataset, events, alternatives=settings.alternatives, seed=settings.seed,
                             sources=sources)
    model = SelectionModel.fit(train.frame, list(features), group=EVENT_ID)
    return model.probability(frame, group=group), {"selection_events": train.events}


@dataclass(frozen=True)
class Baselines:
    """What the evaluation fits on the training period: splits, linear baseline, reward model."""

    perf_split: TemporalSplit
    linear: LinearBaseline
    reward: RewardModel

    @classmethod
    def fit(cls, bundle: RankerBundle, table: pd.DataFrame, linear: LinearBaseline | None,
            seed: int) -> "Baselines":
        perf_split = temporal_split(table, PERFORMANCE)
        risk_split = temporal_split(table, FAILURE, usable=FOLLOWED_UP)
        if linear is None:
            y_perf, y_risk = table[PERFORMANCE].to_numpy(), table[FAILURE].to_numpy()
            linear = LinearBaseline.fit(bundle.spec, table.iloc[perf_split.train], y_perf[perf_split.train],
                                        table.iloc[risk_split.train], y_risk[risk_split.train], seed)
        return cls(perf_split, linear, RewardModel.fit(bundle.spec, table, perf_split, risk_split, seed))


def evaluate_history(dataset: Dataset, bundle: RankerBundle, table: pd.DataFrame, *,
                     linear: LinearBaseline | None = None, settings: OPESettings = OPESettings(),
                     progress: Progress | None = None) -> PolicyEvaluation:
    """Off-policy estimates on the latest transfer events of ``table`` (the training table,
    with ``age_years``): no oracle, the product's own history only."""
    say = progress or (lambda _m: None)
    base = Baselines.fit(bundle, table, linear, settings.seed)
    since = settings.since if settings.since is not None else base.perf_split.test_from
    dated = table.drop_duplicates(EVENT_ID)
    labelled = dated[PERFORMANCE].notna() | (dated[FAILURE].notna() & dated[FOLLOWED_UP].astype(bool))
    test = _sample(dated[(dated[AS_OF] >= since) & labelled], settings.max_events, settings.seed)
    if test.empty:
        raise ValueError(f"no labelled transfer events on or after {since.date()}")
    sources = prepare_sources(dataset)
    say(f"whole pools of {len(test):,} transfer events since {since.date()}")
    pools = historical_pools(dataset, test, alternatives=None, seed=settings.seed, sources=sources)
    frame = in_serving_order(with_age(pools.frame, dataset), dataset, EVENT_ID)
    p, notes = selection_probability(dataset, sources, dated[dated[AS_OF] < since], frame, EVENT_ID,
                                     bundle.spec.features, settings, say)
    frame = frame.assign(**{PROPENSITY: p})
    labels = dated.set_index(EVENT_ID)
    chosen = frame.loc[frame[CHOSEN], [EVENT_ID, c.EMPLOYEE_ID]]
    follow = labels[FOLLOWED_UP].astype(bool).reindex(chosen[EVENT_ID]).to_numpy()
    events = chosen.assign(**{
        Target.PERFORMANCE.value: labels[PERFORMANCE].reindex(chosen[EVENT_ID]).to_numpy(dtype="float64"),
        Target.NO_FAILURE.value: np.where(follow, 1.0 - labels[FAILURE].reindex(chosen[EVENT_ID]).to_numpy(
            dtype="float64"), np.nan)})
    say(f"estimating {len(POLICIES)} policies on {len(events):,} logged events "
        f"({settings.n_boot} bootstrap resamples)")
    result = estimate_policies(frame, events, EVENT_ID, policy_scores(bundle, base.linear, frame),
                               base.reward.predict(frame), settings)
    notes |= {"since": str(since.date()), "events": len(events), "pool_rows": len(frame),
              "ineligible_chosen": pools.ineligible_chosen}
    return PolicyEvaluation(result, "history", REWARD_MODEL, notes)


def evaluate_oracle_log(dataset: Dataset, bundle: RankerBundle, table: pd.DataFrame, oracle: pd.DataFrame,
                        log: pd.DataFrame, *, linear: LinearBaseline | None = None,
                        settings: OPESettings = OPESettings(), progress: Progress | None = None) -> PolicyEvaluation:
    """Off-policy estimates from the simulator's logged choices on the oracle vacancies
    (each replicate one event, the bootstrap resampling within vacancies), with every
    policy's oracle value and whether each interval covers it."""
    say = progress or (lambda _m: None)
    base = Baselines.fit(bundle, table, linear, settings.seed)
    sources = prepare_sources(dataset)
    say(f"pools of {oracle[c.POSITION_ID].nunique()} oracle vacancies")
    frame = oracle_candidates(dataset, sources, oracle)
    p, notes = selection_probability(dataset, sources, table.drop_duplicates(EVENT_ID), frame, c.POSITION_ID,
                                     bundle.spec.features, settings, say)
    frame = frame.assign(**{PROPENSITY: p})
    events = log.assign(**{Target.PERFORMANCE.value: log[PERFORMANCE].to_numpy(dtype="float64"),
                           Target.NO_FAILURE.value: 1.0 - log[FAILURE].to_numpy(dtype="float64")})
    say(f"estimating {len(POLICIES)} policies on {len(events):,} logged choices "
        f"({settings.n_boot} bootstrap resamples)")
    result = estimate_policies(frame, events, c.POSITION_ID, policy_scores(bundle, base.linear, frame),
                               base.reward.predict(frame), settings,
                               strata=events[c.POSITION_ID].astype("str").to_numpy())
    notes |= {"vacancies": int(frame[c.POSITION_ID].nunique()), "events": len(events), "pool_rows": len(frame)}
    return PolicyEvaluation(result, "oracle log", REWARD_MODEL, notes)


def with_since(settings: OPESettings, since: str | None) -> OPESettings:
    """``settings`` evaluating from ``since`` (YYYY-MM-DD) when given."""
    return settings if since is None else replace(settings, since=pd.Timestamp(since))
