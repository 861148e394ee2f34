"""Employee snapshot as of a date: what was known about each employee before t.

``build_snapshot(sources, query)`` runs small named steps, each a pure function of the
prepared :class:`Sources` and the :class:`~features.asof.AsOfQuery`, and concatenates
their columns. :func:`prepare_sources` derives the per-dataset tables once, so serving
can take many snapshots of one dataset cheaply.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.asof import (
    AsOfQuery,
    latest_before,
    sum_before,
    years_between,
)
from features.io import DATE_DTYPE, Dataset
from features.names import AS_OF
from features.timeline import LAST_DAY, ONE_DAY, stints

# --- snapshot column names ------------------------------------------------------------------
CURRENT_POSITION_ID = "current_position_id"
CURRENT_POST_START = "current_post_start"
CURRENT_POSITION_TYPE = "current_position_type"
CURRENT_JOB_CLASS = "current_job_class"
CURRENT_DOMAIN = "current_domain"
CURRENT_REGION_ID = "current_region_id"
TENURE_IN_POST = "tenure_in_post_years"
EXITED = "exited"
SERVICE_YEARS = "service_years"
RETIREMENT_DATE = "retirement_date"          # from birth date: eligibility only, never a feature
GRADE_RANK = "grade_rank"
YEARS_IN_GRADE = "years_in_grade"
EDUCATION_RANK = "education_rank"
EDUCATION_FIELD = "education_field"
EDUCATION_FIELDS = "education_fields"        # ';'-joined fields of every degree: eligibility only
LAST_SCORE = "last_score"
PREV_SCORE = "prev_score"
MEAN_SCORE_3 = "mean_score_3"
SCORE_TREND = "score_trend"
N_APPRAISALS = "n_appraisals"
LAST_WORK_RESULT = "last_work_result"
LAST_WORK_BEHAVIOR = "last_work_behavior"
MEAN_WORK_BEHAVIOR_3 = "mean_work_behavior_3"
YEARS_SINCE_ASSESSMENT = "years_since_assessment"
TRAINING_HOURS_TOTAL = "training_hours_total"
TRAINING_HOURS_3Y = "training_hours_3y"
LEADERSHIP_HOURS = "leadership_hours"
N_SANCTIONS = "n_sanctions"
ACTIVE_SANCTION = "active_sanction"
SERIOUS_SANCTION_DAYS_AGO = "serious_sanction_days_ago"
N_MOVES = "n_moves"
N_DOMAINS_SERVED = "n_domains_served"
EVER_MANAGERIAL = "ever_managerial"
PREFERRED_DOMAIN = "preferred_domain"
PREFERRED_REGION_ID = "preferred_region_id"
WILLING_TO_RELOCATE = "willing_to_relocate"
HAS_PREFERENCE = "has_preference"

RECENT_YEARS = 3
RECENT_DAYS = RECENT_YEARS * v.DAYS_PER_YEAR


def level_column(code: str) -> str:
    """Snapshot column with the latest assessed level of competency ``code``."""
    return f"level_{code}"


def code_hours_column(code: str) -> str:
    """Training hours of the last 3 years that develop competency ``code``."""
    return f"code_hours_3y_{code}"


def domain_hours_column(domain: str) -> str:
    """Training hours of the last 3 years in ``domain``."""
    return f"domain_hours_3y_{domain}"


def status_column(kind: str) -> str:
    """1.0 while a status period of ``kind`` (e.g. tugas_belajar) is running at t:
    eligibility only, never a feature."""
    return f"status_{kind}"


def domain_years_column(domain: str) -> str:
    """Years served in posts of ``domain``."""
    return f"domain_years_{domain}"


@dataclass(frozen=True)
class Sources:
    """Per-dataset derived tables the snapshot steps read."""

    employees: pd.DataFrame          # indexed by employee_id
    stints: pd.DataFrame             # assignments + last_day + position attributes
    grades: pd.DataFrame
    education: pd.DataFrame          # rows that raise the employee's highest level
    appraisals: pd.DataFrame         # scored, with running statistics
    assessments: pd.DataFrame
    trainings: pd.DataFrame          # with catalog domain, category
    training_codes: pd.DataFrame     # one row per (training record, competency code)
    discipline: pd.DataFrame         # with running max end and serious flag
    preferences: pd.DataFrame
    degrees: pd.DataFrame            # every education record (field, graduation date)
    status_periods: pd.DataFrame
    competency_codes: tuple[str, ...]
    domains: tuple[str, ...]


def prepare_sources(dataset: Dataset) -> Sources:
    """Derive once, per dataset, everything the snapshot steps look up."""
    return Sources(
        employees=_employees(dataset),
        stints=_stints_with_positions(dataset),
        grades=dataset.grades.assign(**{GRADE_RANK: dataset.grades[c.GRADE].map(v.GRADE_RANK)}),
        education=_education_steps(dataset.education),
        appraisals=_scored_appraisals(dataset.appraisals),
        assessments=dataset.competency_assessments,
        trainings=_trainings_with_catalog(dataset),
        training_codes=_training_codes(dataset),
        discipline=_discipline(dataset.discipline),
        preferences=dataset.preferences,
        degrees=dataset.education[[c.EMPLOYEE_ID, c.GRADUATION_DATE, c.FIELD]],
        status_periods=dataset.status_periods,
        competency_codes=_competency_codes(dataset),
        domains=_domains(dataset),
    )


# --- preparation ----------------------------------------------------------------------------


def _employees(dataset: Dataset) -> pd.DataFrame:
    emp = dataset.employees.set_index(c.EMPLOYEE_ID)
    exits = dataset.exits.set_index(c.EMPLOYEE_ID)[c.EXIT_DATE]
    age = emp[c.RETIREMENT_AGE].fillna(v.DEFAULT_RETIREMENT_AGE)
    return pd.DataFrame({
        c.EMPLOYMENT_STATUS: emp[c.EMPLOYMENT_STATUS],
        c.CPNS_DATE: emp[c.CPNS_DATE],
        c.EXIT_DATE: exits.reindex(emp.index).astype(DATE_DTYPE),
        RETIREMENT_DATE: add_years(emp[c.BIRTH_DATE], age),
    })


def add_years(dates: pd.Series, years: pd.Series) -> pd.Series:
    """``dates`` plus whole ``years`` (29 February falls back to 28 February)."""
    parts = pd.DataFrame({"year": dates.dt.year + years, "month": dates.dt.month, "day": dates.dt.day})
    out = pd.to_datetime(parts, errors="coerce")
    leap = out.isna() & dates.notna()
    out[leap] = pd.to_datetime(parts[leap].assign(day=28))
    return out.astype(DATE_DTYPE)


def position_frame(dataset: Dataset) -> pd.DataFrame:
    """Positions with their unit's region, indexed by position_id."""
    units = dataset.units.set_index(c.UNIT_ID)[c.REGION_ID]
    pos = dataset.positions.set_index(c.POSITION_ID)
    return pos.assign(**{c.REGION_ID: pos[c.UNIT_ID].map(units)})


