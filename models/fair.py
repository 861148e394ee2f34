"""Fair top lists: the served order of a pool whose top-k keeps every protected group's
selection rate near its share of the pool, at the smallest loss of policy score.

Protected attributes (gender, age band, home region; :mod:`features.protected`) enter
here only as *constraints* on who fills the top-k, never as inputs of a score: the
predictions and the policy score of every candidate are unchanged.

**Bounds.** Per attribute and group ``g`` with ``N_g`` of the pool's ``N`` candidates, the
expected count in a top-k drawn without regard to the group is ``e_g = k·N_g/N``. The top-k
must hold ``l_g ≤ n_g ≤ u_g`` with ``l_g = e_g·√t`` and ``u_g = e_g/√t``: then every group's
selection rate lies in ``[√t·k/N, k/(√t·N)]``, so the lowest rate is at least ``t`` times the
highest, per list; the audit pools selections over vacancies, and the ratio of pooled rates
stays near ``t`` as long as groups are spread alike over pools. Fractional bounds are rounded
up with probability equal to their fraction, by a hash of (key, attribute, group): fair in
expectation (the audit aggregates many lists) and replayable (the same pool always gets the
same list). An upper bound may round to 0 (a group with an expected count of 0.3 gets no
place in 70% of lists and at most one in the rest: fair in expectation), except for the
groups of the plain #1, whose upper bounds are at least 1, so the best candidate is never
shut out of a list by a quota of zero. The rounding is systematic over an attribute's groups (one draw, see
:func:`group_bounds`), so the rounded bounds of one attribute never ask for more or fewer
than k in total: independent rounding of, say, 15 home regions at 0.6 each would often
demand 10 or more and fall back to no bound at all. A lower bound never exceeds the group's
size.

**Exact selection.** Maximise the sum of policy scores of the k selected under the bounds:
a small MIP (``scipy.optimize.milp``, HiGHS). Candidates in one *cell* (the same group on
every attribute) are interchangeable for the constraints, so an optimal top-k takes each
cell's members best first: swapping a selected member for a better unselected one of its
cell keeps every count and does not lower the sum. Hence only the k best of each cell can be
needed, and the MIP runs on them alone; its cell counts are then filled best first, which
makes the result independent of how the solver breaks ties.

**Relaxation**, when the bounds cannot all hold (tiny or lopsided pools), in this order,
each step recorded in :attr:`FairOrder.relaxed`: ``loose_rounding`` (lower bounds rounded
down, upper up), ``upper_bounds`` (upper bounds dropped), then the lower bounds of one
attribute at a time from the last of ``attributes`` to the first (``lower:<attribute>``).
When the plain top-k already satisfies the bounds of a step, the plain order is returned
as it is, without a solve.

The served order: the selected k by score, then everyone else by score.
"""

import hashlib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from features.protected import ATTRIBUTES

LOOSE_ROUNDING = "loose_rounding"
NO_UPPER_BOUNDS = "upper_bounds"
LOWER_PREFIX = "lower:"


@dataclass(frozen=True)
class FairRanking:
    """The fair top-list setting of a model version (saved with it; 0 switches it off)."""

    threshold: float = 0.8                  # lowest impact ratio aimed at in every top-k
    top_k: int = 10                         # the constrained top list (the audited one)
    attributes: tuple[str, ...] = ATTRIBUTES

    @property
    def enabled(self) -> bool:
        return self.threshold > 0

    def params(self) -> dict[str, str | float | int]:
        """MLflow parameters."""
        return {"fair_threshold": self.threshold, "fair_top_k": self.top_k,
                "fair_attributes": ",".join(self.attributes)}

    def to_dict(self) -> dict:
        return {**asdict(self), "attributes": list(self.attributes)}

    @classmethod
    def from_dict(cls, data: Mapping) -> "FairRanking":
        return cls(float(data["threshold"]), int(data["top_k"]), tuple(data["attributes"]))

    def describe(self) -> str:
        if not self.enabled:
            return "plain order (fair re-ranking off)"
        return (f"fair top-{self.top_k}: every {', '.join(self.attributes)} group near its pool share "
                f"(impact ratio >= {self.threshold:g})")


OFF = FairRanking(threshold=0.0)


@dataclass(frozen=True)
class GroupBound:
    attribute: str
    group: str
    candidates: int
    lower: int | None            # None: no bound
    upper: int | None


