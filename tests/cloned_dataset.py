"""Many shifted copies of the tiny dataset: a contract dataset big enough to train on in a
second, for tests of training mechanics (not of model quality)."""

import numpy as np
import pandas as pd

from tiny_dataset import tiny_tables

PER_EMPLOYEE = ("employees", "exits", "assignments", "grades", "education", "appraisals",
                "competency_assessments", "trainings", "discipline", "preferences", "status_periods")
DATE_COLUMNS = ("birth_date", "cpns_date", "exit_date", "start_date", "end_date", "effective_date",
                "graduation_date", "period_start", "period_end", "assessed_date", "stated_date")
RATINGS = ["sangat_baik", "baik", "baik", "baik", "butuh_perbaikan", "kurang"]


def cloned_tables(copies: int = 40, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Copies of the tiny employees, each shifted by whole years (so appraisal periods stay
    calendar years), with ratings and levels redrawn so labels vary."""
    rng = np.random.default_rng(seed)
    base = tiny_tables()
    out = {name: [] for name in PER_EMPLOYEE}
    for k in range(copies):
        years = int(rng.integers(-3, 4))
        for name in PER_EMPLOYEE:
            frame = base[name].copy()
            if frame.empty:
                continue
            frame["employee_id"] = frame["employee_id"] + f"-{k}"
            if "display_name" in frame.columns:       # names stay distinct across copies
                frame["display_name"] = frame["display_name"].where(frame["display_name"] == "",
                                                                    frame["display_name"] + f" {k}")
            for col in DATE_COLUMNS:
                if col in frame.columns:
                    dates = pd.to_datetime(frame[col], errors="coerce") + pd.DateOffset(years=years)
                    frame[col] = dates.dt.strftime("%Y-%m-%d").fillna("")
            if name == "appraisals":
                frame["rating"] = rng.choice(RATINGS, len(frame))
            if name == "competency_assessments":
                frame["level"] = np.round(rng.uniform(1.5, 4.5, len(frame)), 1).astype(str)
            out[name].append(frame)
    tables = dict(base)
    for name, frames in out.items():
        if frames:
            tables[name] = pd.concat(frames, ignore_index=True)
    return tables
