"""Where models live: the MLflow tracking URI, the registered model's name and aliases.

Everything local lives in one folder, the *home* (:func:`home`): ``$MUTASI_HOME`` when
set, else the user's data directory (``~/.local/share/mutasi`` on Linux,
``~/Library/Application Support/mutasi`` on macOS, ``%LOCALAPPDATA%\\mutasi`` on Windows),
whatever the current folder. It holds the default tracking store (``mlflow.db`` and
``mlartifacts/``, no server needed) and the audit log (``audit.db``).
``MLFLOW_TRACKING_URI`` overrides the tracking store with no code change. MLflow itself is
imported lazily: it costs over a second.
"""

import os
import sys
from pathlib import Path

MODEL_NAME = "mutasi-ranker"
CHAMPION = "champion"
CHALLENGER = "challenger"
EXPERIMENT = "mutasi"
HOME_ENV = "MUTASI_HOME"
TRACKING_ENV = "MLFLOW_TRACKING_URI"
APP_DIR = "mutasi"


def user_data_dir(env: dict | None = None, platform: str = sys.platform) -> Path:
    """The user's data directory for mutasi, as ``platformdirs.user_data_dir("mutasi")``
    gives it: ``$XDG_DATA_HOME/mutasi`` or ``~/.local/share/mutasi`` (Linux and other
    Unix), ``~/Library/Application Support/mutasi`` (macOS), ``%LOCALAPPDATA%\\mutasi``
    (Windows)."""
    env = os.environ if env is None else env
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_DIR
    if platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR
    base = env.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share") / APP_DIR


def home(env: dict | None = None) -> Path:
    """The local state folder: ``$MUTASI_HOME`` when set, else :func:`user_data_dir`
    (never the current folder, so every command finds the same store)."""
    env = os.environ if env is None else env
    given = env.get(HOME_ENV, "").strip()
    return Path(given).expanduser().resolve() if given else user_data_dir(env)


def tracking_uri(override: str | None = None) -> str:
    """``override``, else ``$MLFLOW_TRACKING_URI``, else the local sqlite store."""
    if override:
        return override
    if os.environ.get(TRACKING_ENV):
        return os.environ[TRACKING_ENV]
    return f"sqlite:///{home() / 'mlflow.db'}"


def describe(override: str | None = None) -> str:
    """Where things are, in one line for ``train``, ``serve`` and ``models``: the tracking
    store (a URI's password hidden) and the home with the audit log."""
    uri = tracking_uri(override)
    if "@" in uri and "://" in uri:               # user:password@host: never print the password
        scheme, rest = uri.split("://", 1)
        uri = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return f"model store {uri} · home {home()} (${HOME_ENV})"


def artifact_location() -> str:
    """Artifact root for experiments created in the local store."""
    return (home() / "mlartifacts").as_uri()


def connect(override: str | None = None):
    """Point MLflow at the tracking store and return a client (imports mlflow)."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import mlflow
    from mlflow import MlflowClient

    uri = tracking_uri(override)
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def model_uri(alias: str = CHAMPION, name: str = MODEL_NAME) -> str:
    return f"models:/{name}@{alias}"


def version_uri(version: str | None = None, name: str = MODEL_NAME) -> str:
    """A registered version's URI (``--model VERSION``), or the champion's without one."""
    return f"models:/{name}/{version}" if version else model_uri(name=name)


def load_bundle(uri: str):
    """Download a logged or registered pyfunc model and load its :class:`RankerBundle`."""
    import mlflow.artifacts

    from models.bundle import RankerBundle

    local = mlflow.artifacts.download_artifacts(artifact_uri=uri)
    return RankerBundle.load(Path(local) / "artifacts" / "bundle")
