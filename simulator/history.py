"""The year-by-year process: the cohort at the start, then each year's calendar of
pelantikan days, CPNS intake, grade promotions and appraisals, with everything else
happening in the segments between them."""

import numpy as np

from simulator import days as d
from simulator.background import run_segment
from simulator.cohort import create_cohort
from simulator.context import Sim
from simulator.courses import Menu
from simulator.hiring import hire
from simulator.selection import pelantikan
from simulator.yearly import appraise, promote

HIRE_DAY = (3, 1)
PROMOTION_DAYS = ((4, 1), (10, 1))


def year_steps(year: int, per_year: int, rng: np.random.Generator) -> list[tuple[int, str]]:
    """The year's calendar: pelantikan days (never 1 January), intake, promotions, year end."""
    months = [2 + round(i * 12 / per_year) for i in range(per_year)]
    steps = [(d.day(year, m, int(rng.integers(2, 28))), "pelantikan") for m in months]
    steps += [(d.day(year, *HIRE_DAY), "hire"), (d.day(year, 12, 31), "year_end")]
    steps += [(d.day(year, *md), "promotion") for md in PROMOTION_DAYS]
    return sorted(steps)


def run_history(sim: Sim) -> None:
    """Simulate from 1 January of the first year to 31 December of the last."""
    cfg = sim.config
    menu = Menu(sim.catalog, sim.world)
    start = d.day(cfg.start_year, 1, 1)
    create_cohort(sim, cfg.n_employees, start)
    last = start - 1
    for year in range(cfg.start_year, cfg.end_year + 1):
        for day, step in year_steps(year, cfg.pelantikan_per_year, sim.rng):
            run_segment(sim, menu, last + 1, day - 1)
            if step == "pelantikan":
                pelantikan(sim, day)
            elif step == "hire":
                hire(sim, menu, day)
            elif step == "promotion":
                promote(sim, day)
            else:
                appraise(sim, day)
            last = day
