"""Turn the simulation state and its recorded rows into the contract tables."""

import zlib

import numpy as np
import pandas as pd

from features import columns as c
from features import vocab as v
from features.io import DATE_DTYPE
from features.names import TRUE_EXPECTED_SCORE, TRUE_FAILURE_PROB
from features.schema import SPECS
from simulator import days as d
from simulator.context import Sim
from simulator.kinds import KINDS
from simulator.moves import TRUTH
from simulator.names import display_names
from simulator.required_fields import required_fields
from simulator.service import service_table
from simulator.staff_survey import record_satisfaction_truth, staff_survey, survey_keys
from simulator.status import People, draw_status_periods
from simulator.survey_moves import moves_of
from simulator.surveys import draw_surveys, unique_days

GRADE_CODE = np.array([None, *v.GRADES], dtype=object)     # index = grade rank
EXIT_CODE = np.array(v.EXIT_REASONS, dtype=object)


def employee_ids(index: np.ndarray) -> np.ndarray:
    return np.array([f"emp{i + 1:06d}" for i in range(int(index.max(initial=-1)) + 1)], dtype=object)[index]


def dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64 (far-future markers become NaT)."""
    days = np.asarray(days, dtype=np.int64)
    out = d.as_datetime64(np.where(np.abs(days) >= d.FAR_FUTURE, 0, days)).astype(DATE_DTYPE)
    out[np.abs(days) >= d.FAR_FUTURE] = np.datetime64("NaT")
    return out


def ids_or_none(ids: list[str], index: np.ndarray) -> np.ndarray:
    """``ids[index]``, None where index is -1."""
    table = np.array([*ids, None], dtype=object)
    return table[np.where(index < 0, len(ids), index)]


def frame(table: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A contract table in its column order, sorted by its key, with typed columns."""
    spec = SPECS[table]
    out = pd.DataFrame({name: columns[name] for name in spec.column_names if name in columns})
    for col in spec.columns:
        if col.name in out and out[col.name].dtype == object:
            out[col.name] = out[col.name].astype("str")
    return out.sort_values(list(spec.key), kind="stable").reset_index(drop=True)


def build_tables(sim: Sim) -> dict[str, pd.DataFrame]:
    """Every contract table of the simulated dataset."""
    end = d.day(sim.config.end_year, 12, 31)
    state, world, rec = sim.state, sim.world, sim.rec
    eid = employee_ids(np.arange(state.n))
    tables = {
        c.EMPLOYEES: employees(sim, eid, end), c.EXITS: exits(sim, eid, end),
        c.REGIONS: frame(c.REGIONS, {c.REGION_ID: np.array(world.region_ids, dtype=object),
                                     c.NAME: np.array(world.region_names, dtype=object),
                                     c.LATITUDE: world.latitude, c.LONGITUDE: world.longitude,
                                     c.REMOTE: world.remote}),
        c.UNITS: frame(c.UNITS, {c.UNIT_ID: np.array(world.unit_ids, dtype=object),
                                 c.NAME: np.array(world.unit_names, dtype=object),
                                 c.PARENT_UNIT_ID: ids_or_none(world.unit_ids, np.array(world.unit_parent)),
                                 c.REGION_ID: np.array(world.region_ids, dtype=object)[world.unit_region],
                                 c.DOMAIN: np.array(world.domains, dtype=object)[world.unit_domain]}),
        c.POSITIONS: positions(sim), c.POSITION_COMPETENCIES: position_competencies(sim),
        c.ASSIGNMENTS: assignments(sim, eid, end),
        c.TRAINING_CATALOG: frame(c.TRAINING_CATALOG, {k: sim.catalog.table[k].to_numpy(dtype=object)
                                                       for k in sim.catalog.table.columns}),
    }
    grades = rec.columns(c.GRADES)
    tables[c.GRADES] = frame(c.GRADES, {c.EMPLOYEE_ID: eid[grades[c.EMPLOYEE_ID]],
                                        c.EFFECTIVE_DATE: dates(grades[c.EFFECTIVE_DATE]),
                                        c.GRADE: GRADE_CODE[grades[c.GRADE]]})
    dated = {c.EDUCATION: (c.GRADUATION_DATE,), c.APPRAISALS: (c.PERIOD_START, c.PERIOD_END),
             c.DISCIPLINE: (c.START_DATE, c.END_DATE), c.PREFERENCES: (c.STATED_DATE,)}
    for table, date_columns in dated.items():
        cols = rec.columns(table)
        tables[table] = frame(table, {**cols, c.EMPLOYEE_ID: eid[cols[c.EMPLOYEE_ID]],
                                      **{k: dates(cols[k]) for k in date_columns},
                                      **extra_columns(sim, table, cols)})
    tables[c.COMPETENCY_ASSESSMENTS] = assessments(sim, eid)
    tables[c.TRAININGS] = trainings(sim, eid)
    tables[c.STATUS_PERIODS] = status_periods(sim, eid)
    tables[c.SURVEYS] = surveys(sim, eid)
    tables[c.SERVICE_INDICATORS] = service_table(sim, tables)
    return {name: tables[name] for name in c.TABLES if name in tables}


