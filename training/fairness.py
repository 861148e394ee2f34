"""Fairness audit of a model version (UU 20/2023 merit principle; four-fifths rule).

For every audited vacancy, the eligible candidates are scored with the model's policy and
ordered as the version *serves* them (:func:`models.scoring.served_order`: the version's
:class:`~models.fair.FairRanking`, the plain order when it is off); the served top-k list is
the *selection*. Per protected group (gender, age band, home region): the selection rate
(selected ÷ candidates), its impact ratio against the most selected group (four-fifths
rule, NYC Local Law 144 style) and the scoring-rate variant (share scored above the pool's
median). The ratio that counts is *standardised by pool*: a group's selections over those a
group-blind list would give it in the same pools (every pool weighted by its own size),
against the best group's; the raw pooled ratio is shown beside it. Pooling raw rates over
vacancies with pools from 300 to 2,400 candidates compares people who never competed for
the same post (Simpson's paradox). A group is flagged when its ratio is under the threshold
and a one-sided Mantel-Haenszel test against the best group, stratified by vacancy, says so.

To tell truth from model, the same ratios are computed for the plain (unconstrained) model
lists, the DUK seniority order and, when the simulator's oracle is given, the oracle's own
top lists (true expected score − penalty × true failure probability: the policy on the
truth). A gap that the oracle's lists also show is in the (simulated) truth; one they do
not show was learned from the history or made by the model.

**The gate judges what is served.** The selection ratios of the served lists always count.
The scoring-rate variant is about the model's *scores*, not about who is put forward: when
the version serves fair top lists its flags are reported (with the truth beside them) but
do not fail the audit; with plain lists the scores *are* the order, and they count too.
Error metrics by group come from fairlearn's MetricFrame on the test period. Groups smaller
than ``min_group_size`` are reported but never fail the audit.
"""

import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from scipy.stats import norm
from sklearn.metrics import mean_absolute_error

from features import columns as c
from features.arrays import Columns
from features.candidates import DEFAULT_RULES, candidate_pool
from features.eligibility import EligibilityRules, employee_reasons
from features.io import Dataset
from features.names import AS_OF, FAILURE, PERFORMANCE, TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB
from features.pairs import PositionTable
from features.protected import ATTRIBUTES, age_years, protected_groups
from features.snapshot import Sources, snapshot_at
from features.training_table import Step
from models.bundle import RankerBundle
from models.fair import OFF, FairRanking
from models.policy import ScorePolicy
from models.scoring import ADJUSTMENT_RISK, PREDICTED_PERFORMANCE, SCORE, score_candidates, served_order
from training import metrics as m
from training.baselines import AGE_YEARS, duk_score

SERVED, PLAIN, DUK, ORACLE = "served", "plain", "duk", "oracle"
REFERENCES = (PLAIN, DUK, ORACLE)      # orders the served lists are compared with
ORACLE_SCORE = "oracle_score"
AUDIT_STAGE = "fairness audit"          # the progress bar's stage: vacancies audited


@dataclass(frozen=True)
class FairnessSettings:
    top_k: int = 10
    min_impact_ratio: float = 0.8       # four-fifths rule
    alpha: float = 0.05                 # a ratio below the threshold must also be significant
    min_group_size: int = 30
    min_group_share: float = 0.02       # smaller groups are shown, never failed (NYC LL144 style)
    max_positions: int = 60
    seed: int = 0


def audit_positions(dataset: Dataset, settings: FairnessSettings, preferred: list[str] | None = None) -> list[str]:
    """The vacancies to audit: ``preferred`` (e.g. the oracle's), else a seeded sample."""
    if preferred:
        return list(preferred)[: settings.max_positions]
    ids = dataset.positions[c.POSITION_ID].to_numpy()
    rng = np.random.default_rng(settings.seed)
    return list(rng.choice(ids, min(settings.max_positions, len(ids)), replace=False))


def _selected(order: np.ndarray, n: int, top_k: int) -> np.ndarray:
    out = np.zeros(n, bool)
    out[order[:top_k]] = True
    return out


