"""The settings of a round plan, each with a default (contract section 6).

The objective of one move is
``performance × predicted_performance − risk × adjustment_risk + preference × [stated
preference met] − unwilling × [relocation against a stated unwillingness]``; the plan
maximises its sum. With the defaults a 10% higher failure risk costs 0.2 expected SKP
points (as in the ranking policy), meeting a stated preference is worth 0.25 points and a
move to another region against an explicit unwillingness costs 0.75.
"""

import math
from dataclasses import dataclass, field
from enum import StrEnum
from numbers import Integral

from features.eligibility import DEFAULT_RULES, EligibilityRules
from serving.checks import finite, identifier, one_of
from serving.errors import RankingError, quoted
from serving.limits import MAX_TOP_K
from serving.texts import LANGS

DEFAULT_MAX_OUTFLOW_SHARE = 0.2     # at most a fifth of a unit's staff move in one round
MAX_CHAIN_DEPTH = 3
MAX_REVIEWER_MOVES = 5_000          # fixed plus forbidden moves in one request
MAX_TIME_LIMIT_S = 600.0


@dataclass(frozen=True)
class PlanWeights:
    performance: float = 1.0
    risk: float = 2.0
    preference: float = 0.25
    unwilling: float = 0.75


@dataclass(frozen=True)
class KeyPostGuard:
    """Floor and ceiling for key posts (JPT, administrator, ``strategic``): nobody predicted
    below ``min_performance`` or above ``max_risk`` lands there. None switches one off."""

    min_performance: float | None = 3.5
    max_risk: float | None = 0.35


@dataclass(frozen=True)
class OutflowCap:
    """Most people one unit may lose in a round: a count (>= 1), or a share of its staff
    (0 < share < 1, rounded down, at least 1). None: no cap."""

    value: float | None = DEFAULT_MAX_OUTFLOW_SHARE

    @property
    def is_share(self) -> bool:
        return self.value is not None and self.value < 1

    def cap(self, staff: int) -> int | None:
        if self.value is None:
            return None
        if self.is_share:
            return max(1, math.floor(self.value * staff + 1e-9))
        return int(self.value)

    def describe(self) -> str:
        if self.value is None:
            return "none"
        return f"{self.value:.0%} of staff" if self.is_share else f"{int(self.value)} people"

    @classmethod
    def parse(cls, text: str | float | int | None) -> "OutflowCap":
        """``"3"`` (people), ``"0.2"`` or ``"20%"`` (share), ``"none"``; RankingError otherwise."""
        if text is None or (isinstance(text, str) and text.strip().lower() in ("none", "")):
            return cls(None)
        raw = text.strip() if isinstance(text, str) else text
        share = isinstance(raw, str) and raw.endswith("%")
        number = finite("max_outflow_per_unit", raw[:-1] if share else raw, low=0, low_open=True)
        number = number / 100 if share else number
        if number >= 1 and number != int(number):
            raise RankingError("max_outflow_per_unit", "max_outflow_per_unit must be a whole number of "
                                                       f"people (>= 1) or a share below 1, not {quoted(text)}")
        return cls(number)


Move = tuple[str, str]          # (employee_id, position_id)


class Movers(StrEnum):
    """Who may move in a round: anyone eligible, or only those on the due list at the
    round's date (:mod:`serving.due`, under the same rule pack)."""

    ALL = "all"
    DUE = "due"


@dataclass(frozen=True)
class PlanSettings:
    weights: PlanWeights = field(default_factory=PlanWeights)
    outflow: OutflowCap = field(default_factory=OutflowCap)
    chain_depth: int = 0                    # 0: a mover's old post does not join the round
    chain_candidates: int = 5               # per vacancy, the best candidates whose posts may open
    fixed: tuple[Move, ...] = ()            # moves a reviewer fixed
    forbidden: tuple[Move, ...] = ()        # moves a reviewer forbade (e.g. rejected in review)
    rules: EligibilityRules = DEFAULT_RULES
    guard: KeyPostGuard = field(default_factory=KeyPostGuard)
    runners_up: int = 3
    explanations_per_target: int = 3
    lang: str = "id"
    time_limit_s: float = 60.0
    movers: Movers = Movers.ALL             # DUE: only employees on the due list at the round's date


def check_settings(settings: PlanSettings) -> None:
    """Every setting in range; RankingError naming the field otherwise."""
    w = settings.weights
    for name in ("performance", "risk", "preference", "unwilling"):
        finite(f"weights.{name}", getattr(w, name), low=0, high=100)
    if w.performance == 0 and w.risk == 0:
        raise RankingError("weights", "weights.performance and weights.risk cannot both be 0")
    _whole("chain_depth", settings.chain_depth, 0, MAX_CHAIN_DEPTH)
    _whole("chain_candidates", settings.chain_candidates, 1, 50)
    _whole("runners_up", settings.runners_up, 0, MAX_TOP_K)          # the one limit of a top list
    _whole("explanations_per_target", settings.explanations_per_target, 0, 10)
    one_of("lang", settings.lang, LANGS)
    one_of("movers", settings.movers, tuple(Movers))
    finite("time_limit_s", settings.time_limit_s, low=0, high=MAX_TIME_LIMIT_S, low_open=True)
    if settings.guard.min_performance is not None:
        finite("guard.min_performance", settings.guard.min_performance, 1, 5)
    if settings.guard.max_risk is not None:
        finite("guard.max_risk", settings.guard.max_risk, 0, 1)
    if len(settings.fixed) + len(settings.forbidden) > MAX_REVIEWER_MOVES:
        raise RankingError("fixed", f"fixed and forbidden moves are limited to {MAX_REVIEWER_MOVES} in all")
    for name in ("fixed", "forbidden"):
        for i, move in enumerate(getattr(settings, name)):
            if not isinstance(move, tuple | list) or len(move) != 2:
                raise RankingError(f"{name}.{i}", f"{name}.{i} must be (employee_id, position_id), not {quoted(move)}")
            identifier(f"{name}.{i}.employee_id", move[0])
            identifier(f"{name}.{i}.position_id", move[1])


def _whole(name: str, value, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or not low <= value <= high:
        raise RankingError(name, f"{name} must be a whole number from {low} to {high}, not {quoted(value)}")
