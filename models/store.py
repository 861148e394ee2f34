"""Where models live: the MLflow tracking URI, the registered model's name and aliases.

Default tracking needs no server: a sqlite database and an artifact folder under
``.mutasi/`` in the working directory (git-ignored). ``MLFLOW_TRACKING_URI`` overrides
it with no code change. MLflow itself is imported lazily: it costs over a second.
"""

import os
from pathlib import Path

MODEL_NAME = "mutasi-ranker"
CHAMPION = "champion"
CHALLENGER = "challenger"
EXPERIMENT = "mutasi"
HOME_ENV = "MUTASI_HOME"


def home() -> Path:
    """The project's local state folder (``$MUTASI_HOME`` or ``./.mutasi``)."""
    return Path(os.environ.get(HOME_ENV, ".mutasi")).resolve()


def tracking_uri(override: str | None = None) -> str:
    """``override``, else ``$MLFLOW_TRACKING_URI``, else the local sqlite store."""
    if override:
        return override
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    return f"sqlite:///{home() / 'mlflow.db'}"


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
