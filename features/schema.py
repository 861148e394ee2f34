"""Declarative specification of the contract tables.

One :class:`TableSpec` per table says its key, its columns (kind, vocabulary, range,
optional or not) and the ids it refers to. The loader types columns from it and the
validator derives its checks from it, so the contract is written down once.
"""

from dataclasses import dataclass
from enum import Enum

from features import columns as c
from features import vocab as v


class Kind(str, Enum):
    ID = "id"            # pseudonymous identifier, any non-empty string
    DATE = "date"        # ISO YYYY-MM-DD
    CODE = "code"        # closed vocabulary
    OPEN_CODE = "open"   # open vocabulary: lowercase [a-z0-9_]
    TEXT = "text"        # free text
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    CODE_LIST = "codes"  # ';'-separated codes, each matching the column's pattern


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: Kind
    optional: bool = False
    vocabulary: tuple[str, ...] | None = None
    pattern: str | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    target: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    references: tuple[ForeignKey, ...] = ()
    # (start column, end column) pairs where end must not precede start
    intervals: tuple[tuple[str, str], ...] = ()
    required: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)


def _id(name: str, optional: bool = False) -> ColumnSpec:
    return ColumnSpec(name, Kind.ID, optional)


def _date(name: str, optional: bool = False) -> ColumnSpec:
    return ColumnSpec(name, Kind.DATE, optional)


def _code(name: str, vocabulary: tuple[str, ...], optional: bool = False) -> ColumnSpec:
    return ColumnSpec(name, Kind.CODE, optional, vocabulary=vocabulary)


def _open(name: str, optional: bool = False) -> ColumnSpec:
    return ColumnSpec(name, Kind.OPEN_CODE, optional, pattern=v.OPEN_CODE_PATTERN)


def _competency(name: str) -> ColumnSpec:
    return ColumnSpec(name, Kind.OPEN_CODE, pattern=v.COMPETENCY_CODE_PATTERN)


def _fk(column: str, table: str, target: str | None = None) -> ForeignKey:
    return ForeignKey(column, table, target or column)


_EMPLOYEE_FK = _fk(c.EMPLOYEE_ID, c.EMPLOYEES)

SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(c.EMPLOYEES, (c.EMPLOYEE_ID,), (
            _id(c.EMPLOYEE_ID), _date(c.BIRTH_DATE), _code(c.GENDER, v.GENDERS),
            _code(c.EMPLOYMENT_STATUS, v.EMPLOYMENT_STATUSES), _date(c.CPNS_DATE),
            _id(c.HOME_REGION_ID, optional=True),
            ColumnSpec(c.RETIREMENT_AGE, Kind.INT, optional=True, low=40, high=75),
            ColumnSpec(c.DISPLAY_NAME, Kind.TEXT, optional=True),
        ), references=(_fk(c.HOME_REGION_ID, c.REGIONS, c.REGION_ID),)),
        TableSpec(c.EXITS, (c.EMPLOYEE_ID,), (
            _id(c.EMPLOYEE_ID), _date(c.EXIT_DATE), _code(c.REASON, v.EXIT_REASONS),
        ), references=(_EMPLOYEE_FK,), required=False),
        TableSpec(c.REGIONS, (c.REGION_ID,), (
            _id(c.REGION_ID), ColumnSpec(c.NAME, Kind.TEXT),
            ColumnSpec(c.LATITUDE, Kind.FLOAT, low=-90, high=90),
            ColumnSpec(c.LONGITUDE, Kind.FLOAT, low=-180, high=180),
            ColumnSpec(c.REMOTE, Kind.BOOL),
        )),
        TableSpec(c.UNITS, (c.UNIT_ID,), (
            _id(c.UNIT_ID), ColumnSpec(c.NAME, Kind.TEXT), _id(c.PARENT_UNIT_ID, optional=True),
            _id(c.REGION_ID), _open(c.DOMAIN),
        ), references=(_fk(c.PARENT_UNIT_ID, c.UNITS, c.UNIT_ID), _fk(c.REGION_ID, c.REGIONS))),
        TableSpec(c.POSITIONS, (c.POSITION_ID,), (
            _id(c.POSITION_ID), _id(c.UNIT_ID), ColumnSpec(c.TITLE, Kind.TEXT),
            _code(c.POSITION_TYPE, v.POSITION_TYPES),
            _code(c.FUNCTIONAL_LEVEL, v.FUNCTIONAL_LEVELS, optional=True),
            ColumnSpec(c.JOB_CLASS, Kind.INT, low=v.MIN_JOB_CLASS, high=v.MAX_JOB_CLASS), _open(c.DOMAIN),
            _code(c.MIN_GRADE, v.GRADES), _code(c.MIN_EDUCATION, v.EDUCATION_LEVELS),
            ColumnSpec(c.REQUIRED_FIELDS, Kind.CODE_LIST, optional=True, pattern=v.OPEN_CODE_PATTERN),
            ColumnSpec(c.STRATEGIC, Kind.BOOL, optional=True),
        ), references=(_fk(c.UNIT_ID, c.UNITS),)),
        TableSpec(c.POSITION_COMPETENCIES, (c.POSITION_ID, c.COMPETENCY_CODE), (
            _id(c.POSITION_ID), _competency(c.COMPETENCY_CODE),
            ColumnSpec(c.REQUIRED_LEVEL, Kind.INT, low=v.MIN_LEVEL, high=v.MAX_LEVEL),
        ), references=(_fk(c.POSITION_ID, c.POSITIONS),)),
        TableSpec(c.ASSIGNMENTS, (c.EMPLOYEE_ID, c.START_DATE), (
            _id(c.EMPLOYEE_ID), _date(c.START_DATE), _id(c.POSITION_ID),
            _date(c.END_DATE, optional=True), _code(c.MOVE_TYPE, v.MOVE_TYPES),
        ), references=(_EMPLOYEE_FK, _fk(c.POSITION_ID, c.POSITIONS)),
            intervals=((c.START_DATE, c.END_DATE),)),
        TableSpec(c.GRADES, (c.EMPLOYEE_ID, c.EFFECTIVE_DATE), (
            _id(c.EMPLOYEE_ID), _date(c.EFFECTIVE_DATE), _code(c.GRADE, v.GRADES),
        ), references=(_EMPLOYEE_FK,)),
        TableSpec(c.EDUCATION, (c.EMPLOYEE_ID, c.LEVEL), (
            _id(c.EMPLOYEE_ID), _code(c.LEVEL, v.EDUCATION_LEVELS), _open(c.FIELD),
            _date(c.GRADUATION_DATE),
        ), references=(_EMPLOYEE_FK,)),
        TableSpec(c.APPRAISALS, (c.EMPLOYEE_ID, c.PERIOD_END), (
            _id(c.EMPLOYEE_ID), _date(c.PERIOD_END), _date(c.PERIOD_START),
            _code(c.RATING, v.RATINGS), _code(c.WORK_RESULT, v.EXPECTATIONS, optional=True),
            _code(c.WORK_BEHAVIOR, v.EXPECTATIONS, optional=True),
        ), references=(_EMPLOYEE_FK,), intervals=((c.PERIOD_START, c.PERIOD_END),)),
        TableSpec(c.COMPETENCY_ASSESSMENTS, (c.EMPLOYEE_ID, c.ASSESSED_DATE, c.COMPETENCY_CODE), (
            _id(c.EMPLOYEE_ID), _date(c.ASSESSED_DATE), _competency(c.COMPETENCY_CODE),
            ColumnSpec(c.LEVEL, Kind.FLOAT, low=v.MIN_LEVEL, high=v.MAX_LEVEL),
        ), references=(_EMPLOYEE_FK,)),
        TableSpec(c.TRAININGS, (c.EMPLOYEE_ID, c.END_DATE, c.TRAINING_CODE), (
            _id(c.EMPLOYEE_ID), _date(c.END_DATE), _id(c.TRAINING_CODE),
            ColumnSpec(c.HOURS, Kind.FLOAT, low=0, high=2000),
        ), references=(_EMPLOYEE_FK, _fk(c.TRAINING_CODE, c.TRAINING_CATALOG))),
        TableSpec(c.TRAINING_CATALOG, (c.TRAINING_CODE,), (
            _id(c.TRAINING_CODE), ColumnSpec(c.NAME, Kind.TEXT),
            _code(c.CATEGORY, v.TRAINING_CATEGORIES), _open(c.DOMAIN, optional=True),
            ColumnSpec(c.COMPETENCY_CODES, Kind.CODE_LIST, pattern=v.COMPETENCY_CODE_PATTERN),
            ColumnSpec(c.HOURS, Kind.FLOAT, low=0, high=2000),
        ), required=False),
        TableSpec(c.DISCIPLINE, (c.EMPLOYEE_ID, c.START_DATE), (
            _id(c.EMPLOYEE_ID), _date(c.START_DATE), _code(c.LEVEL, v.SANCTION_LEVELS),
            _date(c.END_DATE),
        ), references=(_EMPLOYEE_FK,), intervals=((c.START_DATE, c.END_DATE),)),
        TableSpec(c.PREFERENCES, (c.EMPLOYEE_ID, c.STATED_DATE), (
            _id(c.EMPLOYEE_ID), _date(c.STATED_DATE), _open(c.PREFERRED_DOMAIN, optional=True),
            _id(c.PREFERRED_REGION_ID, optional=True), ColumnSpec(c.WILLING_TO_RELOCATE, Kind.BOOL),
        ), references=(_EMPLOYEE_FK, _fk(c.PREFERRED_REGION_ID, c.REGIONS, c.REGION_ID)),
            required=False),
        TableSpec(c.STATUS_PERIODS, (c.EMPLOYEE_ID, c.START_DATE, c.KIND), (
            _id(c.EMPLOYEE_ID), _date(c.START_DATE), _code(c.KIND, v.STATUS_KINDS),
            _date(c.END_DATE, optional=True),
        ), references=(_EMPLOYEE_FK,), intervals=((c.START_DATE, c.END_DATE),), required=False),
        TableSpec(c.SURVEYS, (c.EMPLOYEE_ID, c.SURVEY_DATE), (
            _id(c.EMPLOYEE_ID), _date(c.SURVEY_DATE),
            ColumnSpec(c.SATISFACTION, Kind.INT, low=v.MIN_SATISFACTION, high=v.MAX_SATISFACTION),
            ColumnSpec(c.WANTS_TO_STAY, Kind.BOOL, optional=True), ColumnSpec(c.COMMENT, Kind.TEXT, optional=True),
        ), references=(_EMPLOYEE_FK,), required=False),
        TableSpec(c.SERVICE_INDICATORS, (c.UNIT_ID, c.PERIOD_END, c.INDICATOR), (
            _id(c.UNIT_ID), _date(c.PERIOD_END), _open(c.INDICATOR), ColumnSpec(c.VALUE, Kind.FLOAT),
            ColumnSpec(c.HIGHER_IS_BETTER, Kind.BOOL),
        ), references=(_fk(c.UNIT_ID, c.UNITS),), required=False),
    )
}

assert tuple(SPECS) == c.TABLES, "SPECS must list every contract table in contract order"
assert {s.name for s in SPECS.values() if not s.required} == set(c.OPTIONAL_TABLES)


TRUE_STRINGS = frozenset({"true", "t", "1", "yes", "y", "ya"})
FALSE_STRINGS = frozenset({"false", "f", "0", "no", "n", "tidak"})
