"""The fairness audits of registered model versions, read back from MLflow for the
fairness page: the versions of the registered model (aliases, audit tag) and the audit
that training logged with each run (``fairness/audit.json``, :mod:`training.mlflow_run`).

MLflow is imported lazily (through :func:`models.store.connect`). A run's artifacts never
change, so each audit is read once per process.
"""

import json
import threading
from dataclasses import dataclass

from models.store import MODEL_NAME, connect
from models.tags import AUDIT_TAG

AUDIT_ARTIFACT = "fairness/audit.json"
MAX_VERSIONS = 200                      # versions offered by the page's picker, newest first

_audits: dict[tuple[str, str], dict | None] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelVersion:
    version: str
    run_id: str
    aliases: tuple[str, ...]
    audit: str | None                   # the version's audit tag (models.tags.AUDIT_PASSED / _FAILED)


def model_versions(tracking_uri: str | None, name: str = MODEL_NAME) -> list[ModelVersion]:
    """The registered versions of ``name``, newest first."""
    client = connect(tracking_uri)
    found = client.search_model_versions(f"name = '{name}'", max_results=MAX_VERSIONS)
    aliases: dict[str, list[str]] = {}
    if found:
        for alias, version in (client.get_registered_model(name).aliases or {}).items():
            aliases.setdefault(str(version), []).append(alias)
    versions = [ModelVersion(str(v.version), v.run_id or "", tuple(sorted(aliases.get(str(v.version), ()))),
                             (v.tags or {}).get(AUDIT_TAG)) for v in found]
    return sorted(versions, key=lambda v: -int(v.version))


def fairness_audit(tracking_uri: str | None, run_id: str) -> dict | None:
    """The fairness audit logged with a run (None when the run has none)."""
    key = (tracking_uri or "", run_id)
    with _lock:
        if key in _audits:
            return _audits[key]
    from mlflow.artifacts import load_text
    from mlflow.exceptions import MlflowException

    connect(tracking_uri)
    try:
        audit = json.loads(load_text(f"runs:/{run_id}/{AUDIT_ARTIFACT}")) if run_id else None
    except (MlflowException, OSError, ValueError):
        audit = None
    with _lock:
        _audits[key] = audit
    return audit
