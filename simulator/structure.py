"""Build the organisation: agencies with their sub-units and UPTs, and every post, scaled to N."""

from dataclasses import dataclass

import numpy as np

from simulator.organisation import (
    AGENCIES,
    SECRETARIAT_SECTIONS,
    UPT_SECTIONS,
    AgencySpec,
)
from simulator.places import CAPITAL, REGIONS
from simulator.world import (
    POSITIONS_PER_EMPLOYEE,
    SEKDA_MIN_EMPLOYEES,
    World,
    add_position,
    add_unit,
    empty_world,
    short_name,
    staff_post,
)

ADMIN_SHARE = 0.022        # administrators per post of an agency
SUPERVISOR_SHARE = 0.065   # pengawas per post of an agency
SMALL_UPT_SHARE = 0.3      # share of an agency's pengawas who head a small UPT
SECTIONS_PER_SUBUNIT = 4


@dataclass
class Container:
    """A unit that hosts pengawas sections and staff posts."""

    unit: int
    staff_weight: float
    sections: list[tuple[str, str]]   # (title, domain) of pengawas posts it may hold
    support: bool = False             # a secretariat: support functions of any domain


class UptNamer:
    """Names UPT units region after region, numbering repeats."""

    def __init__(self, regions: list[int]):
        self.regions = regions
        self.used: dict[str, int] = {}
        self.turn = 0

    def next(self, template: str) -> tuple[str, int]:
        region = self.regions[self.turn % len(self.regions)]
        self.turn += 1
        base = template.replace("{n}", "#").format(region=short_name(REGIONS[region].name))
        self.used[base] = self.used.get(base, 0) + 1
        count = self.used[base]
        if "#" in base:
            return base.replace("#", str(count)), region
        return (base if count == 1 else f"{base} {count}"), region


def build_world(n_employees: int, rng: np.random.Generator) -> World:
    """The province's units and posts for about ``n_employees`` active staff."""
    world = empty_world()
    total = round(POSITIONS_PER_EMPLOYEE * n_employees)
    weights = np.array([a.weight for a in AGENCIES])
    weights = weights / weights.sum()
    if n_employees >= SEKDA_MIN_EMPLOYEES:
        sekda = add_unit(world, "Sekretariat Daerah Provinsi Nusa Tenggara Timur", -1, CAPITAL,
                         "administrasi_umum")
        add_position(world, sekda, "Sekretaris Daerah", "jpt_madya", "administrasi_umum", rng)
    for agency, weight in zip(AGENCIES, weights):
        build_agency(world, agency, max(8, round(total * weight)), rng)
    return finalize(world)


def build_agency(world: World, agency: AgencySpec, n_posts: int, rng: np.random.Generator) -> None:
    """Head, secretariat, sub-units, UPTs, pengawas sections and staff of one agency."""
    first = world.n_positions
    n_admin = max(2, round(ADMIN_SHARE * n_posts))
    n_supervisors = max(2, round(SUPERVISOR_SHARE * n_posts))
    root = add_unit(world, agency.name, -1, CAPITAL, agency.domain)
    add_position(world, root, f"Kepala {agency.name}", "jpt_pratama", agency.domain, rng,
                 15 if agency.large else 14)
    containers: list[Container] = []
    if agency.has_secretariat:
        unit = add_unit(world, f"Sekretariat {agency.name}", root, CAPITAL, agency.domain)
        add_position(world, unit, f"Sekretaris {agency.name}", "administrator", agency.domain, rng)
        containers.append(Container(unit, 0.8, list(SECRETARIAT_SECTIONS), support=True))
        n_admin -= 1
    n_sub = min(len(agency.subunits), max(1, n_admin))
    for j, name in enumerate(agency.subunits[:n_sub]):
        unit = add_unit(world, f"{agency.subunit} {name}", root, CAPITAL, agency.domain)
        add_position(world, unit, f"Kepala {agency.subunit} {name}", "administrator", agency.domain, rng)
        sections = [agency.sections[(2 * j + i) % len(agency.sections)] for i in range(SECTIONS_PER_SUBUNIT)]
        containers.append(Container(unit, 1.0, [(f"{agency.section_head} {s}", agency.domain)
                                                for s in sections]))
    regions = [int(r) for r in rng.permutation(np.arange(1, len(REGIONS)))]
    namer = UptNamer(regions)
    n_small = 0
    if agency.upt:
        for _ in range(min(max(n_admin - n_sub, 0), len(regions))):
            name, region = namer.next(agency.upt[0])
            unit = add_unit(world, name, root, region, agency.domain)
            add_position(world, unit, f"Kepala {name}", "administrator", agency.domain, rng)
            containers.append(Container(unit, 1.6, [(t, agency.domain) for t in UPT_SECTIONS]))
        n_small = max(1, round(SMALL_UPT_SHARE * n_supervisors))
    slots = section_slots(containers)
    wanted = max(n_supervisors - n_small, 0)
    for container, (title, domain) in slots[:wanted]:
        add_position(world, container.unit, title, "pengawas", domain, rng)
    if agency.upt:
        n_small += max(wanted - len(slots), 0)
    templates = agency.upt[1:] or agency.upt
    for i in range(n_small):
        name, region = namer.next(templates[i % len(templates)])
        unit = add_unit(world, name, root, region, agency.domain)
        head = f"Kepala Tata Usaha {name}" if name.startswith(("SMA", "SMK")) else f"Kepala {name}"
        add_position(world, unit, head, "pengawas", agency.domain, rng)
        containers.append(Container(unit, 1.2, []))
    n_staff = max(n_posts - (world.n_positions - first), len(containers))
    weights = np.array([c.staff_weight for c in containers])
    counts = rng.multinomial(n_staff, weights / weights.sum())
    for container, count in zip(containers, counts):
        for _ in range(int(count)):
            staff_post(world, container.unit, agency, container.support and rng.random() < 0.6, rng)


def section_slots(containers: list[Container]) -> list[tuple[Container, tuple[str, str]]]:
    """Pengawas sections, one per container in turn, so sections spread over units."""
    slots = []
    for i in range(max((len(c.sections) for c in containers), default=0)):
        slots += [(c, c.sections[i]) for c in containers if i < len(c.sections)]
    return slots


def finalize(world: World) -> World:
    """Turn the position lists into arrays and derive each post's region and agency."""
    world.kind = np.array(world.kind, dtype=np.int64)
    world.job_class = np.array(world.job_class, dtype=np.int64)
    world.domain = np.array(world.domain, dtype=np.int64)
    world.unit = np.array(world.unit, dtype=np.int64)
    world.required = np.array(world.required, dtype=np.int64)
    world.min_grade = np.array(world.min_grade, dtype=np.int64)
    world.min_education = np.array(world.min_education, dtype=np.int64)
    parent = np.array(world.unit_parent, dtype=np.int64)
    root = np.where(parent < 0, np.arange(len(parent)), parent)
    world.region = np.array(world.unit_region, dtype=np.int64)[world.unit]
    world.agency = root[world.unit]
    return world
