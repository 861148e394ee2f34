"""The model card: a Markdown page logged with every run and registered version."""

import pandas as pd

from features.columns import PROTECTED_COLUMNS
from features.names import FAILURE, PERFORMANCE
from models.store import MODEL_NAME
from training.split import N_TEST, N_TRAIN, N_VALID, TEST_FROM, VALID_FROM, split_key

UNKNOWN = "?"


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
               audit_markdown: str | None = None, decision: tuple[str, str] | None = None) -> str:
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
