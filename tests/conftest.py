"""Shared fixtures: the tiny hand-written dataset, as tables, as a directory, loaded."""

from pathlib import Path

import pandas as pd
import pytest

from features.io import Dataset, load_dataset

from tiny_dataset import tiny_tables, write_tables


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