@dataclass(frozen=True)
class FairOrder:
    """A pool's served order and what the fair constraint did to it."""

    order: np.ndarray            # row positions, served first
    plain: np.ndarray            # the unconstrained order (:func:`plain_order`)
    top_k: int
    applied: bool                # re-ranking was on and the pool larger than top_k
    binding: bool                # the top-k differs from the plain top-k
    entered: np.ndarray          # rows in the fair top-k, not in the plain one (by score)
    left: np.ndarray             # rows in the plain top-k, not in the fair one (by score)
    score_given_up: float        # sum of the plain top-k's scores minus the fair top-k's
    relaxed: tuple[str, ...]     # relaxation steps taken (empty: the bounds held as rounded)
    bounds: tuple[GroupBound, ...]

    def top(self, k: int | None = None) -> np.ndarray:
        return self.order[: self.top_k if k is None else k]


def plain_order(score: np.ndarray) -> np.ndarray:
    """Highest score first, ties in input order: :func:`models.scoring.rank_order` (not
    imported: the bundle holds a :class:`FairRanking`, and scoring imports the bundle);
    a test checks the two agree."""
    return np.argsort(-np.asarray(score, dtype="float64"), kind="stable")


def _uniform(*parts: str) -> float:
    """A replayable number in [0, 1) for the given parts (e.g. key, attribute, group)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0 ** 64


def _systematic(values: np.ndarray, u: float | None) -> np.ndarray:
    """Integers with the same sum as ``values`` up to rounding, each ``values[j]`` rounded up
    with probability equal to its fraction (systematic rounding with one draw ``u``);
    ``u=None`` rounds every value down."""
    if u is None:
        return np.floor(values + 1e-9).astype(np.int64)
    cum = np.floor(np.concatenate([[0.0], np.cumsum(values)]) + u + 1e-9)
    return np.diff(cum).astype(np.int64)


def group_bounds(labels: np.ndarray, k: int, threshold: float, key: str, attribute: str,
                 loose: bool = False, first: str | None = None) -> list[GroupBound]:
    """Bounds on the top-k count of every group of one attribute (see the module doc).

    Rounding is systematic over the attribute's groups (in an order and with a draw seeded
    by the key, the attribute and the groups): each bound is rounded up with probability
    equal to its fraction, and the rounded lower bounds sum to at most ``ceil(k·√t) ≤ k``
    and the upper ones to at least ``floor(k/√t) ≥ k``, so each attribute alone is always
    feasible. ``loose`` rounds lower bounds down and upper bounds up. ``first``: the group of
    the plain #1, whose upper bound is at least 1 (never a quota of zero for it)."""
    values, counts = np.unique(np.asarray(labels, dtype=str), return_counts=True)
    order = np.argsort([_uniform(key, attribute, g) for g in values.tolist()], kind="stable")
    values, counts = values[order], counts[order]
    root = math.sqrt(threshold)
    expected = k * counts / counts.sum()
    if loose:
        lower = np.floor(expected * root + 1e-9).astype(np.int64)
        upper = np.ceil(expected / root - 1e-9).astype(np.int64)
    else:
        u = _uniform(key, attribute)
        lower, upper = _systematic(expected * root, u), _systematic(expected / root, u)
    lower = np.minimum(lower, counts)
    upper = np.maximum(upper, lower)
    upper[values == first] = np.maximum(upper[values == first], 1)     # the plain #1 is never shut out
    return [GroupBound(attribute, str(g), int(n), int(lo), int(hi))
            for g, n, lo, hi in zip(values.tolist(), counts.tolist(), lower.tolist(), upper.tolist())]


def satisfies(rows: np.ndarray, groups: Mapping[str, np.ndarray], bounds) -> bool:
    """Whether the selected ``rows`` meet every bound."""
    for b in bounds:
        n = int(np.sum(np.asarray(groups[b.attribute], dtype=str)[rows] == b.group))
        if (b.lower is not None and n < b.lower) or (b.upper is not None and n > b.upper):
            return False
    return True


def _candidate_rows(plain: np.ndarray, cells: np.ndarray, k: int) -> np.ndarray:
    """The k best of every cell (rows in plain order): nothing else can be optimal."""
    rank_in_cell = np.empty(len(plain), dtype=np.int64)
    seen: dict[str, int] = {}
    for row in plain:
        rank_in_cell[row] = seen.get(cells[row], 0)
        seen[cells[row]] = rank_in_cell[row] + 1
    return plain[rank_in_cell[plain] < k]


