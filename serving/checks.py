"""The rules a ranking request must follow, for every door: Python, CLI, HTTP and page
callers get the same :class:`RankingError` naming the field."""

import math
import re
from numbers import Integral

import pandas as pd

from features import vocab as v
from serving.errors import RankingError, quoted
from serving.limits import (
    EARLIEST_AS_OF,
    LATEST_AS_OF,
    MAX_FILTER_IDS,
    MAX_ID_LENGTH,
    MAX_STANDARDS,
    MAX_TOP_K,
)
from serving.texts import LANGS

POOL_FIELDS = ("units", "regions", "domains")


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def parse_date(value, field: str = "as_of", day_first: bool = False) -> pd.Timestamp:
    """A calendar day from ``value``: a date/timestamp, or a text ``YYYY-MM-DD`` (ISO 8601).
    Only with ``day_first`` is a text ``DD/MM/YYYY`` (or ``DD-MM-YYYY``, ``DD.MM.YYYY``)
    accepted too, as Indonesian dates are written; ``01/02/2025`` is never guessed to be
    2 January. RankingError naming ``field`` otherwise."""
    if isinstance(value, str):
        text = value.strip()
        day_first_match = DAY_FIRST.fullmatch(text) if day_first else None
        if day_first_match:
            day, month, year = day_first_match.groups()
            text = f"{year}-{int(month):02d}-{int(day):02d}"
        elif not ISO_DAY.fullmatch(text):
            expected = "YYYY-MM-DD or DD/MM/YYYY" if day_first else "YYYY-MM-DD (ISO 8601)"
            raise RankingError(field, f"{field} must be a date {expected}, not {quoted(value)}")
        value = text
    try:
        day = pd.Timestamp(value).normalize()
    except (ValueError, TypeError, OverflowError) as exc:
        raise RankingError(field, f"{field} must be a date YYYY-MM-DD, not {quoted(value)}") from exc
    if day is pd.NaT:
        raise RankingError(field, f"{field} must be a date YYYY-MM-DD, not {quoted(value)}")
    return day


def as_of_date(value, day_first: bool = False) -> pd.Timestamp:
    """``value`` as a day inside [EARLIEST_AS_OF, LATEST_AS_OF]; RankingError otherwise."""
    day = parse_date(value, "as_of", day_first)
    if not EARLIEST_AS_OF <= day.date() <= LATEST_AS_OF:
        raise RankingError("as_of", f"as_of must be between {EARLIEST_AS_OF} and {LATEST_AS_OF}, not {quoted(value)}")
    return day


