"""Training recommendations with the model's estimate of their effect.

For a candidate, the competencies where the latest assessed level falls short of the
post's standard are the gaps. Every catalog training that develops a gapped competency
is tried: the candidate's snapshot is changed as the training would change it (each
competency it develops raised by the estimated uplift per training, its hours added),
pair features are recomputed by the same code as always, and both models re-score it,
all candidates and trainings in one batch. Sorted by the change in adjustment risk;
trainings that would not lower it are dropped, and a note says when none helps.

The expected changes hold only if the training raises the competencies as much as it
did, on average, for similar employees (the bundle's uplift, see ``training.uplift``):
every recommendation carries the levels the re-scoring assumed (``assumed_uplift``) and
says so in words (``assumption``, also closing its ``reason``). A competency never
assessed is not raised: only the training's hours enter for it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features import columns as c
from features import snapshot as s
from features import vocab as v
from features.arrays import Columns, floats
from features.pairs import PositionTable, float_columns, pair_features
from features.snapshot import catalog_codes
from models.bundle import RankerBundle
from models.scoring import ScoredCandidates, score_candidates
from serving.result import TrainingRecommendation
from serving.texts import competency_name, number, uplift_assumption

MIN_EFFECT = 0.001      # a change in risk smaller than this is "no effect"


@dataclass(frozen=True)
class CatalogIndex:
    """A training catalog as arrays: which competencies each training develops."""

    training_codes: np.ndarray
    names: np.ndarray
    hours: np.ndarray
    leadership: np.ndarray
    domains: np.ndarray
    codes: tuple[str, ...]
    membership: np.ndarray          # trainings x codes

    @classmethod
    def from_frame(cls, catalog: pd.DataFrame) -> "CatalogIndex":
        catalog = catalog.reset_index(drop=True)
        pairs = catalog_codes(catalog)
        codes = tuple(sorted(set(pairs[c.COMPETENCY_CODE])))
        row_of = {code: k for k, code in enumerate(catalog[c.TRAINING_CODE])}
        membership = np.zeros((len(catalog), len(codes)), dtype=bool)
        for training, code in pairs.itertuples(index=False):
            membership[row_of[training], codes.index(code)] = True
        return cls(catalog[c.TRAINING_CODE].to_numpy(dtype="object"), catalog[c.NAME].to_numpy(dtype="object"),
                   catalog[c.HOURS].to_numpy(dtype="float64", na_value=np.nan),
                   (catalog[c.CATEGORY] == v.LEADERSHIP_CATEGORY).to_numpy(dtype=bool),
                   catalog[c.DOMAIN].astype("object").where(catalog[c.DOMAIN].notna(), None).to_numpy(),
                   codes, membership)


def what_if(rows: Columns, catalog: CatalogIndex, training_index: np.ndarray,
            uplift_for: Callable[[str], float]) -> Columns:
    """``rows`` as they would be after completing the trainings ``training_index``;
    ``uplift_for(code)`` is the level a training raises a competency by."""
    hours = np.nan_to_num(catalog.hours[training_index])
    develops = catalog.membership[training_index]
    gain = np.array([uplift_for(code) for code in catalog.codes])
    changed: dict[str, np.ndarray] = {}
    for k, code in enumerate(catalog.codes):
        level, hours_col = s.level_column(code), s.code_hours_column(code)
        if level in rows.columns:
            before = floats(rows, level)
            changed[level] = np.where(develops[:, k], np.minimum(v.MAX_LEVEL, before + gain[k]), before)
        before_hours = floats(rows, hours_col) if hours_col in rows.columns else np.zeros(len(rows))
        changed[hours_col] = before_hours + develops[:, k] * hours
    for col in (s.TRAINING_HOURS_TOTAL, s.TRAINING_HOURS_3Y):
        changed[col] = floats(rows, col) + hours
    changed[s.LEADERSHIP_HOURS] = floats(rows, s.LEADERSHIP_HOURS) + hours * catalog.leadership[training_index]
    domains = catalog.domains[training_index]
    for domain in {d for d in domains if d is not None}:
        col = s.domain_hours_column(domain)
        before = floats(rows, col) if col in rows.columns else np.zeros(len(rows))
        changed[col] = before + hours * (domains == domain)
    return rows.assign(**changed)


def _reason(gapped_codes: list[str], shortfall: dict[str, float], lang: str) -> str:
    parts = []
    for code in gapped_codes:
        short = number(shortfall[code], lang)
        name = competency_name(code, lang)
        parts.append(f"{name} (kurang {short} level)" if lang == "id" else f"{name} ({short} levels short)")
    return ("Mengembangkan " if lang == "id" else "Develops ") + ", ".join(parts)


def _note(has_gap: bool, lang: str) -> str:
    if not has_gap:
        return ("Tidak ada kompetensi terasesmen di bawah standar jabatan; tidak ada pelatihan yang diperlukan."
                if lang == "id" else "No assessed competency is below the post's standard; no training is needed.")
    return ("Tidak ada pelatihan dalam katalog yang diperkirakan menurunkan risiko kandidat ini."
            if lang == "id" else "No training in the catalog is expected to lower this candidate's risk.")


def uplifts(bundle: RankerBundle, catalog: CatalogIndex) -> dict[str, float]:
    """The level a training raises each competency by, as the re-scoring assumes (the
    bundle's estimate from similar employees)."""
    return {code: float(bundle.uplift_for(code)) for code in catalog.codes}


def rescore(bundle: RankerBundle, variants: Columns, positions: PositionTable, position_id: str) -> ScoredCandidates:
    """Both models on ``variants`` (changed snapshot rows, :func:`what_if`) for
    ``position_id``: their pair features recomputed by the same code as always."""
    features = pair_features(variants, positions, np.full(len(variants), position_id, dtype=object))
    return score_candidates(bundle, variants.merge(features))


def recommend(bundle: RankerBundle, rows: Columns, positions: PositionTable, position_id: str,
              catalog: CatalogIndex, base_risk: np.ndarray, base_perf: np.ndarray, lang: str = "id",
              top: int = 3) -> list[tuple[list[TrainingRecommendation], str | None]]:
    """Recommendations and a note (when none helps) for each candidate row (snapshot columns)."""
    codes = catalog.codes
    required = positions.required(np.array([position_id], dtype=object), codes)[0]
    assessed = float_columns(rows, [s.level_column(code) for code in codes])
    gapped = assessed < required                                   # NaN compares False: never assessed
    relevant = (gapped.astype(int) @ catalog.membership.T.astype(int)) > 0     # rows x trainings
    owner, training_index = np.nonzero(relevant)
    gains = uplifts(bundle, catalog)
    if len(owner):
        scored = rescore(bundle, what_if(rows.take(owner), catalog, training_index, gains.__getitem__), positions,
                         position_id)
        perf, risk = scored.performance, scored.risk
    results = []
    for i in range(len(rows)):
        shortfall = {code: required[k] - assessed[i, k] for k, code in enumerate(codes) if gapped[i, k]}
        recs = []
        for k in np.flatnonzero(owner == i):
            change = float(risk[k] - base_risk[i])
            if change > -MIN_EFFECT:
                continue
            t = training_index[k]
            developed = [code for j, code in enumerate(codes) if catalog.membership[t, j] and code in shortfall]
            assumed = {code: gains[code] for j, code in enumerate(codes)
                       if catalog.membership[t, j] and not np.isnan(assessed[i, j])}   # levels it raised
            assumption = uplift_assumption(assumed, lang)
            recs.append(TrainingRecommendation(
                training_code=str(catalog.training_codes[t]), name=str(catalog.names[t]),
                reason=f"{_reason(developed, shortfall, lang)}. {assumption}", expected_risk_change=round(change, 4),
                expected_performance_change=round(float(perf[k] - base_perf[i]), 4), competencies=developed,
                hours=None if np.isnan(catalog.hours[t]) else float(catalog.hours[t]),
                assumed_uplift=assumed, assumption=assumption))
        recs.sort(key=lambda r: (r.expected_risk_change, -r.expected_performance_change))
        results.append((recs[:top], None if recs else _note(bool(shortfall), lang)))
    return results
