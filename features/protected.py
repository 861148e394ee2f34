"""Protected attributes (contract section 2): gender, age and home region.

They are never model features. Only eligibility (retirement), the DUK seniority baseline
and the fairness audit read them, through this module.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features.io import Dataset
from features.vocab import DAYS_PER_YEAR


def age_years(dataset: Dataset, employee_ids, as_of) -> np.ndarray:
    """Age in years of each employee at the matching decision date (NaN when unknown)."""
    birth = dataset.employees.set_index(c.EMPLOYEE_ID)[c.BIRTH_DATE]
    born = birth.reindex(np.asarray(employee_ids, dtype="object")).to_numpy(dtype="datetime64[ns]")
    when = pd.to_datetime(np.asarray(as_of)).to_numpy(dtype="datetime64[ns]")
    return (when - born) / np.timedelta64(1, "D") / DAYS_PER_YEAR
