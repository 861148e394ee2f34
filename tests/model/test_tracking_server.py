"""MLFLOW_TRACKING_URI pointing at a real tracking server: no code change needed."""

import os
import subprocess
import sys
import time

import httpx
import pytest

from cloned_dataset import cloned_tables
from servers import free_port
from tiny_dataset import write_tables

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture
def tracking_server(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "1", "--backend-store-uri", f"sqlite:///{tmp_path / 'server.db'}",
                             "--artifacts-destination", str(tmp_path / "server-artifacts")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("mlflow server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_train_and_list_against_a_tracking_server(tracking_server, tmp_path):
    data = write_tables(cloned_tables(30), tmp_path / "data")
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_server, "MUTASI_HOME": str(tmp_path / "home")}
    trained = subprocess.run([sys.executable, "-m", "mutasi.cli", "train", "--data", str(data)], env=env,
                             capture_output=True, text=True, timeout=600)
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert "version 1 -> champion" in trained.stdout
    listed = subprocess.run([sys.executable, "-m", "mutasi.cli", "models", "--json"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert '"champion"' in listed.stdout
    assert not (tmp_path / "home" / "mlflow.db").exists()          # nothing went to the local store
