"""Small helpers shared by the HTTP tests."""

import httpx

POSITION = "p3"          # a pengawas post of the tiny (cloned) dataset


def rank(url: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(f"{url}/v1/rankings", json=body, headers=headers or {}, timeout=60)


def assert_problem(response: httpx.Response, status: int, field: str) -> dict:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["field"] == field, problem
    return problem