def _reference_columns(frame: Columns, ids: np.ndarray, pid: str, as_of: pd.Timestamp, dataset: Dataset,
                       truth: pd.DataFrame | None, policy: ScorePolicy, top_k: int) -> dict[str, np.ndarray]:
    """Selections of the DUK order and, where the oracle covers the pool, of the oracle's own order."""
    duk_frame = frame.to_frame().assign(**{AGE_YEARS: age_years(dataset, ids, np.repeat(as_of, len(ids)))})
    duk = duk_score(duk_frame)
    out = {f"{DUK}_selected": _selected(np.argsort(-duk, kind="stable"), len(ids), top_k),
           f"{DUK}_above_median": duk > np.median(duk)}
    oracle_score = np.full(len(ids), np.nan)
    if truth is not None:
        rows = truth[(truth[c.POSITION_ID] == pid) & (truth[AS_OF] == as_of)].set_index(c.EMPLOYEE_ID)
        true = rows.reindex(ids)
        oracle_score = (true[TRUE_EXPECTED_SCORE] - policy.risk_penalty * true[TRUE_FAILURE_PROB]).to_numpy(float)
    known = ~np.isnan(oracle_score)
    ranked = np.where(known, oracle_score, -np.inf)
    out[ORACLE_SCORE] = oracle_score
    out[TRUE_EXPECTED_SCORE] = true[TRUE_EXPECTED_SCORE].to_numpy(float) if truth is not None else oracle_score
    out[f"{ORACLE}_selected"] = _selected(np.argsort(-ranked, kind="stable"), len(ids), top_k) & known
    out[f"{ORACLE}_above_median"] = known & (ranked > np.median(oracle_score[known])) if known.any() else known
    return out


