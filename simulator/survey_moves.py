"""The transfers a survey is sent about, read from a finished history: when each began,
its hidden failure probability, whether it crossed regions, the person's stated
willingness to relocate then, and until when the post was held (:mod:`simulator.surveys`)."""

import numpy as np
import pandas as pd

from features import columns as c
from simulator import days as d
from simulator.context import Sim
from simulator.moves import TRUTH
from simulator.surveys import Moves


def moves_of(sim: Sim) -> Moves:
    """Every recorded transfer with what its surveys need, read from the finished history."""
    truth = pd.DataFrame(sim.rec.columns(TRUTH))
    if truth.empty:
        empty = np.empty(0, dtype=np.int64)
        return Moves(empty, empty, np.empty(0), np.empty(0, dtype=bool), np.empty(0, dtype=bool), empty, empty)
    posts = pd.DataFrame(sim.rec.columns(c.ASSIGNMENTS))[[c.EMPLOYEE_ID, c.START_DATE, c.POSITION_ID]]
    posts = posts.sort_values([c.EMPLOYEE_ID, c.START_DATE], kind="stable").reset_index(drop=True)
    same = posts[c.EMPLOYEE_ID].eq(posts[c.EMPLOYEE_ID].shift(-1))
    posts["held_until"] = np.where(same, posts[c.START_DATE].shift(-1).fillna(0) - 1, d.FAR_FUTURE).astype(np.int64)
    posts["from_pos"] = posts[c.POSITION_ID].shift(1).where(posts[c.EMPLOYEE_ID].eq(posts[c.EMPLOYEE_ID].shift(1)))
    rows = truth.merge(posts.drop_duplicates([c.EMPLOYEE_ID, c.START_DATE, c.POSITION_ID], keep="last"),
                       on=[c.EMPLOYEE_ID, c.START_DATE, c.POSITION_ID], how="left")
    region = sim.world.region
    from_pos = rows["from_pos"].to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(from_pos)
    pos = rows[c.POSITION_ID].to_numpy(dtype=np.int64)
    relocated = np.zeros(len(rows), dtype=bool)
    relocated[known] = region[from_pos[known].astype(np.int64)] != region[pos[known]]
    employee = rows[c.EMPLOYEE_ID].to_numpy(dtype=np.int64)
    start = rows[c.START_DATE].to_numpy(dtype=np.int64)
    return Moves(employee, start, rows["failure_prob"].to_numpy(dtype="float64"), relocated,
                 stated_willing(sim, employee, start), rows["held_until"].to_numpy(dtype=np.int64),
                 sim.state.exit_day[employee])


def stated_willing(sim: Sim, employee: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The last stated willingness to relocate on or before ``day`` (False if never stated)."""
    said = pd.DataFrame(sim.rec.columns(c.PREFERENCES))
    out = np.zeros(len(employee), dtype=bool)
    if said.empty:
        return out
    said = said.sort_values([c.STATED_DATE], kind="stable")[[c.EMPLOYEE_ID, c.STATED_DATE, c.WILLING_TO_RELOCATE]]
    query = pd.DataFrame({"_row": np.arange(len(employee)), c.EMPLOYEE_ID: employee, c.STATED_DATE: day})
    query = query.sort_values(c.STATED_DATE, kind="stable")
    found = pd.merge_asof(query, said, on=c.STATED_DATE, by=c.EMPLOYEE_ID, direction="backward")
    out[found["_row"].to_numpy()] = found[c.WILLING_TO_RELOCATE].fillna(False).to_numpy(dtype=bool)
    return out
