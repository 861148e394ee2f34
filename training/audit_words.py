"""The fairness audit in words: the Markdown report (``fairness/audit.md``, the model
card, ``mutasi audit``) and one sentence per gap saying whether it is also in the truth.

Kept apart from :mod:`training.fairness`, which computes the audit; this module only reads
its :class:`~training.fairness.AuditReport`.
"""

import numpy as np
import pandas as pd

from training.fairness import DUK, ORACLE, PLAIN, REFERENCES, AuditReport


def truth_sentence(row: dict, threshold: float, variant: str) -> str:
    """Whether a group's gap in ``variant`` (selection or scoring) is also in the oracle's own
    lists (the truth), with the plain model's and the DUK order's ratios beside it."""
    def ratio(ref: str) -> float:
        value = row.get(f"{ref}_{variant}_impact_ratio")
        return np.nan if value is None else float(value)

    refs = ", ".join(f"{ratio(ref):.2f} {name}" for ref, name in ((PLAIN, "plain model"), (DUK, "DUK"))
                     if ratio(ref) == ratio(ref))
    head = (f"{row['attribute']} {row['group']}: {variant} impact ratio {float(row[f'{variant}_impact_ratio']):.2f}"
            f" served" + (f", {refs}" if refs else ""))
    truth = ratio(ORACLE)
    if truth != truth:
        return f"{head}; no oracle, so the data cannot say whether the gap is in the truth."
    if truth < threshold:
        return f"{head}; the gap is also in the truth (the oracle's own lists: {truth:.2f})."
    return (f"{head}; the gap is not in the truth (the oracle's own lists: {truth:.2f}): it was learned from "
            "the history or made by the model.")


def gap_sentences(rates: pd.DataFrame, threshold: float) -> list[str]:
    """One sentence per group with a gap: flagged when served, or (selection) under the
    threshold in the plain model's lists."""
    out = []
    for row in rates[rates["enough_data"]].to_dict("records"):
        plain_low = row.get(f"{PLAIN}_selection_impact_ratio", np.nan) < threshold
        if row["selection_flagged"] or plain_low:
            out.append(truth_sentence(row, threshold, "selection"))
        if row["scoring_flagged"]:
            out.append(truth_sentence(row, threshold, "scoring"))
    return out


def audit_markdown(report: AuditReport) -> str:
    """The audit as Markdown: the verdict and its rules, the ratios side by side, the gaps in
    words and the error metrics by group."""
    verdict = "PASSED" if report.passed else "FAILED"
    st = report.settings
    scoring = ("The scoring-rate variant (model scores above the pool median) is reported but does not fail "
               "the audit: the served lists are constrained." if report.fair.enabled else
               "Served lists are the plain order, so the scoring-rate variant counts too.")
    lines = [f"**Audit {verdict}**: {report.positions} vacancies at {report.as_of}, the served top-{st.top_k} "
             f"lists ({report.fair.describe()}). Impact ratios are standardised by pool (selections over those "
             "a group-blind list would give in the same pools, against the best group's; the raw pooled ratio "
             f"beside it). A group is flagged when its impact ratio is under {st.min_impact_ratio:g} (four-fifths "
             "rule) and a one-sided Mantel-Haenszel test against the best group, stratified by vacancy, gives "
             f"p < {st.alpha:g} (Bonferroni-corrected). Groups under {st.min_group_size} candidates "
             f"or {st.min_group_share:.0%} of the pool are shown, never failed. {scoring}", "",
             "Impact ratios side by side: served lists, the plain model's lists, the DUK order and the oracle's "
             "own lists (the policy on the true outcomes, where the simulator's oracle exists).", "",
             "| attribute | group | candidates | selected | expected | selection rate | impact ratio | pooled | p "
             "| plain | DUK | oracle | scoring rate | scoring impact ratio | p | plain | DUK | oracle | flag |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def ref(r: dict, name: str) -> str:
        value = r.get(name)
        return "" if value is None or value != value else f"{value:.2f}"

    for r in report.rates.to_dict("records"):
        flag = "**FLAG**" if r["flagged"] else ("scoring (reported)" if r["scoring_flagged"] else (
            "small group" if not r["enough_data"] else ""))
        lines.append(f"| {r['attribute']} | {r['group']} | {r['candidates']} | {r['selected']} | "
                     f"{r['selection_expected']:.1f} | {r['selection_rate']:.4f} | {r['selection_impact_ratio']:.2f} "
                     f"| {r['pooled_selection_impact_ratio']:.2f} | {r['selection_p_value']:.3g} "
                     + "".join(f"| {ref(r, f'{x}_selection_impact_ratio')} " for x in REFERENCES)
                     + f"| {r['scoring_rate']:.3f} | {r['scoring_impact_ratio']:.2f} | {r['scoring_p_value']:.3g} "
                     + "".join(f"| {ref(r, f'{x}_scoring_impact_ratio')} " for x in REFERENCES) + f"| {flag} |")
    sentences = gap_sentences(report.rates, st.min_impact_ratio)
    if sentences:
        lines += ["", "Gaps, and whether they are in the truth:", ""] + [f"- {t}" for t in sentences]
    if not report.errors.empty:
        lines += ["", "Error metrics by group (test period):", "",
                  "| target | attribute | group | metric | value | count |", "|---|---|---|---|---|---|"]
        for r in report.errors.to_dict("records"):
            lines.append(f"| {r['target']} | {r['attribute']} | {r['group']} | {r['metric']} | "
                         f"{r['value']:.3f} | {int(r['count'])} |")
    return "\n".join(lines)