def _stints_with_positions(dataset: Dataset) -> pd.DataFrame:
    pos = position_frame(dataset)
    table = stints(dataset)
    attrs = pos[[c.POSITION_TYPE, c.JOB_CLASS, c.DOMAIN, c.REGION_ID]].reindex(table[c.POSITION_ID])
    return pd.concat([table, attrs.reset_index(drop=True)], axis=1)


def _education_steps(education: pd.DataFrame) -> pd.DataFrame:
    edu = education.assign(**{EDUCATION_RANK: education[c.LEVEL].map(v.EDUCATION_RANK)})
    edu = edu.sort_values([c.EMPLOYEE_ID, c.GRADUATION_DATE, EDUCATION_RANK], kind="stable")
    best_before = edu.groupby(c.EMPLOYEE_ID)[EDUCATION_RANK].cummax().groupby(edu[c.EMPLOYEE_ID]).shift()
    return edu[best_before.isna() | (edu[EDUCATION_RANK] > best_before)]


def _scored_appraisals(appraisals: pd.DataFrame) -> pd.DataFrame:
    app = appraisals.sort_values([c.EMPLOYEE_ID, c.PERIOD_END], kind="stable").reset_index(drop=True)
    score = app[c.RATING].map(v.RATING_SCORE).astype("float64")
    behavior = app[c.WORK_BEHAVIOR].map(v.EXPECTATION_SCORE).astype("float64")
    by = app[c.EMPLOYEE_ID]
    return app.assign(**{
        LAST_SCORE: score,
        PREV_SCORE: score.groupby(by).shift(),
        MEAN_SCORE_3: _mean_of_last(score, by, 3),
        N_APPRAISALS: score.groupby(by).cumcount().astype("float64") + 1,
        LAST_WORK_RESULT: app[c.WORK_RESULT].map(v.EXPECTATION_SCORE).astype("float64"),
        LAST_WORK_BEHAVIOR: behavior,
        MEAN_WORK_BEHAVIOR_3: _mean_of_last(behavior, by, 3),
    })


