"""What the HTTP door answers to one ranking request, without HTTP: the request checked,
ranked and recorded (:func:`serving.service.rank_and_record`), and the excluded list sent
only when asked, one page at a time (:mod:`serving.excluded`). ``POST /v1/rankings`` and
each item of ``POST /v1/rankings:batch`` go through :func:`answer_ranking`."""

from collections.abc import Mapping

from serving.excluded import ExcludedQuery, excluded_slice
from serving.requests import RankingRequest, ranking_call
from serving.result import ExcludedPage, Ranking
from serving.security import Caller
from serving.service import AppState, rank_and_record


def with_excluded_page(ranking: Ranking, query: ExcludedQuery | None,
                       names: Mapping[str, str] | None = None) -> Ranking:
    """``ranking`` as sent: without the excluded list (only ``n_excluded``) when ``query``
    is None, else with the page it asks for and ``excluded_page`` (``total``: the rows
    matching the query over all pages). ``names`` lets the search find people by name."""
    everyone = ranking.excluded or []
    if query is None:
        return ranking.model_copy(update={"excluded": None, "excluded_page": None, "n_excluded": len(everyone)})
    page = excluded_slice(everyone, query, names)
    return ranking.model_copy(update={
        "excluded": page.rows, "n_excluded": len(everyone),
        "excluded_page": ExcludedPage(offset=page.offset, limit=page.limit, total=page.matching)})


def answer_ranking(state: AppState, body: RankingRequest, who: Caller) -> Ranking:
    """The ranking document a request gets (RankingError, NoChampionError), recorded in the
    audit log under the caller's identity."""
    call = ranking_call(body)
    ranking = rank_and_record(state, call, who, body.model_dump(mode="json"))
    searching = call.excluded is not None and call.excluded.text.strip()
    return with_excluded_page(ranking, call.excluded, state.context.display_names if searching else None)
