"""New employees: demographics, education, entry grade, latent traits and competencies."""

import numpy as np

from features import columns as c
from features import vocab as v
from simulator import days as d
from simulator.kinds import KINDS, RETIREMENT_AGE
from simulator.places import DOMAINS, SECONDARY_FIELDS, fields_of
from simulator.state import Recorder
from simulator.world import N_CORE

SMA, D3, S1, S2 = (v.EDUCATION_RANK[x] for x in ("sma", "d3", "s1", "s2"))
EDUCATION_CODE = {SMA: "sma", D3: "d3", S1: "s1", S2: "s2"}
ENTRY_GRADE = {SMA: v.GRADE_RANK["II/a"], D3: v.GRADE_RANK["II/c"], S1: v.GRADE_RANK["III/a"],
               S2: v.GRADE_RANK["III/b"]}
GRADE_CEILING = {SMA: v.GRADE_RANK["III/b"], D3: v.GRADE_RANK["III/c"], S1: v.GRADE_RANK["III/d"],
                 S2: v.GRADE_RANK["IV/a"]}
CPNS_AGE = {SMA: (20.0, 27.0), D3: (21.5, 30.0), S1: (22.5, 34.0), S2: (25.0, 35.0)}
GRADUATION_AGE = {SMA: 18.0, D3: 21.0, S1: 22.5, S2: 25.5}
EDUCATION_BONUS = {SMA: -0.15, D3: 0.0, S1: 0.10, S2: 0.25}
FEMALE_SHARE = 0.54
TRAIT_CORRELATION = 0.3
PROMOTION_YEARS = 4
PREFERENCE_SHARE = 0.68
GENERIC_RATE = 0.08      # yearly growth rate of core competencies (see :func:`grow`)
MANAGERIAL_RATE = 0.12   # extra growth of m.* codes while holding a managerial post
TECH_RATE = 0.20         # growth of t.<domain> while serving in that domain


POST_CEILING = {"jpt_madya": v.GRADE_RANK["IV/d"], "jpt_pratama": v.GRADE_RANK["IV/c"],
                "administrator": v.GRADE_RANK["IV/b"], "ahli_madya": v.GRADE_RANK["IV/c"],
                "ahli_muda": v.GRADE_RANK["IV/a"]}
POST_CEILING_BY_KIND = np.array([POST_CEILING.get(kind.name, 0) for kind in KINDS])


