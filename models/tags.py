"""Names of the tags training writes on a registered model version and serving reads back
(to say why no version holds ``champion``). Values of ``DECISION_TAG`` are those of
``training.registry.Decision``; serving only shows them."""

AUDIT_TAG = "fairness_audit"              # AUDIT_PASSED or AUDIT_FAILED
AUDIT_PASSED = "passed"
AUDIT_FAILED = "failed"
FLAGGED_GROUPS_TAG = "fairness_flagged_groups"
DECISION_TAG = "decision"                 # the registry decision at registration (an enum value)
DECISION_REASON_TAG = "decision_reason"   # the sentence beside it
PROMOTED_BY_HAND_TAG = "promoted_by_hand"
AUDIT_OVERRIDE_TAG = "audit_override"


def audit_value(passed: bool) -> str:
    return AUDIT_PASSED if passed else AUDIT_FAILED


def promote_command(version: str, force: bool) -> str:
    """The command that gives ``champion`` to ``version`` by hand (``--force`` past a failed audit)."""
    return f"`mutasi promote {version}{' --force' if force else ''} --reason \"...\"`"
