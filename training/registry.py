"""Registry decisions: register a run's model, give it ``champion`` only if it is at
least as good as the current champion on the new test set and its fairness audit passed,
else ``challenger``.

A decision is a :class:`Decision` value; code branches on it only. Its reason, a sentence
for people, travels beside it in :class:`Comparison` and is what the CLI and the model
card print. Both are stored as version tags (``models.tags``).
"""

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from models.store import CHALLENGER, CHAMPION, MODEL_NAME
from models.tags import (
    AUDIT_FAILED,
    AUDIT_OVERRIDE_TAG,
    AUDIT_TAG,
    DECISION_REASON_TAG,
    DECISION_TAG,
    FLAGGED_GROUPS_TAG,
    PROMOTED_BY_HAND_TAG,
    audit_value,
)

# tie tolerance: retraining on the same data gives the same model, which keeps the title
TOLERANCE = 1e-9
MANUAL_REASON = "manual promotion"


class Decision(StrEnum):
    """What the registry did with a new version."""

    PROMOTE = "promote"                    # no worse than the champion (or there is none), audit passed
    KEEP = "keep"                          # worse than the champion on the new test set
    REFUSED_BY_AUDIT = "refused_by_audit"  # good enough, but its fairness audit failed
    FORCED = "forced"                      # its audit failed; champion given anyway, with a recorded reason

    @property
    def takes_champion(self) -> bool:
        return self in (Decision.PROMOTE, Decision.FORCED)


@dataclass(frozen=True)
class Comparison:
    """A new version's metrics against the champion's, the decision and its reason."""

    new: dict[str, float]
    champion: dict[str, float] | None
    champion_version: str | None
    decision: Decision
    reason: str

    @property
    def promote(self) -> bool:
        return self.decision.takes_champion


def compare(new: dict[str, float], champion: dict[str, float] | None,
            champion_version: str | None) -> Comparison:
    """New wins when it is no worse on both: performance Spearman (higher) and risk Brier (lower)."""
    if champion is None:
        return Comparison(new, None, None, Decision.PROMOTE, "there is no champion yet")
    perf_ok = _no_worse(new["performance_spearman"], champion["performance_spearman"], higher_is_better=True)
    risk_ok = _no_worse(new["risk_brier"], champion["risk_brier"], higher_is_better=False)
    decision = Decision.PROMOTE if perf_ok and risk_ok else Decision.KEEP
    detail = (f"performance Spearman {new['performance_spearman']:.4f} vs {champion['performance_spearman']:.4f}, "
              f"risk Brier {new['risk_brier']:.4f} vs {champion['risk_brier']:.4f}")
    verdict = "no worse than" if decision is Decision.PROMOTE else "worse than"
    return Comparison(new, champion, champion_version, decision, f"{verdict} champion v{champion_version}: {detail}")


def _no_worse(new: float, old: float, higher_is_better: bool) -> bool:
    """``new`` is at least as good as ``old``; anything is at least as good as an undefined
    metric, and an undefined metric is worse than a defined one."""
    if math.isnan(new) or math.isnan(old):
        return math.isnan(old)
    return new >= old - TOLERANCE if higher_is_better else new <= old + TOLERANCE


def gate(comparison: Comparison, audit_passed: bool, force_reason: str | None,
         flagged_groups: int = 0) -> Comparison:
    """The fairness gate: a version whose audit failed never takes ``champion`` unless a
    person forces it with a recorded reason. The audit judges the version as it serves: its
    top lists as ordered by its own fair setting (:class:`models.fair.FairRanking`, saved
    with it), not the plain order of its scores."""
    if comparison.decision is not Decision.PROMOTE:
        return comparison
    if audit_passed:
        return replace(comparison, reason=f"{comparison.reason}, and its fairness audit of the lists it serves passed")
    failed = (f"its fairness audit of the lists it serves failed ({flagged_groups} flagged group(s), "
              "see fairness/audit.md)")
    if force_reason:
        return replace(comparison, decision=Decision.FORCED,
                       reason=f"{comparison.reason}; {failed}; champion forced: {force_reason}")
    return replace(comparison, decision=Decision.REFUSED_BY_AUDIT, reason=f"{comparison.reason}, but {failed}")


def current_champion(client, name: str = MODEL_NAME):
    """The model version holding ``champion``, or None."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None


def alias_for(decision: Decision) -> str:
    return CHAMPION if decision.takes_champion else CHALLENGER


def record_decision(client, version: str, comparison: Comparison, audit_passed: bool, flagged_groups: int,
                    force_reason: str | None, name: str = MODEL_NAME) -> str:
    """Set ``champion`` (or ``challenger``) on ``version`` and tag it with the decision, its
    reason and the audit verdict; returns the alias given."""
    alias = alias_for(comparison.decision)
    client.set_registered_model_alias(name, alias, version)
    tags = {DECISION_TAG: comparison.decision.value, DECISION_REASON_TAG: comparison.reason,
            AUDIT_TAG: audit_value(audit_passed), FLAGGED_GROUPS_TAG: str(flagged_groups)}
    if comparison.decision is Decision.FORCED:
        tags[AUDIT_OVERRIDE_TAG] = force_reason or ""
    for key, value in tags.items():
        client.set_model_version_tag(name, version, key, value)
    return alias


class AuditGateError(RuntimeError):
    """Promotion refused: the version's fairness audit failed and no override was given."""


def promote(client, version: str, reason: str, name: str = MODEL_NAME, force: bool = False) -> None:
    """Move ``champion`` to ``version`` by hand, recording the reason on the version. A
    version whose fairness audit failed needs ``force`` (the reason is then the override)."""
    found = client.get_model_version(name, version)          # fails clearly on an unknown version
    if (found.tags or {}).get(AUDIT_TAG) == AUDIT_FAILED and not force:
        raise AuditGateError(f"version {version} failed its fairness audit: promote it with --force and a "
                             "--reason that will be recorded")
    client.set_registered_model_alias(name, CHAMPION, version)
    client.set_model_version_tag(name, version, PROMOTED_BY_HAND_TAG, reason or MANUAL_REASON)
    if force:
        client.set_model_version_tag(name, version, AUDIT_OVERRIDE_TAG, reason)


def list_versions(client, name: str = MODEL_NAME) -> list[dict]:
    """Every version with its aliases, run, creation time, audit verdict and registry
    decision (with its reason), newest first."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(name)
    except MlflowException:
        return []
    aliases: dict[str, list[str]] = {}
    for alias, version in (model.aliases or {}).items():
        aliases.setdefault(str(version), []).append(alias)
    versions = client.search_model_versions(f"name = '{name}'")
    rows = [{"version": str(v.version), "aliases": sorted(aliases.get(str(v.version), [])),
             "run_id": v.run_id, "created": v.creation_timestamp, "status": v.status,
             "audit": (v.tags or {}).get(AUDIT_TAG, ""), "decision": (v.tags or {}).get(DECISION_TAG, ""),
             "decision_reason": (v.tags or {}).get(DECISION_REASON_TAG, ""),
             "tags": dict(v.tags or {})} for v in versions]
    return sorted(rows, key=lambda r: int(r["version"]), reverse=True)
