"""The territoires comparables of each territory of a set: the territories closest to it on a small,
documented set of indicators (:data:`DIMENSIONS`).

Method (also on the "Méthodes et sources" page): each dimension is standardised across the
territories of the set that have a value (z-score: minus the mean, divided by the standard
deviation, population formula); a dimension with no spread (every value equal, or a single value)
separates no one and is left out. The distance of two territories is the Euclidean distance of
their z-scores over the dimensions both have; a dimension missing for one of them is skipped for
that pair, and the sum of squares is then scaled up to all the dimensions in use
(``sum × used / shared``) so that a pair with a gap is not closer for it. A pair sharing no
dimension is not comparable. The closest come first, ties broken by territory code; a set of
fewer than ``k + 1`` territories gives fewer comparables.

Plain data in, plain data out: no database, no pandas.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

# The dimensions, each an indicator of the catalogue (or the density, computed from the
# population and the area) and how it enters: population and density by their logarithm (a
# territory twice as large is as far whether it has 20,000 or 200,000 inhabitants).
DIMENSIONS = (
    ("population", "log", "Population (logarithme)"),
    ("density", "log", "Densité de population, habitants par km² (logarithme)"),
    ("share_1529", "value", "Part des 15-29 ans dans la population"),
    ("share_60p", "value", "Part des 60 ans ou plus dans la population"),
    ("employment_rate", "value", "Taux d'emploi des 15-64 ans"),
)
COUNT = 3     # comparables per territory


def features(values: Mapping[str, Mapping[str, float | None]]) -> dict[str, dict[str, float]]:
    """``{code: {dimension: raw value}}`` → the transformed values used (logarithm where the
    dimension says so); a missing, non-finite or (for a logarithm) non-positive value is left out."""
    out: dict[str, dict[str, float]] = {}
    for code, raw in values.items():
        row = {}
        for dim, how, _ in DIMENSIONS:
            x = raw.get(dim)
            if x is None or not math.isfinite(x) or (how == "log" and x <= 0):
                continue
            row[dim] = math.log(x) if how == "log" else float(x)
        out[code] = row
    return out


def zscores(rows: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Each dimension standardised across the territories that have it; a dimension without
    spread is dropped."""
    dims = sorted({d for r in rows.values() for d in r})
    out: dict[str, dict[str, float]] = {code: {} for code in rows}
    for d in dims:
        xs = [r[d] for r in rows.values() if d in r]
        mean = sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs))
        if sd <= 1e-12 * max(1.0, abs(mean)):
            continue
        for code, r in rows.items():
            if d in r:
                out[code][d] = (r[d] - mean) / sd
    return out


def distance(a: Mapping[str, float], b: Mapping[str, float], used: int) -> float | None:
    """Euclidean distance of two territories' z-scores over their shared dimensions, scaled to the
    ``used`` dimensions of the set; None when they share none."""
    shared = [d for d in a if d in b]
    if not shared:
        return None
    return math.sqrt(sum((a[d] - b[d]) ** 2 for d in shared) * used / len(shared))


def comparables(values: Mapping[str, Mapping[str, float | None]], k: int = COUNT) -> dict[str, list[tuple[str, float]]]:
    """For each territory code of ``values`` ({code: {dimension: raw value}}), its ``k`` closest
    territories as ``(code, distance)``, closest first, ties broken by code."""
    z = zscores(features(values))
    used = len({d for r in z.values() for d in r})
    out = {}
    for code in sorted(z):
        near = [(other, dist) for other in sorted(z) if other != code
                and (dist := distance(z[code], z[other], used)) is not None]
        # Rounded for the order: the same inputs must give the same comparables on every machine.
        out[code] = sorted(near, key=lambda p: (round(p[1], 9), p[0]))[:k]
    return out
