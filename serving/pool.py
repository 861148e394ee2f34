"""Optional limits on a vacancy's candidate pool, applied after eligibility."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PoolFilter:
    """Optional limits on the candidate pool (by the candidate's current post)."""

    units: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    domains: tuple[str, ...] | None = None
    max_distance_km: float | None = None