def finite(field: str, value, low: float | None = None, high: float | None = None,
           low_open: bool = False) -> float:
    """``value`` as a finite float inside the bounds; RankingError naming ``field`` otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise RankingError(field, f"{field} must be a number, not {quoted(value)}") from exc
    too_low = low is not None and (number <= low if low_open else number < low)
    if not math.isfinite(number) or too_low or (high is not None and number > high):
        bounds = f"{'>' if low_open else '>='} {low:g}" if low is not None else ""
        bounds += f"{' and ' if bounds else ''}<= {high:g}" if high is not None else ""
        raise RankingError(field, f"{field} must be a finite number{' ' + bounds if bounds else ''}, "
                                  f"not {quoted(value)}")
    return number


def identifier(field: str, value) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
        raise RankingError(field, f"{field} must be a text of 1 to {MAX_ID_LENGTH} characters, not {quoted(value)}")
    return value


def known_or_none(field: str, value, known, table: str) -> str | None:
    """A filter's id when it is one of ``known`` (an id of ``table``); None or '' = no filter.
    RankingError naming ``field`` otherwise (the ids are too many to list, unlike :func:`one_of`)."""
    if value is None or value == "":
        return None
    if value not in known:
        raise RankingError(field, f"unknown {field} {quoted(value)} ({table} has no such id)")
    return value


def one_of(field: str, value, allowed) -> str:
    if value not in allowed:
        raise RankingError(field, f"{field} must be one of {', '.join(map(str, allowed))}; not {quoted(value)}")
    return value


def matches(field: str, value, pattern: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_ID_LENGTH or not re.fullmatch(pattern, value):
        raise RankingError(field, f"{field} must match {pattern}, not {quoted(value)}")
    return value


def check_options(options) -> None:
    """top_k, language, pool filters and score policy of :class:`RankingOptions`."""
    top_k = options.top_k
    if isinstance(top_k, bool) or not isinstance(top_k, Integral) or not 1 <= top_k <= MAX_TOP_K:
        raise RankingError("top_k", f"top_k must be between 1 and {MAX_TOP_K}, not {quoted(top_k)}")
    one_of("lang", options.lang, LANGS)
    for name in POOL_FIELDS:
        ids = getattr(options.pool, name)
        if ids is not None and len(ids) > MAX_FILTER_IDS:
            raise RankingError(name, f"{name} may list at most {MAX_FILTER_IDS} ids, not {len(ids)}")
        for i, value in enumerate(ids or ()):
            identifier(f"{name}.{i}", value)
    if options.pool.max_distance_km is not None:
        finite("max_distance_km", options.pool.max_distance_km, low=0, low_open=True)
    finite("risk_penalty", options.policy.risk_penalty, low=0)


MAX_REQUIRED_FIELDS = 10


def required_fields(name: str, value) -> str | None:
    """';'-separated education field codes (at most :data:`MAX_REQUIRED_FIELDS`), or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise RankingError(name, f"{name} must be ';'-separated education fields, not {quoted(value)}")
    fields = [f.strip() for f in value.split(";") if f.strip()]
    if len(fields) > MAX_REQUIRED_FIELDS:
        raise RankingError(name, f"{name} may name at most {MAX_REQUIRED_FIELDS} fields, not {len(fields)}")
    return ";".join(matches(name, f, v.OPEN_CODE_PATTERN) for f in fields)


def check_vacancy(vacancy) -> dict:
    """The checked fields of an ad-hoc :class:`Vacancy` (grade spelled canonically)."""
    field = "vacancy.{}".format
    standards = vacancy.standards
    if not isinstance(standards, dict) or not 1 <= len(standards) <= MAX_STANDARDS:
        size = len(standards) if isinstance(standards, dict) else quoted(standards)
        raise RankingError(field("standards"), f"vacancy.standards must map 1 to {MAX_STANDARDS} "
                                               f"competency codes to levels, not {size}")
    checked = {matches(field("standards"), code, v.COMPETENCY_CODE_PATTERN):
               finite(field(f"standards.{code}"), level, v.MIN_LEVEL, v.MAX_LEVEL) for code, level in standards.items()}
    grade = v.GRADE_CANONICAL.get(vacancy.min_grade) if isinstance(vacancy.min_grade, str) else None
    if grade is None:
        one_of(field("min_grade"), vacancy.min_grade, v.GRADES)
    if vacancy.functional_level is not None:
        one_of(field("functional_level"), vacancy.functional_level, v.FUNCTIONAL_LEVELS)
    return {"required_fields": required_fields(field("required_fields"), vacancy.required_fields),
            "position_id": identifier(field("position_id"), vacancy.position_id),
            "unit_id": identifier(field("unit_id"), vacancy.unit_id),
            "position_type": one_of(field("position_type"), vacancy.position_type, v.POSITION_TYPES),
            "domain": matches(field("domain"), vacancy.domain, v.OPEN_CODE_PATTERN),
            "job_class": finite(field("job_class"), vacancy.job_class, v.MIN_JOB_CLASS, v.MAX_JOB_CLASS),
            "standards": checked, "min_grade": grade,
            "min_education": one_of(field("min_education"), vacancy.min_education, v.EDUCATION_LEVELS)}
