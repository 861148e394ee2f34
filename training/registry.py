"""Registry decisions: register a run's model, give it ``champion`` only if it is at
least as good as the current champion on the new test set, else ``challenger``."""

import math
from dataclasses import dataclass

from models.store import CHALLENGER, CHAMPION, MODEL_NAME

# tie tolerance: retraining on the same data gives the same model, which keeps the title
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Comparison:
    new: dict[str, float]
    champion: dict[str, float] | None
    champion_version: str | None
    reason: str

    @property
    def promote(self) -> bool:
        return self.reason.startswith("promote")


def compare(new: dict[str, float], champion: dict[str, float] | None,
            champion_version: str | None) -> Comparison:
    """New wins when it is no worse on both: performance Spearman (higher) and risk Brier (lower)."""
    if champion is None:
        return Comparison(new, None, None, "promote: no current champion")
    perf_ok = _no_worse(new["performance_spearman"], champion["performance_spearman"], higher_is_better=True)
    risk_ok = _no_worse(new["risk_brier"], champion["risk_brier"], higher_is_better=False)
    verdict = "promote" if perf_ok and risk_ok else "keep champion"
    detail = (f"performance Spearman {new['performance_spearman']:.4f} vs {champion['performance_spearman']:.4f}, "
              f"risk Brier {new['risk_brier']:.4f} vs {champion['risk_brier']:.4f} "
              f"(champion v{champion_version})")
    return Comparison(new, champion, champion_version, f"{verdict}: {detail}")


def _no_worse(new: float, old: float, higher_is_better: bool) -> bool:
    """``new`` is at least as good as ``old``; anything is at least as good as an undefined
    metric, and an undefined metric is worse than a defined one."""
    if math.isnan(new) or math.isnan(old):
        return math.isnan(old)
    return new >= old - TOLERANCE if higher_is_better else new <= old + TOLERANCE


def gate(comparison: Comparison, audit_passed: bool, force_reason: str | None) -> Comparison:
    """The fairness gate: a version whose audit failed never takes ``champion`` unless a
    person forces it with a recorded reason."""
    if not comparison.promote or audit_passed:
        return comparison
    if force_reason:
        return Comparison(comparison.new, comparison.champion, comparison.champion_version,
                          f"{comparison.reason}; fairness audit FAILED, champion forced: {force_reason}")
    return Comparison(comparison.new, comparison.champion, comparison.champion_version,
                      "keep champion: fairness audit failed (see fairness/audit.md); "
                      "`mutasi promote VERSION --force --reason ...` overrides it with a recorded reason")


def current_champion(client, name: str = MODEL_NAME):
    """The model version holding ``champion``, or None."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None


def apply_aliases(client, version: str, promote: bool, name: str = MODEL_NAME) -> str:
    """Set ``champion`` (or ``challenger``) on ``version``; returns the alias given."""
    alias = CHAMPION if promote else CHALLENGER
    client.set_registered_model_alias(name, alias, version)
    return alias


AUDIT_TAG = "fairness_audit"


class AuditGateError(RuntimeError):
    """Promotion refused: the version's fairness audit failed and no override was given."""


def promote(client, version: str, reason: str, name: str = MODEL_NAME, force: bool = False) -> None:
    """Move ``champion`` to ``version`` by hand, recording the reason on the version. A
    version whose fairness audit failed needs ``force`` (the reason is then the override)."""
    found = client.get_model_version(name, version)          # fails clearly on an unknown version
    if (found.tags or {}).get(AUDIT_TAG) == "failed" and not force:
        raise AuditGateError(f"version {version} failed its fairness audit: promote it with --force and a "
                             "--reason that will be recorded")
    client.set_registered_model_alias(name, CHAMPION, version)
    client.set_model_version_tag(name, version, "promoted_by_hand", reason or "manual promotion")
    if force:
        client.set_model_version_tag(name, version, "audit_override", reason)


def list_versions(client, name: str = MODEL_NAME) -> list[dict]:
    """Every version with its aliases, run and creation time, newest first."""
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
             "tags": dict(v.tags or {})} for v in versions]
    return sorted(rows, key=lambda r: int(r["version"]), reverse=True)
