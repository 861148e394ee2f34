"""The OpenAPI description read from a real server: a schema for every answer, a problem
document (application/problem+json) for every error status a route gives, and the bearer
scheme on the routes behind the token (not on /v1/health)."""

import httpx
import pytest

from api_helpers import POSITION, rank

pytestmark = pytest.mark.api

PROBLEM = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
OPEN = {("get", "/v1/health")}
# what every route documents beyond the Host check (421) and unexpected errors (500)
EXPECTED = {
    ("get", "/v1/health"): set(),
    ("get", "/v1/model"): {401, 503},
    ("post", "/v1/rankings"): {400, 401, 404, 413, 422, 503},
    ("post", "/v1/rankings:batch"): {400, 401, 413, 422, 503},
    ("post", "/v1/what-if"): {400, 401, 404, 413, 422, 503},
    ("post", "/v1/plans"): {400, 401, 413, 422, 503},
    ("get", "/v1/plans/{audit_id}"): {401, 404, 422},
    ("post", "/v1/plans/{audit_id}/decisions"): {400, 401, 404, 413, 422},
    ("get", "/v1/plans/{audit_id}/announcement"): {401, 404, 422},
    ("get", "/v1/due"): {401, 422},
    ("get", "/v1/follow-up"): {401, 422, 503},
    ("get", "/v1/talent"): {401, 422},
    ("get", "/v1/succession/{position_id}"): {401, 404, 422},
    ("post", "/v1/plans/{audit_id}/replan"): {401, 404, 422, 503},
}


@pytest.fixture(scope="module")
def spec(server) -> dict:
    response = httpx.get(f"{server}/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if path.startswith("/v1/"):
                yield (method, path), operation


def test_every_route_is_described(spec, server):
    assert set(dict(operations(spec))) == set(EXPECTED)
    assert httpx.get(f"{server}/docs").status_code == 200


def test_every_answer_has_a_schema(spec):
    schemas = spec["components"]["schemas"]
    for key, operation in operations(spec):
        ok = [s for s in operation["responses"] if s.startswith("2")]
        assert len(ok) == 1, key
        schema = operation["responses"][ok[0]]["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").rsplit("/", 1)[-1] in schemas, (key, schema)
    ranking = schemas["Ranking"]["properties"]
    assert {"candidates", "excluded", "n_excluded", "excluded_page", "notices", "rules"} <= set(ranking)


def test_every_error_status_is_a_problem_document(spec):
    problem = spec["components"]["schemas"]["Problem"]
    assert {"title", "status", "detail"} <= set(problem["required"]) and "field" in problem["properties"]
    for key, operation in operations(spec):
        errors = {int(s): r for s, r in operation["responses"].items() if s[0] in "45"}
        assert set(errors) == EXPECTED[key] | {421, 500}, key
        for status, response in errors.items():
            assert list(response["content"]) == [PROBLEM], (key, status)
            assert response["content"][PROBLEM]["schema"] == {"$ref": PROBLEM_REF}, (key, status)
            assert response["description"], (key, status)


def test_the_bearer_scheme_is_declared_on_guarded_routes_only(spec):
    schemes = spec["components"]["securitySchemes"]
    name, scheme = next(iter(schemes.items()))
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    for key, operation in operations(spec):
        assert (operation.get("security") == [{name: []}]) == (key not in OPEN), key


@pytest.mark.parametrize("body", [
    {"position_id": "no-such-post"}, {"position_id": POSITION, "top_k": 0}, {"position_id": POSITION},
])
def test_the_statuses_served_are_the_ones_described(spec, server, body):
    described = {int(s) for s in spec["paths"]["/v1/rankings"]["post"]["responses"]}
    assert rank(server, body).status_code in described
    malformed = httpx.post(f"{server}/v1/rankings", content=b"{", headers={"content-type": "application/json"})
    assert malformed.status_code in described
