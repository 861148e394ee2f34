"""Fairness audit of a model version (UU 20/2023 merit principle; four-fifths rule).

For every audited vacancy, the eligible candidates are scored with the model's policy;
the top-k list is the *selection*. Per protected group (gender, age band, home region):
the selection rate (selected ÷ candidates), its impact ratio against the most selected
group (NYC Local Law 144 style), and the scoring-rate variant (share scored above the
pool's median). Ratios under the threshold are flagged. Error metrics by group come from
fairlearn's MetricFrame on the test period. Groups smaller than ``min_group_size`` are
reported but never fail the audit.
"""

import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from scipy.stats import fisher_exact
from sklearn.metrics import mean_absolute_error

from features import columns as c
from features.arrays import Columns
from features.candidates import DEFAULT_RULES, candidate_pool
from features.eligibility import EligibilityRules, employee_reasons
from features.io import Dataset
from features.names import AS_OF, FAILURE, PERFORMANCE
from features.pairs import PositionTable
from features.protected import age_years
from features.snapshot import Sources, snapshot_at
from models.bundle import RankerBundle
from models.policy import ScorePolicy
from models.scoring import SCORE, score_candidates
from training import metrics as m

GENDER, AGE_BAND, HOME_REGION = "gender", "age_band", "home_region"
ATTRIBUTES = (GENDER, AGE_BAND, HOME_REGION)
AGE_BANDS = (0, 30, 40, 50, 200)
AGE_LABELS = ("<30", "30-39", "40-49", "50+")


@dataclass(frozen=True)
class FairnessSettings:
    top_k: int = 10
    min_impact_ratio: float = 0.8       # four-fifths rule
    alpha: float = 0.05                 # a ratio below the threshold must also be significant
    min_group_size: int = 30
    min_group_share: float = 0.02       # smaller groups are shown, never failed (NYC LL144 style)
    max_positions: int = 60
    seed: int = 0