def _solve(score: np.ndarray, groups: Mapping[str, np.ndarray], cells: np.ndarray, plain: np.ndarray,
           k: int, bounds) -> np.ndarray | None:
    """The best top-k under ``bounds`` (rows), or None when infeasible."""
    rows = _candidate_rows(plain, cells, k)
    a, lo, hi = [np.ones(len(rows))], [k], [k]
    for b in bounds:
        a.append((np.asarray(groups[b.attribute], dtype=str)[rows] == b.group).astype(float))
        lo.append(-np.inf if b.lower is None else b.lower)
        hi.append(np.inf if b.upper is None else b.upper)
    result = milp(-score[rows], integrality=np.ones(len(rows)), bounds=Bounds(0, 1),
                  constraints=LinearConstraint(np.vstack(a), lo, hi), options={"mip_rel_gap": 1e-9})
    if result.status != 0 or result.x is None:
        return None
    chosen = rows[result.x > 0.5]
    # fill each cell's count best first: the same sum, independent of the solver's tie-breaking
    wanted = {cell: int(n) for cell, n in zip(*np.unique(cells[chosen], return_counts=True))}
    picked = []
    for row in plain:
        if wanted.get(cells[row], 0) > 0:
            picked.append(row)
            wanted[cells[row]] -= 1
    return np.asarray(picked, dtype=np.int64)


def _steps(groups: Mapping[str, np.ndarray], k: int, settings: FairRanking, key: str, first: int):
    """(relaxation steps so far, bounds) from the strictest to the loosest; ``first`` is the
    plain #1's row."""
    attrs = [a for a in settings.attributes if a in groups]

    def bounds_of(names, loose, upper):
        out = []
        for a in names:
            for b in group_bounds(groups[a], k, settings.threshold, key, a, loose, str(groups[a][first])):
                out.append(b if upper else GroupBound(b.attribute, b.group, b.candidates, b.lower, None))
        return tuple(out)

    yield (), bounds_of(attrs, False, True)
    yield (LOOSE_ROUNDING,), bounds_of(attrs, True, True)
    yield (LOOSE_ROUNDING, NO_UPPER_BOUNDS), bounds_of(attrs, True, False)
    for dropped in range(1, len(attrs) + 1):
        kept = attrs[: len(attrs) - dropped]
        yield ((LOOSE_ROUNDING, NO_UPPER_BOUNDS, *(LOWER_PREFIX + a for a in attrs[len(kept):][::-1])),
               bounds_of(kept, True, False))


def fair_order(score: np.ndarray, groups: Mapping[str, np.ndarray], settings: FairRanking = FairRanking(),
               key: str = "") -> FairOrder:
    """The served order of one pool: ``score`` the policy scores, ``groups`` the candidates'
    label per attribute (``features.protected.pool_groups``), ``key`` the pool's id (the
    position), which seeds the rounding of the bounds."""
    score = np.asarray(score, dtype="float64")
    groups = {a: np.asarray(groups[a], dtype=str) for a in settings.attributes if a in groups}
    plain = plain_order(score)
    k = settings.top_k
    empty = np.array([], dtype=np.int64)
    if not settings.enabled or len(score) <= k:
        return FairOrder(plain, plain, k, False, False, empty, empty, 0.0, (), ())
    cells = np.array(["\x1f".join(parts) for parts in zip(*groups.values())], dtype=object)
    top = plain[:k]
    for relaxed, bounds in _steps(groups, k, settings, key, int(plain[0])):
        if satisfies(top, groups, bounds):
            return FairOrder(plain, plain, k, True, False, empty, empty, 0.0, relaxed, bounds)
        chosen = _solve(score, groups, cells, plain, k, bounds)
        if chosen is not None:
            return _result(score, plain, chosen, k, relaxed, bounds)
    raise AssertionError("without bounds the plain top-k is always feasible")


def _result(score: np.ndarray, plain: np.ndarray, chosen: np.ndarray, k: int, relaxed, bounds) -> FairOrder:
    selected = np.zeros(len(score), bool)
    selected[chosen] = True
    order = np.concatenate([plain[selected[plain]], plain[~selected[plain]]])
    in_plain = np.zeros(len(score), bool)
    in_plain[plain[:k]] = True
    top = order[:k]
    entered = top[~in_plain[top]]
    left = plain[:k][~selected[plain[:k]]]
    given_up = float(score[plain[:k]].sum() - score[top].sum())
    return FairOrder(order, plain, k, True, bool(len(entered)), entered, left, given_up, relaxed, bounds)
