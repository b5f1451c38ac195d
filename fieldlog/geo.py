"""Distances on the earth's surface, for "was the visit on site?"."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine); accurate to well under a metre at hot-spot scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def on_site(distance: float | None, radius_m: float, accuracy_m: float | None) -> bool | None:
    """On site when the fix lies within the spot's radius plus the fix's own accuracy (SPEC §2)."""
    if distance is None:
        return None
    return distance <= radius_m + (accuracy_m or 0)
