"""Nonsense is refused, not ranked: ad-hoc vacancies against the vocabularies, one of
position_id or vacancy, known units in filters, dates only as YYYY-MM-DD, and a warning
(not a refusal) for a date outside the data's window — over a real server."""

import pytest

from api_helpers import POSITION, assert_problem, rank

pytestmark = pytest.mark.api

VACANCY = {"position_id": "darurat-1", "unit_id": "u2", "position_type": "pengawas", "domain": "kebencanaan",
           "job_class": 9, "standards": {"m.08": 4}}


@pytest.mark.parametrize("change, field", [          # the examples, each naming its field
    ({"position_type": "boss"}, "vacancy.position_type"),
    ({"domain": "Money!"}, "vacancy.domain"),
    ({"domain": "money management"}, "vacancy.domain"),
    ({"standards": {"zz.9": 3}}, "vacancy.standards"),
    ({"standards": {"m.08": 9}}, "vacancy.standards.m.08"),
])
def test_a_vacancy_outside_the_vocabularies_is_422_naming_the_field(server, change, field):
    problem = assert_problem(rank(server, {"vacancy": {**VACANCY, **change}}), 422, field)
    assert "candidates" not in problem


def test_an_open_vocabulary_takes_any_code_of_the_pattern(server):
    """domain is open (a new field of work is a new code), checked by pattern only."""
    response = rank(server, {"as_of": "2021-01-01", "vacancy": {**VACANCY, "domain": "pemadam_kebakaran"}})
    assert response.status_code == 200, response.text


def test_position_id_and_vacancy_together_is_422_not_a_silent_choice(server):
    problem = assert_problem(rank(server, {"position_id": POSITION, "vacancy": VACANCY}), 422, "position_id")
    assert "vacancy" in problem["detail"]


@pytest.mark.parametrize("body, field", [
    ({"units": ["u-nowhere"]}, "units.0"),
    ({"units": ["u1", "u-nowhere"]}, "units.1"),
])
def test_an_unknown_unit_in_a_filter_is_422_like_an_unknown_vacancy_unit(server, body, field):
    problem = assert_problem(rank(server, {"position_id": POSITION, **body}), 422, field)
    assert "u-nowhere" in problem["detail"]


@pytest.mark.parametrize("as_of", [20210101, "01/02/2021", "2021/01/02", "2021-01-02T00:00:00", "2 Jan 2021", True])
def test_as_of_is_only_an_iso_date(server, as_of):
    problem = assert_problem(rank(server, {"position_id": POSITION, "as_of": as_of}), 422, "as_of")
    assert "YYYY-MM-DD" in problem["detail"]


def test_an_iso_date_is_read_as_written(server):
    doc = rank(server, {"position_id": POSITION, "as_of": "2021-02-01", "top_k": 1}).json()
    assert doc["as_of"] == "2021-02-01"


def test_a_date_outside_the_data_window_is_served_with_a_notice(server):
    inside = rank(server, {"position_id": POSITION, "as_of": "2021-01-01", "top_k": 1})
    after = rank(server, {"position_id": POSITION, "as_of": "2150-01-01", "top_k": 1})
    assert inside.status_code == after.status_code == 200, after.text
    assert inside.json()["notices"] == []
    notices = after.json()["notices"]
    assert notices and notices[0]["field"] == "as_of" and "2150-01-01" in notices[0]["message"]
