"""Shared fixtures: the tiny hand-written dataset, as tables, as a directory, loaded; and a
throw-away ``MUTASI_HOME`` for the whole session, so no test writes to the user's real
home (the default store is the user's data directory)."""

from pathlib import Path

import pandas as pd
import pytest

from features.io import Dataset, load_dataset

from tiny_dataset import tiny_tables, write_tables


@pytest.fixture(scope="session", autouse=True)
def throwaway_home(tmp_path_factory) -> Path:
    """``MUTASI_HOME`` (and no ``MLFLOW_TRACKING_URI``) for every test unless it sets its own."""
    home = tmp_path_factory.mktemp("mutasi-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUTASI_HOME", str(home))
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        patch.delenv("MLFLOW_REGISTRY_URI", raising=False)
        yield home


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    """Fresh copies of the tiny tables, safe to break."""
    return tiny_tables()


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return write_tables(tiny_tables(), tmp_path / "tiny")


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Dataset:
    return load_dataset(write_tables(tiny_tables(), tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="session")
def province_dir(tmp_path_factory) -> Path:
    """A small simulated province written once per test session."""
    from simulator import simulate, write_simulation

    return write_simulation(simulate(n_employees=400, seed=5), tmp_path_factory.mktemp("sim") / "province")


@pytest.fixture(scope="session")
def province(province_dir) -> Dataset:
    return load_dataset(province_dir)
