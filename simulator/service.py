"""Units' service indicators with the known programme effect on service
(:class:`simulator.program.ProgramSettings`): the ``service_indicators`` table.

Per unit and period (calendar year) with staff on the period's first day, indicator
``ikm`` (indeks kepuasan masyarakat, 0-100, higher is better) on 31 December:

    BASE + unit (N(0, UNIT_SD)) + TREND * (period - first year) + year (N(0, SHOCK_SD))
    + sum over k of service[k] * share_moved(unit, period - k) + noise (N(0, NOISE_SD))

rounded to 0.01 and kept within 0-100. ``share_moved`` is
:func:`features.program_panel.share_moved` on the simulator's own tables: the definition
the analysis uses (a share before the first year counts as 0).

Drawn after the tables from its own random stream (seeded by the simulation's seed), for
every unit and period whether or not the unit has staff, so no other table changes.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features.io import DATE_DTYPE, dataset_from_tables
from features.program_panel import HEADCOUNT, PERIOD, SHARE_MOVED, share_moved
from simulator import days as d
from simulator.context import Sim
from simulator.program import IKM, ProgramSettings

SERVICE_STREAM = 20_260_318       # mixed with the seed: a stream no other draw uses
BASE, TREND = 72.0, 0.5
UNIT_SD, SHOCK_SD, NOISE_SD = 5.0, 1.0, 1.5
LOW, HIGH = 0.0, 100.0


def lagged_effect(shares: pd.DataFrame, settings: ProgramSettings) -> pd.Series:
    """``sum_k service[k] * share(unit, period - k)`` per row of ``shares`` (unit, period)."""
    table = shares.set_index([c.UNIT_ID, PERIOD])[SHARE_MOVED]
    total = np.zeros(len(shares))
    for lag, points in enumerate(settings.service):
        keys = pd.MultiIndex.from_arrays([shares[c.UNIT_ID], shares[PERIOD] - lag])
        total += points * table.reindex(keys).fillna(0.0).to_numpy()
    return pd.Series(total, index=shares.index)


def draw_service(seed: int, shares: pd.DataFrame, settings: ProgramSettings, first_year: int) -> pd.DataFrame:
    """The ``ikm`` value of every (unit, period) row of ``shares`` with headcount > 0,
    deterministic by seed. ``shares``: ``unit_id, period, headcount, share_moved`` for every
    unit and every period from ``first_year`` on."""
    rng = np.random.default_rng([int(seed), SERVICE_STREAM])
    units = np.sort(shares[c.UNIT_ID].unique())
    periods = np.sort(shares[PERIOD].unique())
    unit_base = pd.Series(UNIT_SD * rng.standard_normal(len(units)), index=units)
    year_shock = pd.Series(SHOCK_SD * rng.standard_normal(len(periods)), index=periods)
    grid = shares.sort_values([PERIOD, c.UNIT_ID], kind="stable").reset_index(drop=True)
    noise = NOISE_SD * rng.standard_normal(len(grid))
    value = (BASE + unit_base.reindex(grid[c.UNIT_ID]).to_numpy() + TREND * (grid[PERIOD] - first_year).to_numpy()
             + year_shock.reindex(grid[PERIOD]).to_numpy() + lagged_effect(grid, settings).to_numpy() + noise)
    grid = grid.assign(**{c.VALUE: np.round(np.clip(value, LOW, HIGH), 2)})
    return grid[grid[HEADCOUNT] > 0].reset_index(drop=True)


def service_table(sim: Sim, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The ``service_indicators`` contract table of a finished run."""
    cfg = sim.config
    shares = share_moved(dataset_from_tables(tables), periods=list(range(cfg.start_year, cfg.end_year + 1)))
    rows = draw_service(cfg.seed, shares, cfg.program, cfg.start_year)
    ends = d.as_datetime64(d.year_start(rows[PERIOD].to_numpy(dtype=np.int64) + 1) - 1)
    out = pd.DataFrame({c.UNIT_ID: rows[c.UNIT_ID].astype("str"), c.PERIOD_END: ends.astype(DATE_DTYPE),
                        c.INDICATOR: pd.Series([IKM] * len(rows), dtype="str"),
                        c.VALUE: rows[c.VALUE].astype(float), c.HIGHER_IS_BETTER: np.ones(len(rows), dtype=bool)})
    return out.sort_values([c.UNIT_ID, c.PERIOD_END, c.INDICATOR], kind="stable").reset_index(drop=True)
