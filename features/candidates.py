"""The candidate pool of one post: everyone at the decision date, why each excluded
employee is out (contract section 4), and the eligible ones with the pair features the
models take. Serving, the fairness audit and the evaluation all build pools here and
score them with :func:`models.scoring.score_candidates`."""

from dataclasses import dataclass

import numpy as np

from features.arrays import Columns
from features.eligibility import EligibilityRules, employee_reasons, join_reasons, position_reasons
from features.pairs import PositionTable, pair_features

DEFAULT_RULES = EligibilityRules()


@dataclass(frozen=True)
class CandidatePool:
    view: Columns               # every employee's snapshot at the decision date
    reasons: np.ndarray         # per row of ``view``: ';'-joined reason codes, '' when eligible
    candidates: Columns         # the eligible rows of ``view``
    frame: Columns              # the candidates' snapshot and pair features

    def __len__(self) -> int:
        return len(self.candidates)


def candidate_pool(view: Columns, positions: PositionTable, position_id: str,
                   rules: EligibilityRules = DEFAULT_RULES, employee_masks: dict[str, np.ndarray] | None = None,
                   extra_masks: dict[str, np.ndarray] | None = None) -> CandidatePool:
    """The pool of ``position_id`` from snapshot columns ``view``. ``employee_masks`` are
    the post-independent rule masks when the caller has them cached (else computed);
    ``extra_masks`` add the caller's own exclusions (e.g. a unit filter) by reason code."""
    ids = np.full(len(view), position_id, dtype=object)
    masks = dict(employee_masks) if employee_masks is not None else employee_reasons(view, rules)
    masks |= position_reasons(view, positions, ids, rules)
    masks |= extra_masks or {}
    reasons = join_reasons(masks, len(view))
    candidates = view.take(np.flatnonzero(reasons == ""))
    frame = candidates.merge(pair_features(candidates, positions, ids[: len(candidates)]))
    return CandidatePool(view, reasons, candidates, frame)
