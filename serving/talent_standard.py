"""The competency standard of an employee's next job class (the talent map's potential
axis, :mod:`serving.talent`) and the share of it an employee meets."""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from features import columns as c
from features import vocab as v
from features.pairs import PositionTable


class StandardScope(StrEnum):
    """Which posts the next job class' standard was averaged over."""

    DOMAIN = "domain"                 # posts of the employee's domain, next class up
    ALL_DOMAINS = "all_domains"       # no such post in the domain: every domain's, next class up
    OWN_CLASS = "own_class"           # no class above anywhere: the posts of their own class
    NONE = "none"                     # no post with a standard to compare against


@dataclass(frozen=True)
class NextStandard:
    """The competency standard of the next job class: required level per code, the mean over
    the posts of that class (in the employee's domain when it has one)."""

    job_class: float | None
    scope: StandardScope
    levels: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Standards:
    """The posts that have a competency standard, as arrays: domain, job class, and the
    required level per code (NaN = not required)."""

    domains: np.ndarray
    classes: np.ndarray
    codes: tuple[str, ...]
    matrix: np.ndarray                    # posts x codes

    @classmethod
    def of(cls, positions: PositionTable) -> "Standards":
        ids = positions.standards.index
        attrs = positions.attributes.reindex(ids)
        return cls(attrs[c.DOMAIN].astype("object").to_numpy(), attrs[c.JOB_CLASS].to_numpy(dtype="float64"),
                   tuple(str(k) for k in positions.standards.columns), positions.standards.to_numpy(dtype="float64"))

    def mean_of(self, posts: np.ndarray) -> dict[str, float]:
        """Required level per code averaged over the ``posts`` (a mask), codes none requires left out."""
        with np.errstate(all="ignore"):
            counted = (~np.isnan(self.matrix[posts])).sum(axis=0)
            mean = np.nansum(self.matrix[posts], axis=0) / np.maximum(counted, 1)
        return {code: float(mean[k]) for k, code in enumerate(self.codes) if counted[k]}


def next_class_standard(standards: Standards, domain, job_class: float) -> NextStandard:
    """The standard of the next job class above ``job_class``: posts of ``domain`` at the
    lowest job class above it; every domain's when the domain has none; the posts of the
    employee's own class when no post anywhere is above it."""
    above = standards.classes > job_class
    for scope, posts in ((StandardScope.DOMAIN, above & (standards.domains == domain)),
                         (StandardScope.ALL_DOMAINS, above)):
        if posts.any():
            nxt = float(standards.classes[posts].min())
            return NextStandard(nxt, scope, standards.mean_of(posts & (standards.classes == nxt)))
    own = standards.classes == job_class
    if own.any():
        return NextStandard(float(job_class), StandardScope.OWN_CLASS, standards.mean_of(own))
    return NextStandard(None, StandardScope.NONE)


def competency_share(assessed: np.ndarray, required: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``assessed`` (rows x codes, NaN = never assessed, counted as level 1): the
    share of the standard ``required`` (one level per code) met, Σ min(assessed, required) /
    Σ required, and how many codes are met in full."""
    if not len(required):
        return np.full(len(assessed), np.nan), np.zeros(len(assessed), dtype=int)
    levels_ = np.where(np.isnan(assessed), v.MIN_LEVEL, assessed)
    share = np.minimum(levels_, required).sum(axis=1) / required.sum()
    return share, (levels_ >= required).sum(axis=1)