def scored_pools(bundle: RankerBundle, dataset: Dataset, sources: Sources, position_ids: list[str],
                 as_of: pd.Timestamp, policy: ScorePolicy, top_k: int,
                 rules: EligibilityRules = DEFAULT_RULES, truth: pd.DataFrame | None = None,
                 step: Step | None = None) -> pd.DataFrame:
    """Eligible candidates of every audited vacancy with predictions, score, the served
    selection (``selected``: the version's served top list, fair when it serves fair lists)
    and the plain, DUK and oracle selections: the same pools, scores and order as a served
    ranking (:func:`candidate_pool`, :func:`score_candidates`, :func:`served_order`), so the
    selections are its top lists. ``truth``: the oracle's rows (true outcomes), if any;
    ``step`` (a progress bar) hears of each vacancy done."""
    view = Columns.from_frame(snapshot_at(sources, dataset.employees[c.EMPLOYEE_ID], as_of))
    positions = PositionTable.from_dataset(dataset)
    masks = employee_reasons(view, rules)
    as_of = pd.Timestamp(as_of)
    frames = []
    tick = step or (lambda _stage, _done, _total: None)
    tick(AUDIT_STAGE, 0, len(position_ids))
    for done, pid in enumerate(position_ids, start=1):
        pool = candidate_pool(view, positions, pid, rules, employee_masks=masks)
        tick(AUDIT_STAGE, done, len(position_ids))
        if len(pool) <= top_k:
            continue                          # everyone is selected: nothing to audit
        scored = score_candidates(bundle, pool.frame, policy)
        ids = np.asarray(pool.candidates[c.EMPLOYEE_ID], dtype=object)
        served = served_order(bundle, scored.score, dataset, ids, as_of, pid)
        frames.append(pd.DataFrame({
            c.POSITION_ID: pid, c.EMPLOYEE_ID: ids, AS_OF: as_of, PREDICTED_PERFORMANCE: scored.performance,
            ADJUSTMENT_RISK: scored.risk, SCORE: scored.score, "selected": _selected(served.order, len(ids), top_k),
            "above_median": scored.score > np.median(scored.score),
            f"{PLAIN}_selected": _selected(served.plain, len(ids), top_k),
            f"{PLAIN}_above_median": scored.score > np.median(scored.score),
            **_reference_columns(pool.frame, ids, pid, as_of, dataset, truth, policy, top_k)}))
    columns = [c.POSITION_ID, c.EMPLOYEE_ID, AS_OF, PREDICTED_PERFORMANCE, ADJUSTMENT_RISK, SCORE, "selected",
               "above_median"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def variant_rates(labels: pd.Series, selected: pd.Series, above: pd.Series, settings: FairnessSettings,
                  strata: pd.Series | None = None) -> pd.DataFrame:
    """Per group: candidates, selected and above-median counts, pooled rates, and per
    variant (selection, scoring) the hits a group-blind list would give (``expected``: per
    pool, the pool's hits times the group's share of it), the standardised impact ratio
    (observed ÷ expected, against the best group's) with its one-sided Mantel-Haenszel
    p-value against the best group (stratified by pool), the pooled impact ratio, and the flag.

    Standardising by pool is what makes the ratio about the *lists*: pooling selections over
    vacancies of very different sizes (Simpson's paradox) makes a group that mostly applies
    to large pools look under-selected even under a perfectly group-blind lottery; on the
    demo province proportional lists alone would put ages 30-39 at a pooled ratio of 0.64."""
    frame = pd.DataFrame({"group": labels.to_numpy(), "selected": selected.to_numpy(bool),
                          "above_median": above.to_numpy(bool),
                          "stratum": 0 if strata is None else strata.to_numpy()})
    stats = frame.groupby("group").agg(candidates=("selected", "size"), selected=("selected", "sum"),
                                       above_median=("above_median", "sum"))
    stats["selection_rate"] = stats["selected"] / stats["candidates"]
    stats["scoring_rate"] = stats["above_median"] / stats["candidates"]
    stats["enough_data"] = (stats["candidates"] >= settings.min_group_size) & (
        stats["candidates"] >= settings.min_group_share * stats["candidates"].sum())
    big = stats[stats["enough_data"]]
    corrected = settings.alpha / max(len(big) - 1, 1)          # Bonferroni over the comparisons
    for variant, hits in (("selection", "selected"), ("scoring", "above_median")):
        cells = frame.groupby(["stratum", "group"])[hits].agg(["size", "sum"])
        pool_share = cells["sum"].groupby(level="stratum").transform("sum") / cells["size"].groupby(
            level="stratum").transform("sum")
        expected = (cells["size"] * pool_share).groupby(level="group").sum().reindex(stats.index)
        stats[f"{variant}_expected"] = expected
        standard = stats[hits] / expected.where(expected > 0)
        rate = f"{variant}_rate"
        best = standard[big.index].idxmax() if len(big) and standard[big.index].max() > 0 else None
        stats[f"{variant}_impact_ratio"] = standard / standard[best] if best is not None else np.nan
        stats[f"pooled_{variant}_impact_ratio"] = stats[rate] / stats.at[best, rate] if best is not None else np.nan
        stats[f"{variant}_p_value"] = [_lower_rate_p_value(cells, g, best) if best is not None else np.nan
                                       for g in stats.index]
        stats[f"{variant}_flagged"] = stats["enough_data"] & (
            stats[f"{variant}_impact_ratio"] < settings.min_impact_ratio) & (stats[f"{variant}_p_value"] < corrected)
    return stats


def rate_table(pools: pd.DataFrame, groups: pd.DataFrame, settings: FairnessSettings,
               scoring_gates: bool = True) -> pd.DataFrame:
    """Selection and scoring rates with impact ratios, per attribute and group, of the served
    lists (``selected``), and beside them the impact ratios of the plain, DUK and oracle lists
    when ``pools`` has them (``<reference>_selection_impact_ratio`` …; the oracle's over the
    pools it covers). ``flagged``: the served selection ratio is flagged, or the scoring ratio
    is and ``scoring_gates`` (plain lists: the scores are the order)."""
    rows = []
    covered = pools[ORACLE_SCORE].notna() if ORACLE_SCORE in pools else pd.Series(False, index=pools.index)
    strata = pools[c.POSITION_ID] if c.POSITION_ID in pools else None       # one pool per audited vacancy
    for attribute in ATTRIBUTES:
        stats = variant_rates(groups[attribute], pools["selected"], pools["above_median"], settings, strata)
        stats["flagged"] = stats["selection_flagged"] | (stats["scoring_flagged"] & scoring_gates)
        for ref in REFERENCES:
            if f"{ref}_selected" not in pools or (ref == ORACLE and not covered.any()):
                continue
            keep = covered if ref == ORACLE else pd.Series(True, index=pools.index)
            other = variant_rates(groups[attribute][keep], pools[f"{ref}_selected"][keep],
                                  pools[f"{ref}_above_median"][keep], settings,
                                  None if strata is None else strata[keep]).reindex(stats.index)
            for variant in ("selection", "scoring"):
                stats[f"{ref}_{variant}_impact_ratio"] = other[f"{variant}_impact_ratio"]
                stats[f"{ref}_pooled_{variant}_impact_ratio"] = other[f"pooled_{variant}_impact_ratio"]
        rows.append(stats.reset_index().assign(attribute=attribute))
    columns = ["attribute", "group", "candidates", "selected", "selection_expected", "selection_rate",
               "selection_impact_ratio", "pooled_selection_impact_ratio", "selection_p_value", "above_median",
               "scoring_rate", "scoring_impact_ratio", "pooled_scoring_impact_ratio", "scoring_p_value",
               "enough_data", "selection_flagged", "scoring_flagged", "flagged"]
    table = pd.concat(rows, ignore_index=True)
    return table[columns + [col for col in table.columns if col.split("_")[0] in REFERENCES]]


def _lower_rate_p_value(cells: pd.DataFrame, group, reference) -> float:
    """One-sided Mantel-Haenszel p-value (continuity-corrected) that ``group``'s hit rate is
    lower than ``reference``'s, stratified by pool; ``cells``: (stratum, group) -> size, sum."""
    if group == reference:
        return 1.0
    wide = cells.unstack("group")
    if group not in wide["size"] or reference not in wide["size"]:
        return 1.0
    n1, n2 = wide["size"][group].fillna(0), wide["size"][reference].fillna(0)
    a, b = wide["sum"][group].fillna(0), wide["sum"][reference].fillna(0)
    total, hits = n1 + n2, a + b
    use = (n1 > 0) & (n2 > 0) & (total > 1)
    n1, n2, a, total, hits = n1[use], n2[use], a[use], total[use], hits[use]
    variance = float((n1 * n2 * hits * (total - hits) / (total ** 2 * (total - 1))).sum())
    if variance <= 0:
        return 1.0
    z = (float(a.sum()) - float((n1 * hits / total).sum()) + 0.5) / np.sqrt(variance)
    return float(norm.cdf(z))


def error_table(bundle: RankerBundle, perf_rows: pd.DataFrame, risk_rows: pd.DataFrame,
                dataset: Dataset) -> pd.DataFrame:
    """Performance MAE and risk Brier score by group on the test period (fairlearn)."""
    out = []
    for target, rows, metric, label in ((PERFORMANCE, perf_rows, mean_absolute_error, "mae"),
                                        (FAILURE, risk_rows, m.brier, "brier")):
        if rows.empty:
            continue
        scored = score_candidates(bundle, rows)
        pred = scored.performance if target == PERFORMANCE else scored.risk
        groups = protected_groups(rows, dataset)
        for attribute in ATTRIBUTES:
            frame = MetricFrame(metrics={label: metric, "count": lambda y, p: len(y)},
                                y_true=rows[target].to_numpy(), y_pred=pred,
                                sensitive_features=groups[attribute].to_numpy())
            table = frame.by_group.reset_index().rename(columns={"sensitive_feature_0": "group"})
            out.append(table.assign(attribute=attribute, target=target, metric=label,
                                    difference=float(frame.difference()[label])).rename(columns={label: "value"}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


@dataclass(frozen=True)
class AuditReport:
    passed: bool
    settings: FairnessSettings
    as_of: str
    positions: int
    rates: pd.DataFrame
    errors: pd.DataFrame
    fair: FairRanking = OFF                     # how the audited (served) lists were ordered
    pools: pd.DataFrame | None = None           # :func:`scored_pools` of the audited vacancies
    groups: pd.DataFrame | None = None          # their protected groups
    tradeoff: pd.DataFrame | None = None        # :func:`training.card.tradeoff_curve` (None: not computed)

    def flagged(self) -> pd.DataFrame:
        return self.rates[self.rates["flagged"]]

    def to_json(self) -> str:
        tradeoff = [] if self.tradeoff is None else self.tradeoff.to_dict("records")
        return json.dumps({"passed": self.passed, "settings": asdict(self.settings), "as_of": self.as_of,
                           "fair_ranking": self.fair.to_dict(), "positions": self.positions,
                           "rates": self.rates.to_dict("records"), "errors": self.errors.to_dict("records"),
                           "tradeoff": tradeoff}, indent=1, default=str)


def run_audit(bundle: RankerBundle, dataset: Dataset, sources: Sources, as_of: pd.Timestamp,
              settings: FairnessSettings = FairnessSettings(), policy: ScorePolicy = ScorePolicy(),
              positions: list[str] | None = None, perf_rows: pd.DataFrame | None = None,
              risk_rows: pd.DataFrame | None = None, truth: pd.DataFrame | None = None,
              step: Step | None = None) -> AuditReport:
    """The whole audit of the lists the version serves; ``passed`` is False when any group
    with enough data is flagged. ``truth``: the oracle's rows, to compare with its own lists;
    ``step``: a progress bar's hook, told of each vacancy audited."""
    ids = audit_positions(dataset, settings, positions)
    pools = scored_pools(bundle, dataset, sources, ids, as_of, policy, settings.top_k, truth=truth, step=step)
    groups = protected_groups(pools, dataset)
    rates = rate_table(pools, groups, settings, scoring_gates=not bundle.fair.enabled)
    errors = error_table(bundle, perf_rows if perf_rows is not None else pd.DataFrame(),
                         risk_rows if risk_rows is not None else pd.DataFrame(), dataset)
    return AuditReport(passed=not bool(rates["flagged"].any()), settings=settings,
                       as_of=str(pd.Timestamp(as_of).date()), positions=int(pools[c.POSITION_ID].nunique()),
                       rates=rates, errors=errors, fair=bundle.fair, pools=pools, groups=groups)
