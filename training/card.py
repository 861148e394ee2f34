"""The model card: a Markdown page logged with every run and registered version, and the
price of fair top lists (:func:`tradeoff_curve`, shown in the card and logged as
``fairness/tradeoff.csv`` and ``.png``)."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from features import columns as c
from features.columns import PROTECTED_COLUMNS
from features.names import FAILURE, PERFORMANCE, TRUE_EXPECTED_SCORE
from models.fair import FairRanking, fair_order
from models.scoring import PREDICTED_PERFORMANCE, SCORE
from models.store import MODEL_NAME
from training import fairness
from training.split import N_TEST, N_TRAIN, N_VALID, TEST_FROM, VALID_FROM, split_key

UNKNOWN = "?"
TRADEOFF_THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.3f}"
    return str(value)


def _table(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        cells = [_cell(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _selection_fairness(groups: pd.DataFrame, selected: np.ndarray, strata: pd.Series,
                        settings: fairness.FairnessSettings) -> tuple[float, int]:
    """The lowest (pool-standardised) selection impact ratio over groups with enough data,
    and how many groups the audit would flag on selection."""
    lows, flagged = [], 0
    for attribute in fairness.ATTRIBUTES:
        stats = fairness.variant_rates(groups[attribute], pd.Series(selected), pd.Series(selected), settings, strata)
        lows.append(stats.loc[stats["enough_data"], "selection_impact_ratio"].min())
        flagged += int(stats["selection_flagged"].sum())
    return (float(np.nanmin(lows)) if lows else np.nan), flagged


def tradeoff_curve(pools: pd.DataFrame, groups: pd.DataFrame, settings: fairness.FairnessSettings,
                   base: FairRanking, thresholds: tuple[float, ...] = TRADEOFF_THRESHOLDS) -> pd.DataFrame:
    """The price of fair top lists on the audited vacancies, per threshold: mean predicted
    performance and policy score per top-k slot given up against the plain lists, the share
    of lists changed, the lowest selection impact ratio reached (groups with enough data),
    the groups the audit would flag on selection and, with an oracle, the true expected
    score per slot given up."""
    pools = pools.reset_index(drop=True)
    labels = {a: groups[a].to_numpy() for a in fairness.ATTRIBUTES}
    rows = []
    for t in sorted(set(thresholds) | ({base.threshold} if base.enabled else set())):
        fair = replace(base, threshold=t, top_k=settings.top_k)
        selected = np.zeros(len(pools), bool)
        given = {"performance": [], "score": [], "truth": []}
        changed = 0
        for _, idx in pools.groupby(c.POSITION_ID, sort=False).indices.items():
            sub = pools.iloc[idx]
            result = fair_order(sub[SCORE].to_numpy(), {a: v[idx] for a, v in labels.items()}, fair,
                                key=str(sub[c.POSITION_ID].iloc[0]))
            top, plain = result.top(), result.plain[: settings.top_k]
            selected[idx[top]] = True
            changed += result.binding
            for name, column in (("performance", PREDICTED_PERFORMANCE), ("score", SCORE),
                                 ("truth", TRUE_EXPECTED_SCORE)):
                values = sub[column].to_numpy(float) if column in sub else np.full(len(sub), np.nan)
                if not np.isnan(values).all():
                    given[name].append(np.nanmean(values[plain]) - np.nanmean(values[top]))
        lists = pools[c.POSITION_ID].nunique()
        lowest, flagged = _selection_fairness(groups.reset_index(drop=True), selected, pools[c.POSITION_ID], settings)
        rows.append({"threshold": t, "lists": lists, "lists_changed": changed / max(lists, 1),
                     "performance_given_up": float(np.mean(given["performance"])) if lists else np.nan,
                     "score_given_up": float(np.mean(given["score"])) if lists else np.nan,
                     "true_score_given_up": float(np.mean(given["truth"])) if given["truth"] else np.nan,
                     "min_impact_ratio": lowest, "flagged_groups": flagged})
    return pd.DataFrame(rows)


def with_tradeoff(audit: fairness.AuditReport,
                  thresholds: tuple[float, ...] = TRADEOFF_THRESHOLDS) -> fairness.AuditReport:
    """The audit with its trade-off curve (on its own audited pools)."""
    if audit.pools is None or audit.pools.empty:
        return audit
    return replace(audit, tradeoff=tradeoff_curve(audit.pools, audit.groups, audit.settings, audit.fair, thresholds))


def tradeoff_markdown(curve: pd.DataFrame | None, served: FairRanking) -> str:
    if curve is None or curve.empty:
        return "_No trade-off curve was computed for this run._"
    lines = [f"Served: {served.describe()}. Per top-{int(curve.attrs.get('top_k', served.top_k))} slot, "
             "against the plain lists of the same audited vacancies (threshold 0): predicted performance and "
             "policy score given up, the true expected score given up (simulator's oracle, when given), the "
             "share of lists changed, the lowest selection impact ratio reached (groups with enough data; with "
             "few lists per group it is noisy) and the groups the audit would flag on selection.", "",
             _table(curve)]
    return "\n".join(lines)


def tradeoff_plot(curve: pd.DataFrame, path: Path) -> Path:
    """Threshold vs performance given up (predicted and true) and the lowest impact ratio."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    left.plot(curve["threshold"], curve["performance_given_up"], marker="o", label="predicted performance")
    left.plot(curve["threshold"], curve["score_given_up"], marker="s", label="policy score")
    if curve["true_score_given_up"].notna().any():
        left.plot(curve["threshold"], curve["true_score_given_up"], marker="^", label="true expected score")
    left.set(xlabel="fair threshold (0 = plain)", ylabel="given up per top-k slot", title="Price of fair top lists")
    left.legend()
    right.plot(curve["threshold"], curve["min_impact_ratio"], marker="o")
    right.axhline(0.8, ls="--", color="grey")
    right.set(xlabel="fair threshold (0 = plain)", ylabel="lowest selection impact ratio", ylim=(0, 1.05),
              title="Fairness reached")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_tradeoff(folder: Path, curve: pd.DataFrame | None) -> list[Path]:
    """``tradeoff.csv`` and ``tradeoff.png`` in ``folder`` (nothing without a curve)."""
    if curve is None or curve.empty:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    curve.to_csv(folder / "tradeoff.csv", index=False)
    return [folder / "tradeoff.csv", tradeoff_plot(curve, folder / "tradeoff.png")]


