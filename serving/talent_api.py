"""The talent map and succession lists for HR tools (``GET /v1/talent``,
``GET /v1/succession/{position_id}``): typed answers, one page of people at a time.

The map itself is :func:`serving.talent.talent_map`, a list :func:`serving.succession.succession_list`;
this module only pages and types them, so the HTTP handlers stay thin.
"""

from typing import Any

from pydantic import BaseModel, Field

from features.eligibility import DEFAULT_RULES, EligibilityRules
from serving import talent as t
from serving.champion import ChampionCache, NoChampionError
from serving.context import ServingContext
from serving.errors import RankingError

TALENT_PAGE = 100                # people per page by default
MAX_TALENT_PAGE = 1000           # … and at most


class TalentPage(BaseModel):
    """The 9-box counts, the talent pools and one page of the people on the map."""

    as_of: str
    rules: str = Field(description="the rule pack in force, name@version")
    unit: str | None = None
    domain: str | None = None
    box: int | None = Field(None, description="only the people of this box (1-9), when given")
    pool_boxes: list[int]
    counts: dict[str, int] = Field(description="employees per box, '1' … '9'")
    unplaced: dict[str, int] = Field(description="employees on the map in no box, per reason")
    pools: dict[str, int] = Field(description="talent pool size per job family")
    n_people: int = Field(description="people matching the filters (the page is a slice of them)")
    offset: int
    limit: int
    people: list[dict[str, Any]] = Field(description="each person's box, both axes' levels and their inputs")


def talent_page(context: ServingContext, as_of=None, rules: EligibilityRules = DEFAULT_RULES,
                unit: str | None = None, domain: str | None = None, box: int | None = None,
                offset: int = 0, limit: int = TALENT_PAGE) -> TalentPage:
    """One page of the talent map (RankingError names ``box``, ``offset`` or ``limit``, and
    :func:`serving.talent.talent_map` the date and filters)."""
    if box is not None and box not in t.BOXES:
        raise RankingError("box", f"box must be 1 to 9, not {box!r}")
    if offset < 0:
        raise RankingError("offset", f"offset must be 0 or more, not {offset}")
    if not 1 <= limit <= MAX_TALENT_PAGE:
        raise RankingError("limit", f"limit must be 1 to {MAX_TALENT_PAGE}, not {limit}")
    tmap = t.talent_map(context, as_of, rules, unit, domain)
    people = tmap.people if box is None else tmap.in_box(box)
    document = tmap.to_document()
    return TalentPage(as_of=document["as_of"], rules=tmap.rules, unit=tmap.unit, domain=tmap.domain, box=box,
                      pool_boxes=document["pool_boxes"], counts=document["counts"], unplaced=document["unplaced"],
                      pools=document["pools"], n_people=len(people), offset=offset, limit=limit,
                      people=tmap.records(people.iloc[offset:offset + limit]))


def served_or_none(champion: ChampionCache):
    """The served model, or None when no champion is registered (succession lists then name
    catalog trainings without a risk estimate)."""
    try:
        return champion.get()
    except NoChampionError:
        return None
