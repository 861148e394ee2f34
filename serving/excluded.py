"""The excluded list of a ranking, searched, grouped by reason and paged (thousands of
rows: the HTTP door and the reviewer page show one page at a time).

Pure functions over the ranking document's ``excluded`` entries (``employee_id`` and
reason codes). Leavers and non-ASN (:data:`COUNTED_ONLY`) are counted on the page, not
listed: they were never candidates for anything.

:func:`eligibility_excluded` recomputes a post's excluded employees at a date by the
eligibility rules alone (no model, no scoring): the reviewer page pages through them
without holding thousands of rows in the ranking it shows.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from features import columns as c
from features.candidates import DEFAULT_RULES, CandidatePool, candidate_pool
from features.eligibility import EXITED, NOT_PNS, EligibilityRules
from serving.context import ServingContext
from serving.errors import RankingError, quoted
from serving.limits import DEFAULT_EXCLUDED_PAGE, MAX_EXCLUDED_PAGE, MAX_QUERY_LENGTH
from serving.result import Excluded

COUNTED_ONLY = (EXITED, NOT_PNS)


@dataclass(frozen=True)
class ExcludedQuery:
    """Which excluded employees to show: words to find (in id or name), one reason code,
    and the page (``offset``, ``limit``)."""

    text: str = ""
    reason: str | None = None
    offset: int = 0
    limit: int = DEFAULT_EXCLUDED_PAGE
    hide: tuple[str, ...] = ()          # reason codes counted but never listed

    def __post_init__(self):
        if not isinstance(self.text, str) or len(self.text) > MAX_QUERY_LENGTH:
            raise RankingError("excluded_search", f"excluded_search must be a text of at most {MAX_QUERY_LENGTH} "
                                                  f"characters, not {quoted(self.text)}")
        if isinstance(self.offset, bool) or not isinstance(self.offset, int) or self.offset < 0:
            raise RankingError("excluded_offset", f"excluded_offset must be a whole number >= 0, not "
                                                  f"{quoted(self.offset)}")
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or not 1 <= self.limit <= MAX_EXCLUDED_PAGE:
            raise RankingError("excluded_limit", f"excluded_limit must be between 1 and {MAX_EXCLUDED_PAGE}, not "
                                                 f"{quoted(self.limit)}")


@dataclass(frozen=True)
class ExcludedSlice:
    """One page of the excluded list and the counts around it."""

    rows: list[dict]                    # the page: {"employee_id", "reasons"}
    matching: int                       # rows matching the query (all pages, hidden ones left out)
    total: int                          # every excluded employee
    by_reason: dict[str, int]           # employees per reason code, over every excluded employee
    hidden: dict[str, int]              # employees counted but not listed, per hidden code
    offset: int
    limit: int
    listed_by_reason: dict[str, int] = field(default_factory=dict)  # per reason code, over those listable


def reason_counts(excluded: Sequence[Mapping]) -> dict[str, int]:
    """Employees per reason code, largest first (one employee may count under several)."""
    counts = Counter(code for item in excluded for code in item["reasons"])
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _matches(item: Mapping, words: list[str], names: Mapping[str, str]) -> bool:
    if not words:
        return True
    text = f"{item['employee_id']} {names.get(item['employee_id'], '')}".casefold()
    return all(word in text for word in words)


def excluded_slice(excluded: Sequence[Mapping], query: ExcludedQuery = ExcludedQuery(),
                   names: Mapping[str, str] | None = None) -> ExcludedSlice:
    """The page of ``excluded`` that ``query`` asks for; ``names`` (employee id -> display
    name) lets the search find people by name. An employee with a hidden code is counted
    under it and never listed, whatever their other reasons."""
    names = names or {}
    words = query.text.casefold().split()
    hidden = Counter()
    listed = Counter()
    kept = []
    for item in excluded:
        codes = item["reasons"]
        hide = [code for code in codes if code in query.hide]
        if hide:
            hidden[hide[0]] += 1
            continue
        listed.update(codes)
        if query.reason is not None and query.reason not in codes:
            continue
        if _matches(item, words, names):
            kept.append(item)
    rows = [{"employee_id": item["employee_id"], "reasons": list(item["reasons"])}
            for item in kept[query.offset: query.offset + query.limit]]
    return ExcludedSlice(rows=rows, matching=len(kept), total=len(excluded), by_reason=reason_counts(excluded),
                         hidden=dict(hidden), offset=query.offset, limit=query.limit,
                         listed_by_reason=dict(sorted(listed.items(), key=lambda kv: (-kv[1], kv[0]))))


def eligibility_excluded(context: ServingContext, position_id: str, when: pd.Timestamp,
                         rules: EligibilityRules = DEFAULT_RULES) -> list[Excluded]:
    """Everyone who is not a candidate for ``position_id`` at ``when``, with the reason
    codes, in the order of the ranking document's ``excluded`` (a ranking of that post and
    date without pool filters lists the same). The same pool as
    :func:`serving.ranking.score_pool` builds, and no model is called."""
    if position_id not in context.positions.attributes.index:
        raise RankingError("position_id", f"unknown position_id {quoted(position_id)}")
    when = pd.Timestamp(when).normalize()
    view = context.snapshot_columns(when)
    return excluded_of(candidate_pool(view, context.positions, position_id, rules,
                                      employee_masks=context.employee_masks(when, rules)))


def excluded_of(pool: CandidatePool) -> list[Excluded]:
    """The pool's excluded employees with their reason codes, in snapshot order (the
    ranking document's ``excluded``)."""
    rows = np.flatnonzero(pool.reasons != "")
    codes_of = {joined: joined.split(";") for joined in set(pool.reasons[rows])}
    return [{"employee_id": e, "reasons": codes_of[r]}
            for e, r in zip(pool.view[c.EMPLOYEE_ID][rows].tolist(), pool.reasons[rows].tolist())]


def count_text(n: int, lang: str) -> str:
    """A whole number with thousands grouped: 2.345 (id), 2,345 (en)."""
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "id" else text
