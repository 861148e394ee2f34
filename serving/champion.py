"""The served model: the registry version holding ``champion``, loaded once and cached,
reloaded when the alias moves. The alias is looked up at most every ``check_every``
seconds, so the hot path never waits on the registry; MLflow is imported lazily."""

import threading
import time
from dataclasses import dataclass

from models.bundle import RankerBundle
from models.store import CHAMPION, MODEL_NAME, connect, load_bundle
from models.tags import AUDIT_FAILED, AUDIT_TAG, DECISION_TAG, promote_command

TRAIN_COMMAND = "`mutasi train --data DIR`"


@dataclass(frozen=True)
class ServedModel:
    bundle: RankerBundle
    name: str
    version: str
    run_id: str


class NoChampionError(RuntimeError):
    """No registered version holds the ``champion`` alias; the message says why and what to do."""


def no_champion_message(client, name: str, alias: str) -> str:
    """Why no version holds ``alias``, read from the registry, and the command that fixes it:
    train a first version, or promote the latest one (past its failed audit with ``--force``)."""
    from mlflow.exceptions import MlflowException

    missing = f"no version of {name!r} holds the alias {alias!r}"
    try:
        versions = client.search_model_versions(f"name = '{name}'")
    except MlflowException:
        versions = []
    if not versions:
        return f"{missing}: nothing is registered yet; run {TRAIN_COMMAND} first"
    latest = max(versions, key=lambda v: int(v.version))
    tags = latest.tags or {}
    audit = tags.get(AUDIT_TAG, "unknown")
    decision = tags.get(DECISION_TAG, "unknown")
    return (f"{missing}: the latest, version {latest.version}, has fairness audit {audit} and decision "
            f"{decision} (`mutasi models` says why); review it, then "
            f"{promote_command(str(latest.version), force=audit == AUDIT_FAILED)}")


class ChampionCache:
    def __init__(self, tracking_uri: str | None = None, name: str = MODEL_NAME,
                 alias: str = CHAMPION, check_every: float = 10.0):
        self.tracking_uri, self.name, self.alias, self.check_every = tracking_uri, name, alias, check_every
        self._served: ServedModel | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._client = None

    @classmethod
    def fixed(cls, bundle: RankerBundle, name: str = "local", version: str = "0", run_id: str = "") -> "ChampionCache":
        """A cache that always serves ``bundle`` (tests, benchmarks, ad-hoc bundles)."""
        cache = cls(check_every=float("inf"))
        cache._served = ServedModel(bundle, name, version, run_id)
        cache._checked = float("inf")
        return cache

    def _lookup(self):
        from mlflow.exceptions import MlflowException

        if self._client is None:
            self._client = connect(self.tracking_uri)
        try:
            return self._client.get_model_version_by_alias(self.name, self.alias)
        except MlflowException as exc:
            raise NoChampionError(no_champion_message(self._client, self.name, self.alias)) from exc

    def get(self) -> ServedModel:
        """The current champion, reloading it if the alias moved since the last check."""
        now = time.monotonic()
        served = self._served
        if served is not None and now - self._checked < self.check_every:
            return served
        with self._lock:
            if self._served is not None and time.monotonic() - self._checked < self.check_every:
                return self._served
            version = self._lookup()
            if self._served is None or self._served.version != str(version.version):
                bundle = load_bundle(f"models:/{self.name}/{version.version}")
                self._served = ServedModel(bundle, self.name, str(version.version), version.run_id or "")
            self._checked = time.monotonic()
            return self._served
