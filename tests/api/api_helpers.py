"""Small helpers shared by the HTTP tests."""

import httpx

POSITION = "p3"          # a pengawas post of the tiny (cloned) dataset


def rank(url: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(f"{url}/v1/rankings", json=body, headers=headers or {}, timeout=60)


def own_entry(body: dict, tag: int) -> dict:
    """``body`` as a ranking of its own in the audit log (which keeps one entry per distinct
    ranking, the first caller's): a pool filter no one else sends — a maximum distance
    beyond any province, which leaves the pool as it is. ``tag`` must be unique per use."""
    return {**body, "max_distance_km": 100_000 + tag}


def assert_problem(response: httpx.Response, status: int, field: str) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["field"] == field, problem
    return problem
