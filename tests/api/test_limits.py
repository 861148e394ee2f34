"""One request must not take the server down nor get a 500: bounded bodies, lists and ids,
dates inside the window, finite numbers, closed vocabularies — each a problem document
naming the field (and the limit)."""

import json

import httpx
import pytest

from serving.limits import MAX_BODY_BYTES, MAX_FILTER_IDS, MAX_ID_LENGTH, MAX_STANDARDS, MAX_TOP_K

from api_helpers import POSITION, assert_problem, rank

pytestmark = pytest.mark.api

VACANCY = {"position_id": "darurat-1", "unit_id": "u2", "position_type": "pengawas", "domain": "kebencanaan",
           "job_class": 9, "standards": {"m.08": 4, "t.kebencanaan": 3}}


def raw(url: str, text: str) -> httpx.Response:
    """A body as written (JSON with Infinity / NaN, which json.dumps would refuse)."""
    return httpx.post(f"{url}/v1/rankings", content=text.encode(), headers={"content-type": "application/json"},
                      timeout=60)




def test_a_declared_oversized_body_is_413(server):
    body = json.dumps({"position_id": POSITION, "units": ["u" * 50] * (MAX_BODY_BYTES // 50)})
    problem = assert_problem(raw(server, body), 413, "body")
    assert str(MAX_BODY_BYTES) in problem["detail"]


def test_a_streamed_oversized_body_is_413(server):
    """No Content-Length (chunked): the bytes are counted as they arrive."""
    def chunks():
        yield b'{"position_id": "p3", "units": ['
        for _ in range(MAX_BODY_BYTES // 10_000 + 1):
            yield b",".join([b'"u1234567"'] * 1_000) + b","
        yield b'"u1"]}'

    response = httpx.post(f"{server}/v1/rankings", content=chunks(), headers={"content-type": "application/json"},
                          timeout=60)
    assert_problem(response, 413, "body")


@pytest.mark.parametrize("body, field, limit", [
    ({"position_id": POSITION, "units": [f"u{i}" for i in range(MAX_FILTER_IDS + 1)]}, "units", MAX_FILTER_IDS),
    ({"position_id": POSITION, "regions": ["r"] * (MAX_FILTER_IDS + 1)}, "regions", MAX_FILTER_IDS),
    ({"vacancy": {**VACANCY, "standards": {f"t.x{i}": 3 for i in range(MAX_STANDARDS + 1)}}},
     "vacancy.standards", MAX_STANDARDS),
    ({"position_id": POSITION, "top_k": MAX_TOP_K + 1}, "top_k", MAX_TOP_K),
])
def test_oversized_lists_are_422_naming_the_limit(server, body, field, limit):
    problem = assert_problem(rank(server, body), 422, field)
    assert str(limit) in problem["detail"]


def test_a_long_id_is_refused_not_echoed(server):
    problem = assert_problem(rank(server, {"position_id": "x" * 300_000}), 422, "position_id")
    assert str(MAX_ID_LENGTH) in problem["detail"] and len(json.dumps(problem)) < 1_000


@pytest.mark.parametrize("text, field", [
    ('{"position_id": "p3", "as_of": "9999-12-31"}', "as_of"),
    ('{"position_id": "p3", "as_of": "0001-01-01"}', "as_of"),
    ('{"position_id": "p3", "risk_penalty": Infinity}', "risk_penalty"),
    ('{"position_id": "p3", "risk_penalty": NaN}', "risk_penalty"),
    ('{"position_id": "p3", "max_distance_km": Infinity}', "max_distance_km"),
    ('{"vacancy": %s}' % json.dumps({**VACANCY, "standards": {"m.08": "Infinity"}}).replace('"Infinity"', "Infinity"),
     "vacancy.standards.m.08"),
])
def test_out_of_range_dates_and_non_finite_numbers_are_422(server, text, field):
    assert_problem(raw(server, text), 422, field)


@pytest.mark.parametrize("change, field", [
    ({"position_type": "astronaut"}, "vacancy.position_type"),
    ({"min_grade": "V/z"}, "vacancy.min_grade"),
    ({"min_education": "phd"}, "vacancy.min_education"),
    ({"domain": "Not A Code"}, "vacancy.domain"),
    ({"standards": {"x.99": 3}}, "vacancy.standards"),
    ({"standards": {"m.08": 9}}, "vacancy.standards.m.08"),
    ({"standards": {"m.08": 0}}, "vacancy.standards.m.08"),
])
def test_an_impossible_vacancy_is_422_naming_the_field(server, change, field):
    assert_problem(rank(server, {"vacancy": {**VACANCY, **change}}), 422, field)


def test_grades_are_accepted_in_both_spellings(server):
    upper = rank(server, {"as_of": "2021-01-01", "vacancy": {**VACANCY, "min_grade": "III/b"}})
    lower = rank(server, {"as_of": "2021-01-01", "vacancy": {**VACANCY, "min_grade": "iii/b"}})
    assert upper.status_code == lower.status_code == 200, lower.text
    assert [c["employee_id"] for c in upper.json()["candidates"]] == [c["employee_id"] for c in lower.json()["candidates"]]
    assert upper.json()["candidates"], "the comparison needs somebody ranked"
