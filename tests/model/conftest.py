"""A ranker fitted (without MLflow) on a simulated province, once per session."""

import pytest

from features.io import load_dataset
from features.training_table import build_training_table
from simulator import simulate, write_simulation
from training.evaluate import with_age
from training.pipeline import fit_ranker

from cloned_dataset import cloned_tables
from tiny_dataset import write_tables


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    path = write_simulation(simulate(n_employees=1500, seed=21), tmp_path_factory.mktemp("model") / "province")
    dataset = load_dataset(path)
    table = with_age(build_training_table(dataset), dataset)
    return {"path": path, "dataset": dataset, "table": table, "fitted": fit_ranker(dataset, table)}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private MUTASI_HOME (MLflow store, audit log) for one test."""
    monkeypatch.setenv("MUTASI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return tmp_path


@pytest.fixture
def data(tmp_path):
    """A small cloned dataset directory (50 employees)."""
    return write_tables(cloned_tables(50), tmp_path / "data")
