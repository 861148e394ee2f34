"""Pair features of (employee snapshot, target position): how well a person fits a post.

Training (past transfers) and serving (candidates for a vacancy) both call
:func:`pair_features`, so both transform identically. Positions are described by a
:class:`PositionTable`, built from the dataset or holding an ad-hoc vacancy.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.arrays import Columns, floats, objects
from features.geo import haversine_km
from features.io import Dataset

# --- pair feature names ---------------------------------------------------------------------
TARGET_POSITION_TYPE = "target_position_type"
TARGET_DOMAIN = "target_domain"
TARGET_JOB_CLASS = "target_job_class"
JOB_CLASS_STEP = "job_class_step"
TARGET_REMOTE = "target_remote"
DISTANCE_KM = "distance_km"
RELOCATION = "relocation"
RELOCATION_UNWILLING = "relocation_unwilling"
DOMAIN_SWITCH = "domain_switch"
TARGET_DOMAIN_YEARS = "target_domain_years"
EDUCATION_FIELD_MATCH = "education_field_match"
EDUCATION_HEADROOM = "education_headroom"
GRADE_HEADROOM = "grade_headroom"
FIRST_MANAGERIAL = "first_managerial"
TECH_GAP = "tech_gap"
MANAGERIAL_SHORTFALL = "managerial_shortfall"
N_SHORTFALLS = "n_shortfalls"
DOMAIN_TRAINING_HOURS_3Y = "domain_training_hours_3y"
GAP_TRAINING_HOURS_3Y = "gap_training_hours_3y"
PREF_DOMAIN_MATCH = "pref_domain_match"
PREF_REGION_MATCH = "pref_region_match"

# core competencies every post standard is expected to list (m.01..m.08, sk.01)
CORE_COMPETENCIES = (*v.MANAGERIAL_COMPETENCIES, v.SOCIOCULTURAL_COMPETENCY)


def gap_column(code: str) -> str:
    """Assessed minus required level of a core competency (negative = shortfall)."""
    return f"gap_{code}"


GAP_COLUMNS = tuple(gap_column(code) for code in CORE_COMPETENCIES)


@dataclass(frozen=True)
class PositionTable:
    """Target posts: attributes indexed by position_id, required levels wide by code."""

    attributes: pd.DataFrame    # domain, position_type, job_class, min ranks, region, lat/lon, remote
    standards: pd.DataFrame     # position_id x competency_code -> required level (NaN = not required)
    regions: pd.DataFrame       # region_id -> latitude, longitude, remote

    def __post_init__(self) -> None:
        # numpy lookups built once: scoring one post against thousands of rows stays cheap
        pad = {np.dtype("float64"): np.nan}
        padded = {col: np.append(arr, pad.get(arr.dtype, None)) for col, arr in
                  ((col, self.attributes[col].to_numpy()) for col in self.attributes.columns)}
        std = np.full((len(self.standards) + 1, len(self.standards.columns) + 1), np.nan)
        std[:-1, :-1] = self.standards.to_numpy(dtype="float64")
        object.__setattr__(self, "_attribute_row", {p: k for k, p in enumerate(self.attributes.index)})
        object.__setattr__(self, "_attribute_arrays", padded)
        object.__setattr__(self, "_standard_row", {p: k for k, p in enumerate(self.standards.index)})
        object.__setattr__(self, "_standard_column", {code: k for k, code in enumerate(self.standards.columns)})
        object.__setattr__(self, "_standard_matrix", std)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> "PositionTable":
        regions = dataset.regions.set_index(c.REGION_ID)[[c.LATITUDE, c.LONGITUDE, c.REMOTE]]
        pos = s.position_frame(dataset)
        return cls(_attributes(pos, regions), _standards(dataset.position_competencies), regions)

    def only(self, position_ids) -> "PositionTable":
        """The table of some posts alone (a round's vacancies), for work sent to many
        processes: a national table of a million posts and their standards is ~1 GB."""
        keep = pd.Index(pd.unique(np.asarray(position_ids, dtype=object)))
        return PositionTable(self.attributes.loc[self.attributes.index.intersection(keep, sort=False)],
                             self.standards.loc[self.standards.index.intersection(keep, sort=False)], self.regions)

    def with_vacancy(self, position_id: str, unit_region_id: str, position_type: str, domain: str,
                     job_class: float, min_grade: str, min_education: str,
                     standards: dict[str, float], functional_level: str | None = None,
                     required_fields: str | None = None) -> "PositionTable":
        """A copy that also holds an ad-hoc vacancy not in the data (e.g. a disaster post)."""
        row = pd.DataFrame({c.DOMAIN: [domain], c.POSITION_TYPE: [position_type],
                            c.FUNCTIONAL_LEVEL: [functional_level], c.JOB_CLASS: [float(job_class)],
                            c.MIN_GRADE: [min_grade], c.MIN_EDUCATION: [min_education],
                            c.REQUIRED_FIELDS: [required_fields], c.REGION_ID: [unit_region_id]}, index=pd.Index([position_id], name=c.POSITION_ID))
        attrs = pd.concat([self.attributes.drop(index=position_id, errors="ignore"),
                           _attributes(row, self.regions)])
        std = pd.DataFrame([standards], index=pd.Index([position_id], name=c.POSITION_ID), dtype="float64")
        merged = pd.concat([self.standards.drop(index=position_id, errors="ignore"), std])
        return PositionTable(attrs, merged, self.regions)

    def required(self, position_ids: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
        """Required levels (rows = position_ids, columns = codes), NaN when not required."""
        rows, uniq = pd.factorize(np.asarray(position_ids, dtype="object"))
        at = [self._standard_row.get(p, -1) for p in uniq]
        cols = [self._standard_column.get(code, -1) for code in codes]
        wide = self._standard_matrix[np.ix_(at, cols)] if len(at) else np.empty((0, len(codes)))
        return wide[rows] if len(rows) else np.empty((0, len(codes)))

    def region_coordinates(self, region_ids) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude of each region id (NaN for unknown or missing ids)."""
        at = self.regions.index.get_indexer(np.asarray(region_ids, dtype="object"))
        lat = np.append(self.regions[c.LATITUDE].to_numpy(dtype="float64"), np.nan)[at]
        lon = np.append(self.regions[c.LONGITUDE].to_numpy(dtype="float64"), np.nan)[at]
        return lat, lon

    def columns_for(self, position_ids: np.ndarray, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
        """Attribute columns of each row's position (missing values for unknown ids); each
        distinct position is looked up once, so one post against many rows is cheap."""
        rows, uniq = pd.factorize(np.asarray(position_ids, dtype="object"))
        at = np.array([self._attribute_row.get(p, -1) for p in uniq], dtype=np.int64)[rows]
        return {col: self._attribute_arrays[col][at] for col in columns}


def _attributes(pos: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    reg = regions.reindex(pos[c.REGION_ID])
    return pd.DataFrame({
        c.DOMAIN: pos[c.DOMAIN], c.POSITION_TYPE: pos[c.POSITION_TYPE],
        c.FUNCTIONAL_LEVEL: pos[c.FUNCTIONAL_LEVEL], c.JOB_CLASS: pos[c.JOB_CLASS].astype("float64"),
        "min_grade_rank": pos[c.MIN_GRADE].map(v.GRADE_RANK).astype("float64"),
        "min_education_rank": pos[c.MIN_EDUCATION].map(v.EDUCATION_RANK).astype("float64"),
        c.MIN_GRADE: pos[c.MIN_GRADE], c.MIN_EDUCATION: pos[c.MIN_EDUCATION],
        c.REQUIRED_FIELDS: pos[c.REQUIRED_FIELDS] if c.REQUIRED_FIELDS in pos else None,
        c.REGION_ID: pos[c.REGION_ID],
        c.LATITUDE: reg[c.LATITUDE].to_numpy(), c.LONGITUDE: reg[c.LONGITUDE].to_numpy(),
        c.REMOTE: reg[c.REMOTE].astype("float64").to_numpy(),
    }, index=pos.index)


def _standards(position_competencies: pd.DataFrame) -> pd.DataFrame:
    wide = position_competencies.pivot_table(index=c.POSITION_ID, columns=c.COMPETENCY_CODE,
                                             values=c.REQUIRED_LEVEL, aggfunc="max")
    wide.columns = wide.columns.astype("str")
    return wide.astype("float64")



def float_columns(frame, names) -> np.ndarray:
    """Columns ``names`` of a DataFrame or ``Columns`` as a float matrix (rows x names);
    absent columns are NaN. Column by column: much cheaper than reindexing a wide frame."""
    out = np.full((len(frame), len(names)), np.nan)
    present = set(frame.columns)
    for k, name in enumerate(names):
        if name in present:
            out[:, k] = floats(frame, name)
    return out


def _wide(snapshot, column_of, keys) -> np.ndarray:
    """Snapshot columns named by ``column_of(key)`` as a matrix; NaN for absent keys."""
    return float_columns(snapshot, [column_of(k) for k in keys])


def _pick(snapshot, column_of, keys: np.ndarray, default: float) -> np.ndarray:
    """Per row, the snapshot column ``column_of(key)`` of that row's key."""
    uniq, inverse = np.unique(np.asarray(keys, dtype="str"), return_inverse=True)
    matrix = _wide(snapshot, column_of, uniq)
    picked = matrix[np.arange(len(snapshot)), inverse] if len(snapshot) else np.empty(0)
    return np.where(np.isnan(picked), default, picked)


def _same(a, b) -> np.ndarray:
    """Elementwise equality of two code arrays; NaN where either side is missing."""
    a, b = np.asarray(a, dtype="object"), np.asarray(b, dtype="object")
    missing = pd.isna(a) | pd.isna(b)
    return np.where(missing, np.nan, (a == b).astype("float64"))


def competency_gaps(snapshot, positions: PositionTable, position_ids: np.ndarray,
                    codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Assessed and required levels for ``codes`` (NaN = not assessed / not required)."""
    assessed = _wide(snapshot, s.level_column, codes)
    return assessed, positions.required(position_ids, codes)


def pair_features(snapshot, positions: PositionTable, position_ids):
    """Pair features, one row per snapshot row paired with the matching target position.
    Takes a DataFrame (returns a DataFrame on its index) or ``Columns`` (returns Columns)."""
    ids = np.asarray(position_ids, dtype="object")
    target = positions.columns_for(ids, (c.POSITION_TYPE, c.DOMAIN, c.JOB_CLASS, c.REMOTE, c.REGION_ID,
                                         c.LATITUDE, c.LONGITUDE, "min_grade_rank", "min_education_rank"))
    n = len(snapshot)
    managerial_target = np.isin(target[c.POSITION_TYPE], v.MANAGERIAL_POSITION_TYPES)

    core_assessed, core_required = competency_gaps(snapshot, positions, ids, CORE_COMPETENCIES)
    core_gap = core_assessed - core_required
    shortfall = np.clip(-core_gap, 0, None)
    any_core = ~np.isnan(core_gap).all(axis=1)
    gapped = core_gap < 0

    tech_codes = tuple(code for code in positions.standards.columns if v.is_technical(code))
    tech_assessed, tech_required = competency_gaps(snapshot, positions, ids, tech_codes)
    tech_gap_all = tech_assessed - tech_required
    has_tech = ~np.isnan(tech_gap_all).all(axis=1) if tech_codes else np.zeros(n, bool)
    tech_gap = np.full(n, np.nan)
    if has_tech.any():
        tech_gap[has_tech] = np.nanmin(tech_gap_all[has_tech], axis=1)
    tech_gapped = np.nan_to_num(tech_gap_all, nan=0.0) < 0

    core_hours = _wide(snapshot, s.code_hours_column, CORE_COMPETENCIES)
    tech_hours = _wide(snapshot, s.code_hours_column, tech_codes)
    gap_hours = np.nansum(np.where(gapped, core_hours, 0.0), axis=1)
    gap_hours += np.nansum(np.where(tech_gapped, tech_hours, 0.0), axis=1) if tech_codes else 0.0

    domain = target[c.DOMAIN]
    current_region = objects(snapshot, s.CURRENT_REGION_ID)
    distance = haversine_km(*positions.region_coordinates(current_region), target[c.LATITUDE], target[c.LONGITUDE])
    relocation = np.where(np.isnan(distance), np.nan, _same(current_region, target[c.REGION_ID]) == 0)
    willing = floats(snapshot, s.WILLING_TO_RELOCATE)

    out = {
        TARGET_POSITION_TYPE: target[c.POSITION_TYPE],
        TARGET_DOMAIN: domain,
        TARGET_JOB_CLASS: target[c.JOB_CLASS].astype("float64"),
        JOB_CLASS_STEP: target[c.JOB_CLASS].astype("float64") - floats(snapshot, s.CURRENT_JOB_CLASS),
        TARGET_REMOTE: target[c.REMOTE].astype("float64"),
        DISTANCE_KM: distance,
        RELOCATION: relocation.astype("float64"),
        RELOCATION_UNWILLING: np.where(relocation == 0, 0.0, relocation * (1.0 - willing)),
        DOMAIN_SWITCH: 1.0 - _same(objects(snapshot, s.CURRENT_DOMAIN), domain),
        TARGET_DOMAIN_YEARS: _pick(snapshot, s.domain_years_column, domain, 0.0),
        EDUCATION_FIELD_MATCH: np.nan_to_num(_same(objects(snapshot, s.EDUCATION_FIELD), domain), nan=0.0),
        EDUCATION_HEADROOM: floats(snapshot, s.EDUCATION_RANK) - target["min_education_rank"].astype("float64"),
        GRADE_HEADROOM: floats(snapshot, s.GRADE_RANK) - target["min_grade_rank"].astype("float64"),
        FIRST_MANAGERIAL: (managerial_target & ~(floats(snapshot, s.EVER_MANAGERIAL) > 0)).astype("float64"),
        TECH_GAP: tech_gap,
        MANAGERIAL_SHORTFALL: np.where(any_core, np.nansum(shortfall, axis=1), np.nan),
        N_SHORTFALLS: np.where(any_core, gapped.sum(axis=1), np.nan),
        DOMAIN_TRAINING_HOURS_3Y: _pick(snapshot, s.domain_hours_column, domain, 0.0),
        GAP_TRAINING_HOURS_3Y: gap_hours,
        PREF_DOMAIN_MATCH: _same(objects(snapshot, s.PREFERRED_DOMAIN), domain),
        PREF_REGION_MATCH: _same(objects(snapshot, s.PREFERRED_REGION_ID), target[c.REGION_ID]),
    }
    for k, code in enumerate(CORE_COMPETENCIES):
        out[gap_column(code)] = core_gap[:, k]
    if isinstance(snapshot, Columns):
        return Columns(out)
    return pd.DataFrame(out, index=snapshot.index)