def protected_groups(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Gender, age band at ``as_of`` and home region of each row's employee."""
    emp = dataset.employees.set_index(c.EMPLOYEE_ID).reindex(frame[c.EMPLOYEE_ID])
    age = age_years(dataset, frame[c.EMPLOYEE_ID], frame[AS_OF])
    bands = pd.cut(age, AGE_BANDS, right=False, labels=AGE_LABELS).astype("str")
    return pd.DataFrame({GENDER: emp[c.GENDER].fillna("unknown").to_numpy(),
                         AGE_BAND: np.where(pd.isna(age), "unknown", bands),
                         HOME_REGION: emp[c.HOME_REGION_ID].fillna("unknown").to_numpy()}, index=frame.index)


def audit_positions(dataset: Dataset, settings: FairnessSettings, preferred: list[str] | None = None) -> list[str]:
    """The vacancies to audit: ``preferred`` (e.g. the oracle's), else a seeded sample."""
    if preferred:
        return list(preferred)[: settings.max_positions]
    ids = dataset.positions[c.POSITION_ID].to_numpy()
    rng = np.random.default_rng(settings.seed)
    return list(rng.choice(ids, min(settings.max_positions, len(ids)), replace=False))


def scored_pools(bundle: RankerBundle, dataset: Dataset, sources: Sources, position_ids: list[str],
                 as_of: pd.Timestamp, policy: ScorePolicy, top_k: int,
                 rules: EligibilityRules = DEFAULT_RULES) -> pd.DataFrame:
    """Eligible candidates of every audited vacancy with score, selection and median flags:
    the same pools and scores as a served ranking (:func:`candidate_pool`,
    :func:`score_candidates`, :func:`rank_order`), so the selections are its top lists."""
    view = Columns.from_frame(snapshot_at(sources, dataset.employees[c.EMPLOYEE_ID], as_of))
    positions = PositionTable.from_dataset(dataset)
    masks = employee_reasons(view, rules)
    frames = []
    for pid in position_ids:
        pool = candidate_pool(view, positions, pid, rules, employee_masks=masks)
        if len(pool) <= top_k:
            continue                          # everyone is selected: nothing to audit
        scored = score_candidates(bundle, pool.frame, policy)
        selected = np.zeros(len(pool), bool)
        selected[scored.order(top_k)] = True
        frames.append(pd.DataFrame({c.POSITION_ID: pid, c.EMPLOYEE_ID: pool.candidates[c.EMPLOYEE_ID], AS_OF: as_of,
                                    SCORE: scored.score, "selected": selected,
                                    "above_median": scored.score > np.median(scored.score)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=[c.POSITION_ID, c.EMPLOYEE_ID, AS_OF, SCORE, "selected", "above_median"])


def rate_table(pools: pd.DataFrame, groups: pd.DataFrame, settings: FairnessSettings) -> pd.DataFrame:
    """Selection and scoring rates with impact ratios, per attribute and group."""
    rows = []
    for attribute in ATTRIBUTES:
        frame = pd.DataFrame({"group": groups[attribute], "selected": pools["selected"],
                              "above_median": pools["above_median"]})
        stats = frame.groupby("group").agg(candidates=("selected", "size"), selected=("selected", "sum"),
                                           above_median=("above_median", "sum"))
        stats["selection_rate"] = stats["selected"] / stats["candidates"]
        stats["scoring_rate"] = stats["above_median"] / stats["candidates"]
        stats["enough_data"] = (stats["candidates"] >= settings.min_group_size) & (
            stats["candidates"] >= settings.min_group_share * stats["candidates"].sum())
        big = stats[stats["enough_data"]]
        flagged = pd.Series(False, index=stats.index)
        for variant, hits in (("selection", "selected"), ("scoring", "above_median")):
            rate = f"{variant}_rate"
            best = big[rate].idxmax() if len(big) and big[rate].max() > 0 else None
            stats[f"{variant}_impact_ratio"] = stats[rate] / stats.at[best, rate] if best is not None else np.nan
            stats[f"{variant}_p_value"] = [
                _lower_rate_p_value(stats.at[g, hits], stats.at[g, "candidates"],
                                    stats.at[best, hits], stats.at[best, "candidates"]) if best is not None else np.nan
                for g in stats.index]
            corrected = settings.alpha / max(len(big) - 1, 1)          # Bonferroni over the comparisons
            flagged |= stats["enough_data"] & (stats[f"{variant}_impact_ratio"] < settings.min_impact_ratio) & (
                stats[f"{variant}_p_value"] < corrected)
        stats["flagged"] = flagged
        rows.append(stats.reset_index().assign(attribute=attribute))
    columns = ["attribute", "group", "candidates", "selected", "selection_rate", "selection_impact_ratio",
               "selection_p_value", "above_median", "scoring_rate", "scoring_impact_ratio", "scoring_p_value",
               "enough_data", "flagged"]
    return pd.concat(rows, ignore_index=True)[columns]


def _lower_rate_p_value(hits: int, n: int, ref_hits: int, ref_n: int) -> float:
    """One-sided Fisher exact p-value that a group's rate is lower than the reference's."""
    table = [[int(hits), int(n - hits)], [int(ref_hits), int(ref_n - ref_hits)]]
    return float(fisher_exact(table, alternative="less").pvalue)


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

    def flagged(self) -> pd.DataFrame:
        return self.rates[self.rates["flagged"]]

    def to_json(self) -> str:
        return json.dumps({"passed": self.passed, "settings": asdict(self.settings), "as_of": self.as_of,
                           "positions": self.positions, "rates": self.rates.to_dict("records"),
                           "errors": self.errors.to_dict("records")}, indent=1, default=str)

    def to_markdown(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        st = self.settings
        lines = [f"**Audit {verdict}**: {self.positions} vacancies at {self.as_of}, top-{st.top_k} lists. A group "
                 f"is flagged when its impact ratio is under {st.min_impact_ratio:g} (four-fifths rule) and a "
                 f"one-sided Fisher test against the most selected group gives p < {st.alpha:g} (Bonferroni-"
                 f"corrected). Groups under {st.min_group_size} candidates or {st.min_group_share:.0%} of the pool "
                 "are shown, never failed.", "",
                 "| attribute | group | candidates | selected | selection rate | impact ratio | p | scoring rate "
                 "| scoring impact ratio | p | flag |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in self.rates.to_dict("records"):
            flag = "**FLAG**" if r["flagged"] else ("small group" if not r["enough_data"] else "")
            lines.append(f"| {r['attribute']} | {r['group']} | {r['candidates']} | {r['selected']} | "
                         f"{r['selection_rate']:.4f} | {r['selection_impact_ratio']:.2f} | {r['selection_p_value']:.3g} "
                         f"| {r['scoring_rate']:.3f} | {r['scoring_impact_ratio']:.2f} | {r['scoring_p_value']:.3g} "
                         f"| {flag} |")
        if not self.errors.empty:
            lines += ["", "Error metrics by group (test period):", "",
                      "| target | attribute | group | metric | value | count |", "|---|---|---|---|---|---|"]
            for r in self.errors.to_dict("records"):
                lines.append(f"| {r['target']} | {r['attribute']} | {r['group']} | {r['metric']} | "
                             f"{r['value']:.3f} | {int(r['count'])} |")
        return "\n".join(lines)


def run_audit(bundle: RankerBundle, dataset: Dataset, sources: Sources, as_of: pd.Timestamp,
              settings: FairnessSettings = FairnessSettings(), policy: ScorePolicy = ScorePolicy(),
              positions: list[str] | None = None, perf_rows: pd.DataFrame | None = None,
              risk_rows: pd.DataFrame | None = None) -> AuditReport:
    """The whole audit; ``passed`` is False when any group with enough data is flagged."""
    ids = audit_positions(dataset, settings, positions)
    pools = scored_pools(bundle, dataset, sources, ids, as_of, policy, settings.top_k)
    rates = rate_table(pools, protected_groups(pools, dataset), settings)
    errors = error_table(bundle, perf_rows if perf_rows is not None else pd.DataFrame(),
                         risk_rows if risk_rows is not None else pd.DataFrame(), dataset)
    return AuditReport(passed=not bool(rates["flagged"].any()), settings=settings,
                       as_of=str(pd.Timestamp(as_of).date()), positions=int(pools[c.POSITION_ID].nunique()),
                       rates=rates, errors=errors)
