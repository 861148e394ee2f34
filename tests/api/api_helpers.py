"""Small helpers shared by the HTTP tests."""

import httpx

POSITION = "p3"          # a pengawas post of the tiny (cloned) dataset


def rank(url: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(f"{url}/v1/rankings", json=body, headers=headers or {}, timeout=60)