def status_periods(sim: Sim, eid: np.ndarray) -> pd.DataFrame:
    """Study leave, service bonds, leave outside state pay and suspensions
    (:mod:`simulator.status`: drawn on their own stream, reading the history only)."""
    end = d.day(sim.config.end_year, 12, 31)
    periods = draw_status_periods(sim.config.seed, history_of(sim), sim.config.status,
                                  sim.config.start_year, end)
    return frame(c.STATUS_PERIODS, {c.EMPLOYEE_ID: eid[periods.employee], c.START_DATE: dates(periods.start),
                                    c.KIND: periods.kind, c.END_DATE: dates(periods.end)})


def surveys(sim: Sim, eid: np.ndarray) -> pd.DataFrame:
    """Post-move surveys (:mod:`simulator.surveys`) and the yearly staff survey
    (:mod:`simulator.staff_survey`), each on its own stream, reading the history only; a
    yearly answer on the day of a post-move one is dropped (the table's key). The true
    effects of the yearly answers after a transfer are recorded."""
    answers = draw_surveys(sim.config.seed, moves_of(sim), sim.config.surveys, d.day(sim.config.end_year, 12, 31))
    keep = unique_days(answers)
    staff = staff_survey(sim)
    staff = staff.subset(np.flatnonzero(~np.isin(survey_keys(staff.employee, staff.day),
                                                 survey_keys(answers.employee[keep], answers.day[keep]))))
    record_satisfaction_truth(sim, staff)
    return frame(c.SURVEYS, {
        c.EMPLOYEE_ID: eid[np.concatenate([answers.employee[keep], staff.employee])],
        c.SURVEY_DATE: dates(np.concatenate([answers.day[keep], staff.day])),
        c.SATISFACTION: np.concatenate([answers.satisfaction[keep], staff.satisfaction]).astype(np.int64),
        c.WANTS_TO_STAY: pd.array(np.concatenate([answers.wants_to_stay[keep], staff.wants_to_stay.astype(object)]),
                                  dtype="boolean"),
        c.COMMENT: np.concatenate([answers.comment[keep], np.full(len(staff.employee), None, dtype=object)])})


def history_of(sim: Sim) -> People:
    """The people and their busy days (move starts, trainings, assessments, sanctions)."""
    state, rec = sim.state, sim.rec
    edu = rec.columns(c.EDUCATION)
    rank = np.vectorize(v.EDUCATION_RANK.get, otypes=[np.int64])(edu[c.LEVEL])
    busy = [(cols[c.EMPLOYEE_ID], cols[column]) for cols, column in
            ((rec.columns(table), column) for table, column in BUSY_DATES) if cols]
    return People(
        cpns_day=state.cpns_day, birth=state.birth, pppk=state.pppk, exit_day=state.exit_day,
        retire_day=state.retire_day,
        s1_day=first_day(state.n, edu[c.EMPLOYEE_ID], edu[c.GRADUATION_DATE], rank == v.EDUCATION_RANK["s1"]),
        s2_day=first_day(state.n, edu[c.EMPLOYEE_ID], edu[c.GRADUATION_DATE], rank > v.EDUCATION_RANK["s1"]),
        busy_employee=np.concatenate([e for e, _ in busy]), busy_day=np.concatenate([day for _, day in busy]))


