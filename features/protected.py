"""Protected attributes (contract section 2): gender, age and home region.

They are never model features. Only eligibility (retirement), the DUK seniority baseline,
the fairness audit and the fair re-ranking of top lists (:mod:`models.fair`, where they
are *constraints* on who fills a top list, never inputs of a score) read them, through
this module. :func:`protected_groups` is the one labelling of candidates into audited
groups, shared by serving (fair top lists) and training (the audit), so a list is served
under the same groups it is audited under.
"""

import numpy as np
import pandas as pd

from features import columns as c
from features.io import Dataset
from features.names import AS_OF
from features.vocab import DAYS_PER_YEAR

GENDER, AGE_BAND, HOME_REGION = "gender", "age_band", "home_region"
ATTRIBUTES = (GENDER, AGE_BAND, HOME_REGION)
AGE_BANDS = (0, 30, 40, 50, 200)
AGE_LABELS = ("<30", "30-39", "40-49", "50+")
UNKNOWN_GROUP = "unknown"


def age_years(dataset: Dataset, employee_ids, as_of) -> np.ndarray:
    """Age in years of each employee at the matching decision date (NaN when unknown)."""
    birth = dataset.employees.set_index(c.EMPLOYEE_ID)[c.BIRTH_DATE]
    born = birth.reindex(np.asarray(employee_ids, dtype="object")).to_numpy(dtype="datetime64[ns]")
    when = pd.to_datetime(np.asarray(as_of)).to_numpy(dtype="datetime64[ns]")
    return (when - born) / np.timedelta64(1, "D") / DAYS_PER_YEAR


def protected_groups(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Gender, age band at ``as_of`` and home region of each row's employee (``frame`` holds
    ``employee_id`` and ``as_of``); unknown values form the group ``unknown``."""
    emp = dataset.employees.set_index(c.EMPLOYEE_ID).reindex(frame[c.EMPLOYEE_ID])
    age = age_years(dataset, frame[c.EMPLOYEE_ID], frame[AS_OF])
    bands = pd.cut(age, AGE_BANDS, right=False, labels=AGE_LABELS).astype("str")
    return pd.DataFrame({GENDER: emp[c.GENDER].fillna(UNKNOWN_GROUP).to_numpy(dtype=object),
                         AGE_BAND: np.where(pd.isna(age), UNKNOWN_GROUP, bands).astype(object),
                         HOME_REGION: emp[c.HOME_REGION_ID].fillna(UNKNOWN_GROUP).to_numpy(dtype=object)},
                        index=frame.index)


def pool_groups(dataset: Dataset, employee_ids, as_of: pd.Timestamp) -> pd.DataFrame:
    """:func:`protected_groups` of one pool's candidates at one decision date."""
    ids = np.asarray(employee_ids, dtype=object)
    return protected_groups(pd.DataFrame({c.EMPLOYEE_ID: ids, AS_OF: pd.Timestamp(as_of)}), dataset)