def _mean_of_last(values: pd.Series, by: pd.Series, n: int) -> np.ndarray:
    """Mean of each row and the up to ``n - 1`` rows before it in its group (rows sorted
    by group and date), ignoring missing values."""
    window = np.column_stack([values.groupby(by).shift(k).to_numpy(dtype="float64") for k in range(n)])
    counts = (~np.isnan(window)).sum(axis=1)
    sums = np.nansum(window, axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _trainings_with_catalog(dataset: Dataset) -> pd.DataFrame:
    cat = dataset.training_catalog.set_index(c.TRAINING_CODE)
    tr = dataset.trainings
    return tr.assign(**{
        c.DOMAIN: tr[c.TRAINING_CODE].map(cat[c.DOMAIN]),
        c.CATEGORY: tr[c.TRAINING_CODE].map(cat[c.CATEGORY]),
    })


def catalog_codes(catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per (training_code, competency_code) of a training catalog."""
    codes = catalog[[c.TRAINING_CODE, c.COMPETENCY_CODES]].assign(
        **{c.COMPETENCY_CODE: catalog[c.COMPETENCY_CODES].fillna("").str.split(";")})
    codes = codes.explode(c.COMPETENCY_CODE)
    codes[c.COMPETENCY_CODE] = codes[c.COMPETENCY_CODE].str.strip()
    return codes[codes[c.COMPETENCY_CODE] != ""][[c.TRAINING_CODE, c.COMPETENCY_CODE]]


def _training_codes(dataset: Dataset) -> pd.DataFrame:
    return dataset.trainings.merge(catalog_codes(dataset.training_catalog), on=c.TRAINING_CODE)


def _discipline(discipline: pd.DataFrame) -> pd.DataFrame:
    dis = discipline.sort_values([c.EMPLOYEE_ID, c.START_DATE], kind="stable").reset_index(drop=True)
    running_end = dis.groupby(c.EMPLOYEE_ID)[c.END_DATE].cummax()
    return dis.assign(_running_end=running_end.astype(DATE_DTYPE), _one=1.0,
                      _serious=dis[c.LEVEL].isin(v.SERIOUS_SANCTION_LEVELS))


def _competency_codes(dataset: Dataset) -> tuple[str, ...]:
    return competency_codes(dataset.position_competencies[c.COMPETENCY_CODE],
                            dataset.competency_assessments[c.COMPETENCY_CODE])


def competency_codes(standard_codes, assessed_codes) -> tuple[str, ...]:
    """Every competency code a snapshot has a level column for: the posts' standards, the
    assessed codes, the managerial ones and the socio-cultural one."""
    codes = distinct(standard_codes) | distinct(assessed_codes)
    codes |= set(v.MANAGERIAL_COMPETENCIES) | {v.SOCIOCULTURAL_COMPETENCY}
    return tuple(sorted(codes))


def distinct(values) -> set:
    """The distinct non-missing values (``set(series)`` walks arrow strings one by one)."""
    return set(pd.Series(values).dropna().unique().tolist())


def _domains(dataset: Dataset) -> tuple[str, ...]:
    found = distinct(dataset.positions[c.DOMAIN]) | distinct(dataset.units[c.DOMAIN])
    found |= distinct(dataset.training_catalog[c.DOMAIN])
    return tuple(sorted(found))


# --- steps ------------------------------------------------------------------------------------

Columns = dict[str, np.ndarray | pd.Series]


def current_post(src: Sources, query: AsOfQuery) -> Columns:
    """The post held just before t and how long it has been held."""
    cols = [c.POSITION_ID, c.START_DATE, LAST_DAY, c.POSITION_TYPE, c.JOB_CLASS, c.DOMAIN, c.REGION_ID]
    post = latest_before(query, src.stints, c.START_DATE, cols)
    ended = post[LAST_DAY].notna() & (post[LAST_DAY].to_numpy() < query.as_of - ONE_DAY)
    post = post.mask(ended)
    return {
        CURRENT_POSITION_ID: post[c.POSITION_ID],
        CURRENT_POST_START: post[c.START_DATE].astype(DATE_DTYPE),
        CURRENT_POSITION_TYPE: post[c.POSITION_TYPE],
        CURRENT_JOB_CLASS: post[c.JOB_CLASS].astype("float64"),
        CURRENT_DOMAIN: post[c.DOMAIN],
        CURRENT_REGION_ID: post[c.REGION_ID],
        TENURE_IN_POST: years_between(query.as_of, post[c.START_DATE].to_numpy()),
    }


def status(src: Sources, query: AsOfQuery) -> Columns:
    """Employment status, service years, exit and retirement dates."""
    emp = src.employees.reindex(query.entities[c.EMPLOYEE_ID])
    exit_date = emp[c.EXIT_DATE].to_numpy()
    return {
        c.EMPLOYMENT_STATUS: emp[c.EMPLOYMENT_STATUS].to_numpy(),
        EXITED: pd.notna(exit_date) & (exit_date < query.as_of),
        SERVICE_YEARS: years_between(query.as_of, emp[c.CPNS_DATE].to_numpy()),
        RETIREMENT_DATE: emp[RETIREMENT_DATE].to_numpy(),
    }


def grade(src: Sources, query: AsOfQuery) -> Columns:
    """Current golongan and the years since it took effect."""
    latest = latest_before(query, src.grades, c.EFFECTIVE_DATE, [GRADE_RANK, c.EFFECTIVE_DATE])
    return {GRADE_RANK: latest[GRADE_RANK].astype("float64"),
            YEARS_IN_GRADE: years_between(query.as_of, latest[c.EFFECTIVE_DATE].to_numpy())}


def education(src: Sources, query: AsOfQuery) -> Columns:
    """Highest education level attained before t and its field."""
    latest = latest_before(query, src.education, c.GRADUATION_DATE, [EDUCATION_RANK, c.FIELD])
    return {EDUCATION_RANK: latest[EDUCATION_RANK].astype("float64"), EDUCATION_FIELD: latest[c.FIELD]}


def degrees(src: Sources, query: AsOfQuery) -> Columns:
    """The fields of every degree obtained before t, ';'-joined in code order (for posts that
    require a field). Each row's fields are a bit mask OR-ed per row, so there is no Python
    loop per employee (a slower string join when the data has over 62 distinct fields)."""
    keys = pd.DataFrame({"_row": np.arange(query.size), c.EMPLOYEE_ID: query.entities[c.EMPLOYEE_ID].to_numpy(),
                         AS_OF: query.as_of})
    joined = keys.merge(src.degrees, on=c.EMPLOYEE_ID)
    joined = joined[(joined[c.GRADUATION_DATE] < joined[AS_OF]) & joined[c.FIELD].notna()]
    out = np.full(query.size, None, dtype=object)
    codes, names = pd.factorize(joined[c.FIELD], sort=True)
    if len(names) > 62:
        fields = joined.groupby("_row")[c.FIELD].agg(lambda f: ";".join(sorted(set(f))))
        out[fields.index.to_numpy(dtype=np.int64)] = fields.to_numpy(dtype=object)
        return {EDUCATION_FIELDS: out}
    rows = joined["_row"].to_numpy(dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    rows, bits = rows[order], np.left_shift(np.int64(1), codes.astype(np.int64))[order]
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        patterns, inverse = np.unique(np.bitwise_or.reduceat(bits, starts), return_inverse=True)
        words = np.array([";".join(name for k, name in enumerate(names) if int(p) >> k & 1) for p in patterns],
                         dtype=object)
        out[rows[starts]] = words[inverse]
    return {EDUCATION_FIELDS: out}


def status_periods(src: Sources, query: AsOfQuery) -> Columns:
    """Whether a period of each status kind runs at t: started before t, not ended before t."""
    out: Columns = {}
    for kind in v.STATUS_KINDS:
        rows = src.status_periods[src.status_periods[c.KIND] == kind]
        latest = latest_before(query, rows, c.START_DATE, [c.START_DATE, c.END_DATE])
        end = latest[c.END_DATE].to_numpy().astype(DATE_DTYPE)
        running = latest[c.START_DATE].notna().to_numpy() & (np.isnat(end) | (end >= query.as_of))
        out[status_column(kind)] = running.astype("float64")
    return out


def appraisal_history(src: Sources, query: AsOfQuery) -> Columns:
    """Last, previous and recent mean SKP scores; an appraisal counts once period_end < t."""
    cols = [LAST_SCORE, PREV_SCORE, MEAN_SCORE_3, N_APPRAISALS, LAST_WORK_RESULT,
            LAST_WORK_BEHAVIOR, MEAN_WORK_BEHAVIOR_3]
    latest = latest_before(query, src.appraisals, c.PERIOD_END, cols)
    out: Columns = {col: latest[col].astype("float64") for col in cols}
    out[N_APPRAISALS] = latest[N_APPRAISALS].fillna(0.0)
    out[SCORE_TREND] = (latest[LAST_SCORE] - latest[PREV_SCORE]).astype("float64")
    return out


def competencies(src: Sources, query: AsOfQuery) -> Columns:
    """Latest assessed level of every competency code (missing when never assessed)."""
    out: Columns = {}
    for code in src.competency_codes:
        rows = src.assessments[src.assessments[c.COMPETENCY_CODE] == code]
        out[level_column(code)] = latest_before(query, rows, c.ASSESSED_DATE, [c.LEVEL])[c.LEVEL]
    last = latest_before(query, src.assessments, c.ASSESSED_DATE, [c.ASSESSED_DATE])
    out[YEARS_SINCE_ASSESSMENT] = years_between(query.as_of, last[c.ASSESSED_DATE].to_numpy())
    return out


def training(src: Sources, query: AsOfQuery) -> Columns:
    """Training hours: total, last 3 years, leadership, and per domain and competency."""
    tr = src.trainings
    out: Columns = {
        TRAINING_HOURS_TOTAL: sum_before(query, tr, c.END_DATE, c.HOURS),
        TRAINING_HOURS_3Y: sum_before(query, tr, c.END_DATE, c.HOURS, RECENT_DAYS),
        LEADERSHIP_HOURS: sum_before(query, tr[tr[c.CATEGORY] == v.LEADERSHIP_CATEGORY], c.END_DATE, c.HOURS),
    }
    for domain in src.domains:
        rows = tr[tr[c.DOMAIN] == domain]
        out[domain_hours_column(domain)] = sum_before(query, rows, c.END_DATE, c.HOURS, RECENT_DAYS)
    for code in src.competency_codes:
        rows = src.training_codes[src.training_codes[c.COMPETENCY_CODE] == code]
        out[code_hours_column(code)] = sum_before(query, rows, c.END_DATE, c.HOURS, RECENT_DAYS)
    return out


def sanctions(src: Sources, query: AsOfQuery) -> Columns:
    """Number of sanctions, whether one is active at t, days since the last serious one."""
    dis = src.discipline
    latest = latest_before(query, dis, c.START_DATE, ["_running_end"])
    serious = latest_before(query, dis[dis["_serious"]], c.START_DATE, [c.START_DATE])
    running_end = latest["_running_end"].to_numpy()
    return {
        N_SANCTIONS: sum_before(query, dis, c.START_DATE, "_one"),
        ACTIVE_SANCTION: pd.notna(running_end) & (running_end >= query.as_of),
        SERIOUS_SANCTION_DAYS_AGO: years_between(query.as_of, serious[c.START_DATE].to_numpy())
        * v.DAYS_PER_YEAR,
    }


def career(src: Sources, query: AsOfQuery) -> Columns:
    """Moves made, domains served (years per domain), managerial experience, before t."""
    keys = pd.DataFrame({"_row": np.arange(query.size), c.EMPLOYEE_ID: query.entities[c.EMPLOYEE_ID].to_numpy(),
                         AS_OF: query.as_of})
    cols = [c.EMPLOYEE_ID, c.START_DATE, LAST_DAY, c.MOVE_TYPE, c.POSITION_TYPE, c.DOMAIN]
    joined = keys.merge(src.stints[cols], on=c.EMPLOYEE_ID)
    joined = joined[joined[c.START_DATE] < joined[AS_OF]]
    stop = joined[LAST_DAY].fillna(joined[AS_OF]) + ONE_DAY
    stop = stop.where(stop < joined[AS_OF], joined[AS_OF])
    served = years_between(stop.to_numpy(), joined[c.START_DATE].to_numpy()).clip(min=0)
    joined = joined.assign(_served=served,
                           _move=(joined[c.MOVE_TYPE] != v.INITIAL_MOVE).astype("float64"),
                           _managerial=joined[c.POSITION_TYPE].isin(v.MANAGERIAL_POSITION_TYPES))
    per_row = joined.groupby("_row").agg(moves=("_move", "sum"), managerial=("_managerial", "any"),
                                         domains=(c.DOMAIN, "nunique"))
    per_row = per_row.reindex(np.arange(query.size))
    years = joined.pivot_table(index="_row", columns=c.DOMAIN, values="_served", aggfunc="sum")
    years = years.reindex(index=np.arange(query.size), columns=list(src.domains)).fillna(0.0)
    out: Columns = {
        N_MOVES: per_row["moves"].fillna(0.0).to_numpy(),
        N_DOMAINS_SERVED: per_row["domains"].fillna(0).astype("float64").to_numpy(),
        EVER_MANAGERIAL: per_row["managerial"].fillna(False).astype("float64").to_numpy(),
    }
    for domain in src.domains:
        out[domain_years_column(domain)] = years[domain].to_numpy()
    return out


def preferences(src: Sources, query: AsOfQuery) -> Columns:
    """The latest stated preference before t."""
    cols = [c.PREFERRED_DOMAIN, c.PREFERRED_REGION_ID, c.WILLING_TO_RELOCATE]
    latest = latest_before(query, src.preferences, c.STATED_DATE, cols)
    stated = latest[c.WILLING_TO_RELOCATE].notna()
    willing = latest[c.WILLING_TO_RELOCATE].astype("float64").where(stated)
    return {PREFERRED_DOMAIN: latest[c.PREFERRED_DOMAIN], PREFERRED_REGION_ID: latest[c.PREFERRED_REGION_ID],
            WILLING_TO_RELOCATE: willing, HAS_PREFERENCE: stated.to_numpy(dtype="float64")}


STEPS = (current_post, status, grade, education, degrees, appraisal_history, competencies, training,
         sanctions, career, preferences, status_periods)


def build_snapshot(src: Sources, query: AsOfQuery, steps=STEPS) -> pd.DataFrame:
    """Every snapshot column (of ``steps``, all by default) for every query row, in query order."""
    out: Columns = {c.EMPLOYEE_ID: query.entities[c.EMPLOYEE_ID].to_numpy(), AS_OF: query.as_of}
    for step in steps:
        for name, values in step(src, query).items():
            out[name] = values.to_numpy() if isinstance(values, pd.Series) else values
    return pd.DataFrame(out)


def snapshot_at(src: Sources, employee_ids, as_of) -> pd.DataFrame:
    """The snapshot of ``employee_ids`` at one date."""
    return build_snapshot(src, AsOfQuery.at(employee_ids, as_of))
