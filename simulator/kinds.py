"""Kinds of posts: position type (and functional level) with their defaults.

A kind fixes the job class, the minimum grade and education, the required competency
levels, the leadership training it expects and who may be moved into it.
"""

from dataclasses import dataclass

import numpy as np

from features import vocab as v
from features.vocab import DEFAULT_RETIREMENT_AGE

RETIREMENT_AGE = DEFAULT_RETIREMENT_AGE   # batas usia pensiun of most posts (contract: else 58)
SENIOR_RETIREMENT_AGE = 60                # JPT and ahli madya


@dataclass(frozen=True)
class KindSpec:
    name: str
    position_type: str
    functional_level: str | None
    job_class: int
    min_grade: str
    min_education: str
    generic_level: int         # required level of m.01..m.08 and sk.01
    top_level: int             # highest level any core code of such a post may require
    tech_level: int            # required level of t.<domain of the post>
    leadership: int            # leadership training the post expects: 0 none, 1 PKP, 2 PKA, 3 PKN II
    retire_at_60: bool         # SENIOR_RETIREMENT_AGE applies (JPT, ahli madya)
    entry: bool                # a new CPNS/PPPK can be appointed straight into it
    title_suffix: str = ""


KINDS: tuple[KindSpec, ...] = (
    KindSpec("jpt_madya", "jpt_madya", None, 16, "IV/c", "s2", 4, 5, 4, 3, True, False),
    KindSpec("jpt_pratama", "jpt_pratama", None, 14, "IV/a", "s1", 4, 4, 4, 3, True, False),
    KindSpec("administrator", "administrator", None, 12, "III/d", "s1", 3, 4, 3, 2, False, False),
    KindSpec("pengawas", "pengawas", None, 9, "III/b", "d4", 3, 3, 3, 1, False, False),
    KindSpec("ahli_madya", "fungsional", "ahli_madya", 11, "IV/a", "s1", 3, 4, 4, 0, True, False,
             "Ahli Madya"),
    KindSpec("ahli_muda", "fungsional", "ahli_muda", 9, "III/c", "s1", 3, 4, 3, 0, False, False,
             "Ahli Muda"),
    KindSpec("ahli_pertama", "fungsional", "ahli_pertama", 8, "III/a", "s1", 2, 3, 3, 0, False, True,
             "Ahli Pertama"),
    KindSpec("mahir", "fungsional", "mahir", 7, "III/a", "d3", 2, 3, 3, 0, False, False, "Mahir"),
    KindSpec("terampil", "fungsional", "terampil", 6, "II/c", "d3", 2, 2, 2, 0, False, True, "Terampil"),
    KindSpec("pelaksana", "pelaksana", None, 5, "II/a", "sma", 2, 2, 2, 0, False, True),
)
KIND_INDEX = {k.name: i for i, k in enumerate(KINDS)}

# who may be moved into a kind (besides the job class step rule in selection)
SOURCES: dict[str, tuple[str, ...]] = {
    "jpt_madya": ("jpt_madya", "jpt_pratama"),
    "jpt_pratama": ("jpt_pratama", "administrator", "ahli_madya"),
    "administrator": ("administrator", "pengawas", "ahli_madya", "ahli_muda"),
    "pengawas": ("pengawas", "pelaksana", "ahli_pertama", "ahli_muda", "mahir"),
    "ahli_madya": ("ahli_madya", "ahli_muda", "administrator"),
    "ahli_muda": ("ahli_muda", "ahli_pertama", "pengawas", "mahir", "pelaksana"),
    "ahli_pertama": ("ahli_pertama", "pelaksana", "terampil", "mahir"),
    "mahir": ("mahir", "terampil", "pelaksana"),
    "terampil": ("terampil", "pelaksana"),
    "pelaksana": ("pelaksana", "terampil"),
}

# managerial posts whose required levels of these codes are one above the kind's default
DEMANDING_CODES: dict[str, tuple[str, ...]] = {"administrator": ("m.06", "m.07", "m.08")}
# pelaksana posts need only level 1 on these codes
LIGHT_CODES: dict[str, tuple[str, ...]] = {"pelaksana": ("m.06", "m.07", "m.08")}


def kind_array(attribute: str, dtype=None) -> np.ndarray:
    """One attribute of every kind, indexed by kind number."""
    return np.array([getattr(k, attribute) for k in KINDS], dtype=dtype)


# per kind, indexed by kind number
KIND_NAMES = kind_array("name")
MANAGERIAL = np.array([k.position_type in v.MANAGERIAL_POSITION_TYPES for k in KINDS])
FUNCTIONAL = kind_array("position_type") == "fungsional"
ENTRY = kind_array("entry", bool)
LEADERSHIP_NEEDED = kind_array("leadership", np.int64)
RETIRE_AT_60 = kind_array("retire_at_60", bool)


def transition_matrix() -> np.ndarray:
    """``allowed[from_kind, to_kind]``: a manager may move a holder of one into the other."""
    allowed = np.zeros((len(KINDS), len(KINDS)), dtype=bool)
    for target, sources in SOURCES.items():
        for source in sources:
            allowed[KIND_INDEX[source], KIND_INDEX[target]] = True
    return allowed
