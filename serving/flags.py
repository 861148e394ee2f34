"""Moves a reviewer must notice (:class:`~serving.result.MoveFlag`), for the candidates a
ranking returns.

Pure functions over arrays, one entry per candidate: the current post (job class, field,
type) at the decision date and the target post. A missing value never raises a flag: an
unknown current job class is not a demotion. Words for each flag: ``serving.texts.flag_text``.
"""

import numpy as np

from features import vocab as v
from serving.result import MoveFlag

# 300 km: in the island provinces (NTT, Maluku, Papua) that is another island or a
# day's sea/air journey; in Java or Sumatra a move across most of the province. A move
# inside one kabupaten/kota is under ~100 km, between neighbouring ones ~100–200 km.
LONG_DISTANCE_KM = 300.0
HEAD_OF_AGENCY_TYPES = tuple(t for t in v.POSITION_TYPES if t.startswith("jpt_"))    # JPT: heads of agencies
STAFF_TYPES = ("pelaksana", "fungsional")


def _floats(values) -> np.ndarray:
    return np.asarray(values, dtype="float64")


def _texts(values) -> np.ndarray:
    return np.array([x if isinstance(x, str) and x else None for x in values], dtype=object)


def flag_masks(current_job_class, target_job_class, current_domain, target_domain, distance_km,
               current_type, target_type) -> dict[MoveFlag, np.ndarray]:
    """One boolean array per flag over the candidates (every argument one value per candidate)."""
    now_class, new_class = _floats(current_job_class), _floats(target_job_class)
    now_domain, new_domain = _texts(current_domain), _texts(target_domain)
    now_type, new_type = _texts(current_type), _texts(target_type)
    known_domains = (now_domain != None) & (new_domain != None)     # noqa: E711 (elementwise)
    return {
        MoveFlag.JOB_CLASS_DOWN: new_class < now_class,             # NaN compares False
        MoveFlag.FIELD_CHANGE: known_domains & (now_domain != new_domain),
        MoveFlag.LONG_DISTANCE: _floats(distance_km) >= LONG_DISTANCE_KM,
        MoveFlag.HEAD_TO_STAFF: np.isin(now_type, HEAD_OF_AGENCY_TYPES) & np.isin(new_type, STAFF_TYPES),
    }


def move_flags(current_job_class, target_job_class, current_domain, target_domain, distance_km,
               current_type, target_type) -> list[list[MoveFlag]]:
    """Per candidate, the flags raised, in :class:`MoveFlag` order."""
    masks = flag_masks(current_job_class, target_job_class, current_domain, target_domain, distance_km,
                       current_type, target_type)
    n = len(_floats(distance_km))
    return [[flag for flag, mask in masks.items() if mask[i]] for i in range(n)]
