"""Real processes for tests: a free loopback port, a trained throw-away model store, and a
``mutasi serve`` uvicorn process serving it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cloned_dataset import cloned_tables
from tiny_dataset import write_tables


def trained_store(root: Path, copies: int, train: list[str]) -> dict:
    """A cloned tiny dataset in ``root/data`` and a model trained on it by the command
    ``train`` (given the data directory as its last argument), registered in a throw-away
    ``MUTASI_HOME``."""
    data = write_tables(cloned_tables(copies), root / "data")
    env = {**os.environ, "MUTASI_HOME": str(root / "home")}
    env.pop("MLFLOW_TRACKING_URI", None)
    for name in ("MUTASI_API_TOKEN", "MUTASI_API_TOKENS", "MUTASI_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
        env.pop(name, None)
    result = subprocess.run([*train, str(data)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"data": data, "env": env, "root": root, "audit": root / "home" / "audit.db"}


def server_fixture(store: dict):
    """Generator body of a session fixture: a server for ``store``, stopped afterwards."""
    proc, url = start_server(store)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store: dict, extra_env: dict | None = None, host: str = "127.0.0.1", args: tuple[str, ...] = ()):
    """``mutasi serve`` (with extra ``args``) on a free loopback port; returns (process, url)."""
    port = free_port()
    env = {**store["env"], **(extra_env or {})}
    log = open(store["root"] / f"server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "mutasi.cli", "serve", "--data", str(store["data"]),
                             "--host", host, "--port", str(port), *args], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(Path(log.name).read_text()[-3000:])
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start: " + Path(log.name).read_text()[-3000:])
