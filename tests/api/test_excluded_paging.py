"""The excluded list over HTTP: absent unless asked (only its size), then one page at a
time, filtered by reason or searched by id and name — over a real server."""

import pytest

from serving.limits import DEFAULT_EXCLUDED_PAGE, MAX_EXCLUDED_PAGE

from api_helpers import POSITION, assert_problem, rank

pytestmark = pytest.mark.api

ASKED = {"position_id": POSITION, "as_of": "2021-01-01", "top_k": 2}


def page(url: str, **query) -> dict:
    response = rank(url, {**ASKED, "include_excluded": True, **query})
    assert response.status_code == 200, response.text
    return response.json()


def test_without_asking_only_the_number_of_excluded_is_sent(server):
    doc = rank(server, ASKED).json()
    assert doc["excluded"] is None and doc["excluded_page"] is None
    assert doc["n_excluded"] == page(server, excluded_limit=MAX_EXCLUDED_PAGE)["excluded_page"]["total"] > 0


def test_pages_cover_the_list_once_in_order(server):
    everyone = page(server, excluded_limit=MAX_EXCLUDED_PAGE)["excluded"]
    assert len(everyone) > 3, "paging needs a few excluded employees"
    size, seen = 3, []
    for offset in range(0, len(everyone), size):
        doc = page(server, excluded_offset=offset, excluded_limit=size)
        assert doc["excluded_page"] == {"offset": offset, "limit": size, "total": len(everyone)}
        assert len(doc["excluded"]) <= size
        seen += doc["excluded"]
    assert seen == everyone
    assert page(server)["excluded_page"]["limit"] == DEFAULT_EXCLUDED_PAGE


def test_a_reason_filters_the_list(server):
    everyone = page(server, excluded_limit=MAX_EXCLUDED_PAGE)["excluded"]
    code = everyone[-1]["reasons"][-1]
    expected = [e for e in everyone if code in e["reasons"]]
    doc = page(server, excluded_reason=code, excluded_limit=MAX_EXCLUDED_PAGE)
    assert doc["excluded"] == expected and doc["excluded_page"]["total"] == len(expected) < len(everyone)


def test_search_finds_by_id_and_by_display_name(server):
    everyone = page(server, excluded_limit=MAX_EXCLUDED_PAGE)["excluded"]
    target = everyone[len(everyone) // 2]["employee_id"]
    by_id = page(server, excluded_search=target.upper())
    assert target in [e["employee_id"] for e in by_id["excluded"]]
    assert by_id["excluded_page"]["total"] < len(everyone)
    # the cloned tiny dataset names employee e2-k "Budi Santoso k" (60 copies: "57" is one of them)
    by_name = page(server, excluded_search="budi SANTOSO 57")
    assert [e["employee_id"] for e in by_name["excluded"]] == ["e2-57"]


@pytest.mark.parametrize("query, field", [
    ({"excluded_limit": MAX_EXCLUDED_PAGE + 1}, "excluded_limit"),
    ({"excluded_limit": 0}, "excluded_limit"),
    ({"excluded_offset": -1}, "excluded_offset"),
    ({"excluded_reason": "Not A Code"}, "excluded_reason"),
    ({"include_excluded": "yes"}, "include_excluded"),
])
def test_bad_paging_is_422_naming_the_field(server, query, field):
    assert_problem(rank(server, {**ASKED, "include_excluded": True, **query}), 422, field)