BUSY_DATES = ((c.ASSIGNMENTS, c.START_DATE), (c.TRAININGS, c.END_DATE),
              (c.COMPETENCY_ASSESSMENTS, c.ASSESSED_DATE), (c.DISCIPLINE, c.START_DATE))


def first_day(n: int, employee: np.ndarray, day: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Per employee, the earliest ``day`` of the rows ``where`` holds; FAR_FUTURE when none."""
    out = np.full(n, d.FAR_FUTURE, dtype=np.int64)
    np.minimum.at(out, employee[where].astype(np.int64), day[where].astype(np.int64))
    return out


def extra_columns(sim: Sim, table: str, cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Columns recorded as indices that need their codes."""
    if table == c.PREFERENCES:
        return {c.PREFERRED_DOMAIN: ids_or_none(list(sim.world.domains), cols[c.PREFERRED_DOMAIN]),
                c.PREFERRED_REGION_ID: ids_or_none(sim.world.region_ids, cols[c.PREFERRED_REGION_ID])}
    return {}


def employees(sim: Sim, eid: np.ndarray, end: int) -> pd.DataFrame:
    state = sim.state
    served_until = np.minimum(state.exit_day - 1, end)
    status = np.where(state.pppk, "pppk", np.where(served_until - state.cpns_day < 365, "cpns", "pns"))
    return frame(c.EMPLOYEES, {
        c.EMPLOYEE_ID: eid, c.BIRTH_DATE: dates(state.birth), c.GENDER: np.where(state.female, "p", "l"),
        c.EMPLOYMENT_STATUS: status.astype(object), c.CPNS_DATE: dates(state.cpns_day),
        c.HOME_REGION_ID: np.array(sim.world.region_ids, dtype=object)[state.home_region],
        c.RETIREMENT_AGE: state.retire_age, c.DISPLAY_NAME: display_names(sim.config.seed, state.female)})


def exits(sim: Sim, eid: np.ndarray, end: int) -> pd.DataFrame:
    left = np.flatnonzero(sim.state.exit_day <= end)
    return frame(c.EXITS, {c.EMPLOYEE_ID: eid[left], c.EXIT_DATE: dates(sim.state.exit_day[left]),
                           c.REASON: EXIT_CODE[sim.state.exit_reason[left]]})


STRATEGIC_SHARE = 10       # 1 in this many administrator/pengawas posts is marked strategic
STRATEGIC_TYPES = ("administrator", "pengawas")


def strategic_posts(position_ids: np.ndarray, position_types: np.ndarray) -> np.ndarray:
    """Every JPT post, and a fixed ~10% of administrator and pengawas posts (a hash of the
    id: no draw from the simulation's random streams, so nothing else changes)."""
    hashed = np.array([zlib.crc32(str(pid).encode()) % STRATEGIC_SHARE == 0 for pid in position_ids], dtype=bool)
    types = np.asarray(position_types, dtype=object)
    jpt = np.array([str(t).startswith("jpt_") for t in types], dtype=bool)
    return jpt | (np.isin(types, STRATEGIC_TYPES) & hashed)


def positions(sim: Sim) -> pd.DataFrame:
    w = sim.world
    kinds = [KINDS[i] for i in w.kind]
    ids = np.array(w.position_ids, dtype=object)
    types = np.array([k.position_type for k in kinds], dtype=object)
    return frame(c.POSITIONS, {
        c.POSITION_ID: ids,
        c.UNIT_ID: np.array(w.unit_ids, dtype=object)[w.unit],
        c.TITLE: np.array(w.titles, dtype=object),
        c.POSITION_TYPE: types,
        c.FUNCTIONAL_LEVEL: np.array([k.functional_level for k in kinds], dtype=object),
        c.JOB_CLASS: w.job_class, c.DOMAIN: np.array(w.domains, dtype=object)[w.domain],
        c.MIN_GRADE: np.array(w.min_grade_code, dtype=object),
        c.MIN_EDUCATION: np.array(w.min_education_code, dtype=object),
        c.REQUIRED_FIELDS: required_fields(sim.config.seed, w.titles, np.array(w.domains, dtype=object)[w.domain],
                                           sim.config.required_fields_share),
        c.STRATEGIC: strategic_posts(ids, types)})


def position_competencies(sim: Sim) -> pd.DataFrame:
    w = sim.world
    pos, code = np.nonzero(w.required > 0)
    return frame(c.POSITION_COMPETENCIES, {
        c.POSITION_ID: np.array(w.position_ids, dtype=object)[pos],
        c.COMPETENCY_CODE: np.array(w.codes, dtype=object)[code], c.REQUIRED_LEVEL: w.required[pos, code]})


def assignments(sim: Sim, eid: np.ndarray, end: int) -> pd.DataFrame:
    """Assignments with end_date: the day before the next one, else before the exit."""
    cols = sim.rec.columns(c.ASSIGNMENTS)
    emp, start = cols[c.EMPLOYEE_ID], cols[c.START_DATE]
    order = np.lexsort((start, emp))
    emp, start, pos, move = emp[order], start[order], cols[c.POSITION_ID][order], cols[c.MOVE_TYPE][order]
    same_next = np.append(emp[1:] == emp[:-1], False)
    next_start = np.append(start[1:], 0)
    exit_day = sim.state.exit_day[emp]
    last = np.where(same_next, next_start - 1, np.where(exit_day <= end, exit_day - 1, d.FAR_FUTURE))
    return frame(c.ASSIGNMENTS, {c.EMPLOYEE_ID: eid[emp], c.START_DATE: dates(start),
                                 c.POSITION_ID: np.array(sim.world.position_ids, dtype=object)[pos],
                                 c.END_DATE: dates(last), c.MOVE_TYPE: move.astype(object)})


def assessments(sim: Sim, eid: np.ndarray) -> pd.DataFrame:
    cols = sim.rec.columns(c.COMPETENCY_ASSESSMENTS)
    return frame(c.COMPETENCY_ASSESSMENTS, {
        c.EMPLOYEE_ID: eid[cols[c.EMPLOYEE_ID]], c.ASSESSED_DATE: dates(cols[c.ASSESSED_DATE]),
        c.COMPETENCY_CODE: np.array(sim.world.codes, dtype=object)[cols[c.COMPETENCY_CODE]],
        c.LEVEL: cols[c.LEVEL]})


def trainings(sim: Sim, eid: np.ndarray) -> pd.DataFrame:
    cols = sim.rec.columns(c.TRAININGS)
    code = cols[c.TRAINING_CODE]
    return frame(c.TRAININGS, {c.EMPLOYEE_ID: eid[cols[c.EMPLOYEE_ID]], c.END_DATE: dates(cols[c.END_DATE]),
                               c.TRAINING_CODE: np.array(sim.catalog.codes, dtype=object)[code],
                               c.HOURS: sim.catalog.hours[code]})


def transfers_truth(sim: Sim, eid: np.ndarray) -> pd.DataFrame:
    """One row per transfer: the hidden expected score and failure probability."""
    cols = sim.rec.columns(TRUTH)
    out = pd.DataFrame({c.EMPLOYEE_ID: eid[cols[c.EMPLOYEE_ID]].astype(object),
                        c.POSITION_ID: np.array(sim.world.position_ids, dtype=object)[cols[c.POSITION_ID]],
                        c.START_DATE: dates(cols[c.START_DATE]),
                        TRUE_EXPECTED_SCORE: cols["expected_score"], TRUE_FAILURE_PROB: cols["failure_prob"]})
    out[[c.EMPLOYEE_ID, c.POSITION_ID]] = out[[c.EMPLOYEE_ID, c.POSITION_ID]].astype("str")
    return out.sort_values([c.EMPLOYEE_ID, c.START_DATE], kind="stable").reset_index(drop=True)
