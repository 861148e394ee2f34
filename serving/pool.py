"""Optional limits on a vacancy's candidate pool, applied after eligibility, and the check
that they name units and regions the data has."""

from collections.abc import Container
from dataclasses import dataclass

from serving.errors import RankingError, quoted


@dataclass(frozen=True)
class PoolFilter:
    """Optional limits on the candidate pool (by the candidate's current post)."""

    units: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    domains: tuple[str, ...] | None = None          # an open vocabulary: checked by pattern only
    max_distance_km: float | None = None


def check_pool(pool: PoolFilter, known_units: Container[str], known_regions: Container[str]) -> None:
    """RankingError naming the first unknown id (``units.3``, ``regions.0``): a filter on a
    unit or region the data does not have would silently exclude everybody. Domains form an
    open vocabulary (a new field is allowed), so they are not looked up."""
    for name, ids, known, what in (("units", pool.units, known_units, "unit_id"),
                                   ("regions", pool.regions, known_regions, "region_id")):
        for i, value in enumerate(ids or ()):
            if value not in known:
                raise RankingError(f"{name}.{i}", f"{name}.{i}: unknown {what} {quoted(value)}")
