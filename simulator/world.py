"""The simulated government: regions, units, positions and their competency standards."""

from dataclasses import dataclass, field

import numpy as np

from features import vocab as v
from features.geo import haversine_km
from simulator import kinds as k
from simulator.organisation import (
    SHARED_CLERKS,
    SUPPORT_CLERKS,
    SUPPORT_FAMILIES,
    AgencySpec,
    Family,
)
from simulator.places import DOMAINS, REGIONS

CORE_CODES: tuple[str, ...] = (*v.MANAGERIAL_COMPETENCIES, v.SOCIOCULTURAL_COMPETENCY)
N_CORE = len(CORE_CODES)
POSITIONS_PER_EMPLOYEE = 1.08
SEKDA_MIN_EMPLOYEES = 1000      # the province secretary (JPT madya) exists from this size on
AHLI_LEVELS = (("ahli_pertama", 0.47), ("ahli_muda", 0.41), ("ahli_madya", 0.12))
TERAMPIL_LEVELS = (("terampil", 0.6), ("mahir", 0.4))


@dataclass
class World:
    """The fixed structure; units and positions are indexed 0..n-1. While
    :mod:`simulator.structure` builds it, per-position attributes are lists it
    appends to; ``structure.finalize`` turns them into arrays."""

    domains: tuple[str, ...]
    codes: tuple[str, ...]
    region_ids: list[str]
    region_names: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    remote: np.ndarray
    home_weight: np.ndarray
    distance_km: np.ndarray
    unit_ids: list[str] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)
    unit_parent: list[int] = field(default_factory=list)
    unit_region: list[int] = field(default_factory=list)
    unit_domain: list[int] = field(default_factory=list)
    position_ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    kind: np.ndarray | list = field(default_factory=list)
    job_class: np.ndarray | list = field(default_factory=list)
    domain: np.ndarray | list = field(default_factory=list)
    unit: np.ndarray | list = field(default_factory=list)
    required: np.ndarray | list = field(default_factory=list)
    min_grade: np.ndarray | list = field(default_factory=list)       # grade rank
    min_education: np.ndarray | list = field(default_factory=list)   # education rank
    min_grade_code: list[str] = field(default_factory=list)
    min_education_code: list[str] = field(default_factory=list)
    region: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    agency: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    @property
    def n_positions(self) -> int:
        return len(self.position_ids)

    def tech_code(self, domain: np.ndarray) -> np.ndarray:
        """Column of ``t.<domain>`` in competency matrices."""
        return N_CORE + np.asarray(domain)


def short_name(region_name: str) -> str:
    """``Kabupaten Alor`` -> ``Alor``."""
    return region_name.removeprefix("Kabupaten ").removeprefix("Kota ")


def empty_world() -> World:
    """Regions and vocabularies, no units or positions yet."""
    lat = np.array([r.latitude for r in REGIONS])
    lon = np.array([r.longitude for r in REGIONS])
    weight = np.array([r.population_weight for r in REGIONS])
    return World(domains=DOMAINS, codes=CORE_CODES + tuple(v.technical_code(d) for d in DOMAINS),
                 region_ids=[r.region_id for r in REGIONS], region_names=[r.name for r in REGIONS],
                 latitude=lat, longitude=lon, remote=np.array([r.remote for r in REGIONS]),
                 home_weight=weight / weight.sum(),
                 distance_km=haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]))


def add_unit(world: World, name: str, parent: int, region: int, domain: str) -> int:
    world.unit_ids.append(f"unit{len(world.unit_ids) + 1:04d}")
    world.unit_names.append(name)
    world.unit_parent.append(parent)
    world.unit_region.append(region)
    world.unit_domain.append(DOMAINS.index(domain))
    return len(world.unit_ids) - 1


def add_position(world: World, unit: int, title: str, kind: str, domain: str, rng: np.random.Generator,
                 job_class: int | None = None) -> None:
    spec = k.KINDS[k.KIND_INDEX[kind]]
    job_class = spec.job_class if job_class is None else job_class
    min_grade, min_education = spec.min_grade, spec.min_education
    if kind == "pelaksana" and job_class >= 7:
        min_grade, min_education = "II/c", "d3"
    world.position_ids.append(f"pos{len(world.position_ids) + 1:05d}")
    world.titles.append(title)
    world.kind.append(k.KIND_INDEX[kind])
    world.job_class.append(job_class)
    world.domain.append(DOMAINS.index(domain))
    world.unit.append(unit)
    world.min_grade_code.append(min_grade)
    world.min_education_code.append(min_education)
    world.min_grade.append(v.GRADE_RANK[min_grade])
    world.min_education.append(v.EDUCATION_RANK[min_education])
    world.required.append(standard(spec, DOMAINS.index(domain), rng))


def standard(spec: k.KindSpec, domain: int, rng: np.random.Generator) -> np.ndarray:
    """Required level per competency code (0 = not required) of one post."""
    levels = np.zeros(N_CORE + len(DOMAINS), dtype=np.int64)
    levels[:N_CORE] = spec.generic_level
    for code in k.DEMANDING_CODES.get(spec.name, ()):
        levels[CORE_CODES.index(code)] += 1
    for code in k.LIGHT_CODES.get(spec.name, ()):
        levels[CORE_CODES.index(code)] = 1
    if rng.random() < 0.3:
        code = rng.integers(N_CORE)
        levels[code] = min(levels[code] + 1, spec.top_level)
    levels[N_CORE + domain] = spec.tech_level
    return levels


def staff_post(world: World, unit: int, agency: AgencySpec, support: bool, rng: np.random.Generator) -> None:
    """One fungsional or pelaksana post in ``unit``."""
    if rng.random() < agency.functional_share:
        families = SUPPORT_FAMILIES if support else agency.families
        weights = np.array([f.weight for f in families])
        family: Family = families[rng.choice(len(families), p=weights / weights.sum())]
        track = family.track if family.track != "both" else ("ahli", "terampil")[rng.integers(2)]
        levels = AHLI_LEVELS if track == "ahli" else TERAMPIL_LEVELS
        level = levels[rng.choice(len(levels), p=[p for _, p in levels])][0]
        spec = k.KINDS[k.KIND_INDEX[level]]
        add_position(world, unit, f"{family.stem} {spec.title_suffix}", level,
                     family.domain or agency.domain, rng)
        return
    if support:
        title, job_class, domain = SUPPORT_CLERKS[rng.integers(len(SUPPORT_CLERKS))]
    else:
        clerks = agency.clerks + SHARED_CLERKS
        (title, job_class), domain = clerks[rng.integers(len(clerks))], agency.domain
    add_position(world, unit, title, "pelaksana", domain, rng, job_class)
