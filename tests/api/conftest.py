"""A model trained by ``mutasi train`` in a throw-away MLflow store, and a real uvicorn
process serving it on a free loopback port."""

import sys

import pytest

from servers import server_fixture, trained_store


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> dict:
    return trained_store(tmp_path_factory.mktemp("api"), 60, [sys.executable, "-m", "mutasi.cli", "train", "--data"])


@pytest.fixture(scope="session")
def server(store):
    yield from server_fixture(store)