def ceiling_for(education: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Highest grade reachable by regular promotion with each education rank, raised by
    the post held (JPT, administrator, ahli madya, ahli muda)."""
    by_education = np.vectorize(GRADE_CEILING.get, otypes=[np.int64])(education)
    return np.maximum(by_education, POST_CEILING_BY_KIND[kind])


def entry_grade(education: np.ndarray) -> np.ndarray:
    """Grade on appointment by education (SMA II/a, D3 II/c, S1 III/a, S2 III/b)."""
    return np.vectorize(ENTRY_GRADE.get, otypes=[np.int64])(education)


def latent_traits(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Ability and adaptability: standard normal, mildly correlated."""
    a = rng.standard_normal(n)
    b = TRAIT_CORRELATION * a + np.sqrt(1 - TRAIT_CORRELATION ** 2) * rng.standard_normal(n)
    return a, b


def cpns_age(rng: np.random.Generator, education: np.ndarray, oldest: np.ndarray | None = None) -> np.ndarray:
    """Age at appointment, uniform in the education's range (capped at ``oldest``)."""
    low = np.vectorize(lambda e: CPNS_AGE[e][0])(education)
    high = np.vectorize(lambda e: CPNS_AGE[e][1])(education)
    if oldest is not None:
        high = np.maximum(np.minimum(high, oldest), low)
    return low + rng.random(len(education)) * (high - low)


def study_field(rng: np.random.Generator, domain: np.ndarray) -> list[str]:
    """A field of study leading to each domain (index into DOMAINS)."""
    return [fields_of(DOMAINS[x])[rng.integers(len(fields_of(DOMAINS[x])))] for x in domain]


def entry_competency(rng: np.random.Generator, ability: np.ndarray, education: np.ndarray,
                     field_domain: np.ndarray) -> np.ndarray:
    """True competency levels at appointment (codes: core then one technical per domain)."""
    n = len(ability)
    bonus = np.vectorize(EDUCATION_BONUS.get)(education)
    comp = np.empty((n, N_CORE + len(DOMAINS)))
    comp[:, :N_CORE] = 2.1 + 0.30 * ability[:, None] + bonus[:, None] + 0.3 * rng.standard_normal((n, N_CORE))
    comp[:, N_CORE - 1] += 0.4   # sk.01 (perekat bangsa) starts higher
    comp[:, N_CORE:] = 1.2 + 0.15 * ability[:, None] + 0.3 * rng.standard_normal((n, len(DOMAINS)))
    has_field = field_domain >= 0
    rows = np.flatnonzero(has_field)
    comp[rows, N_CORE + field_domain[rows]] = (2.1 + 0.3 * ability[rows] + bonus[rows]
                                               + 0.3 * rng.standard_normal(len(rows)))
    return np.clip(comp, 1.0, 5.0)


def grow(level: np.ndarray, rate: np.ndarray, years: float | np.ndarray) -> np.ndarray:
    """Levels drift towards 5: ``5 - (5 - level) * (1 - rate / 3) ** years``."""
    return 5.0 - (5.0 - level) * (1.0 - rate / 3.0) ** years


def new_people(rng: np.random.Generator, education: np.ndarray, field_domain: np.ndarray,
               birth: np.ndarray, cpns_day: np.ndarray, home_region: np.ndarray,
               pppk: np.ndarray) -> dict[str, np.ndarray]:
    """Attributes of new employees for :meth:`State.add_employees` (grade = entry grade)."""
    n = len(education)
    ability, adaptability = latent_traits(rng, n)
    return dict(
        birth=birth, female=rng.random(n) < FEMALE_SHARE, cpns_day=cpns_day, pppk=pppk,
        home_region=home_region, ability=ability, adaptability=adaptability, education=education,
        field_domain=field_domain, grade=entry_grade(education),
        next_promotion=np.where(pppk, d.FAR_FUTURE,
                                next_promotion_window(d.add_years(cpns_day, PROMOTION_YEARS))),
        states_preferences=rng.random(n) < PREFERENCE_SHARE,
        competency=entry_competency(rng, ability, education, field_domain),
        retire_day=d.add_years(birth, RETIREMENT_AGE),
    )


def record_education(rec: Recorder, rng: np.random.Generator, emp: np.ndarray, education: np.ndarray,
                     field_domain: np.ndarray, birth: np.ndarray, cpns_day: np.ndarray) -> None:
    """One education row per level attained before appointment (SMA, then D3 or S1, S2)."""
    n = len(emp)
    jitter = (rng.random(n) * 300).astype(np.int64)
    before = cpns_day - 30 - (rng.random(n) * 150).astype(np.int64)
    tertiary = field_domain >= 0
    main_field = np.array(study_field(rng, np.where(tertiary, field_domain, 0)), dtype=object)
    for level, wanted in ((SMA, education >= SMA), (D3, education == D3), (S1, education >= S1),
                          (S2, education >= S2)):
        rows = np.flatnonzero(wanted)
        graduation = np.minimum(birth[rows] + int(GRADUATION_AGE[level] * d.DAYS_PER_YEAR) + jitter[rows],
                                before[rows])
        if level == SMA:
            pick = rng.integers(len(SECONDARY_FIELDS), size=len(rows))
            field = np.array(SECONDARY_FIELDS, dtype=object)[pick]
        else:
            field = main_field[rows]
        rec.add(c.EDUCATION, **{c.EMPLOYEE_ID: emp[rows], c.LEVEL: EDUCATION_CODE[level],
                                c.FIELD: field, c.GRADUATION_DATE: graduation})


def next_promotion_window(days: np.ndarray) -> np.ndarray:
    """The first promotion date (1 April or 1 October) on or after each day."""
    year = d.year_of(days)
    april, october = d.month_start(year, 4), d.month_start(year, 10)
    return np.where(days <= april, april, np.where(days <= october, october, d.month_start(year + 1, 4)))