def split_line(info: dict, target: str) -> str:
    """A target's temporal split from the keys :meth:`TemporalSplit.describe` wrote into ``info``."""
    def get(part: str) -> object:
        return info.get(split_key(target, part), UNKNOWN)

    return (f"train before {get(VALID_FROM)} ({get(N_TRAIN)} events), "
            f"validation and calibration from {get(VALID_FROM)} ({get(N_VALID)} events), "
            f"test from {get(TEST_FROM)} ({get(N_TEST)} events)")


def decision_section(decision: tuple[str, str] | None) -> str:
    """The registry decision (its value) and its reason (the sentence)."""
    if decision is None:
        return "_Not registered yet._"
    value, reason = decision
    return f"Decision: `{value}`. {reason[:1].upper()}{reason[1:]}."


def model_card(info: dict, evaluation: pd.DataFrame, features: tuple[str, ...],
               audit_markdown: str | None = None, decision: tuple[str, str] | None = None,
               tradeoff: str | None = None) -> str:
    """Intended use, data window, features, metrics with baselines, the registry decision,
    limitations, oversight. ``info`` holds the run's provenance and the splits' keys;
    ``decision`` is the registry decision's value and its reason."""
    perf = evaluation[evaluation["target"] == "performance"].dropna(axis=1, how="all")
    risk = evaluation[evaluation["target"] == "risk"].dropna(axis=1, how="all")
    audit = audit_markdown or "_No fairness audit was attached to this run._"
    return f"""# Model card: {info.get('model_name', MODEL_NAME)} {info.get('version', '')}

## Intended use
Ranks eligible civil servants (ASN) for a vacancy by **expected post-transfer performance**
(SKP score, 1–5) and **adjustment risk** (probability of failing to settle within 24 months),
with explanations and training recommendations. Users: HR boards (Baperjakat / tim penilai
kinerja), talent committees and inspectors of the merit system. It **supports** a human
decision; it never makes one. Every ranking must be reviewed by people who can overrule it,
and employees keep the right to object to automated processing (UU 27/2022).

Not intended for: dismissals, sanctions, pay, or any decision without human review.

## How it scores
One path for every use: the candidate pool of a vacancy (contract eligibility with the
reason codes of everyone excluded, then pair features) is built by
`features.candidates.candidate_pool`, and `models.scoring.score_candidates` gives predicted
performance, calibrated adjustment risk and the policy score
(`score = predicted_performance - 2 x adjustment_risk` by default). Served rankings, batch
scoring, training recommendations, the fairness audit below and the evaluation all use it:
the audited top lists are the lists a reviewer is shown.

## Data
- Source: `{info.get('data_source', '')}` (fingerprint `{info.get('data_fingerprint', '')[:16]}`)
- Transfer events: {info.get('n_events', '?')}; dataset end {info.get('dataset_end', '?')}
- Performance split: {split_line(info, PERFORMANCE)}
- Risk split (transfers whose 730-day window was followed up): {split_line(info, FAILURE)}
- Labels follow the data contract, section 3 (censored labels excluded per target).

## Features
{len(features)} point-in-time features (records dated before the decision only).
Protected attributes ({', '.join(PROTECTED_COLUMNS)}) and anything derived from them (age,
retirement date, home region) are **excluded** from the features; they are used only for
eligibility, distance and the fairness audit.

## Metrics (test period = latest transfers; oracle = simulator's held-out vacancies)
### Performance
{_table(perf)}

### Risk
{_table(risk)}

## Fairness audit
{audit}

## Fair top lists: the price
{tradeoff or "_No trade-off curve was computed for this run._"}

## Registry decision
{decision_section(decision)}

## Limitations
- History reflects past managers' choices (selection bias): people were moved because
  someone judged them suitable, so effects of poor fit are under-represented.
- Outcomes exist only for people who were actually moved; counterfactual performance of
  others is extrapolated.
- Appraisal scores are themselves human judgements and may carry rater bias.
- When trained on the simulator's data, figures describe a simulated province, not a real one.
- Risk is calibrated on the validation period; calibration may drift as policy changes.

## Human oversight
Required. Reviewers see the reasons (SHAP contributions) and record accept / reject /
reorder decisions with a mandatory note in the audit log.
"""
