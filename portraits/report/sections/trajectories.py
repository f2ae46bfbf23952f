"""Section "Insertion des sortants de la voie professionnelle": InserJeunes rates by lycée of the
territory, and the regional rates by route recomputed from the counts by formation."""
from __future__ import annotations

import pandas as pd

from ... import fmt
from ..figures import Image, TerritoryData, clean, source_line, unavailable

NAME = "trajectories"
HEADING = "Insertion des sortants de la voie professionnelle"
SOURCES = {"trajectories": ("inserjeunes", "inserjeunes_formations", "bcn")}

# The rule on small numbers of InserJeunes: a rate computed on fewer leavers is not shown.
LEAVER_THRESHOLD = 20


def leaver_rate(count, base, base_label: str = "sortants") -> dict:
    """A rate (%) of ``count`` over ``base`` leavers (or final-year pupils: ``base_label``), or the
    reason it is not shown: on fewer than 20 in the base it is "non calculable (moins de 20
    sortants)", never a number; a count not published gives "non publié"."""
    c, b = clean(count), clean(base)
    if c is None or b is None:
        return {"value": None, "text": "non publié", "base": b, "base_text": "non publié"}
    base_text = f"{fmt.number(b)} {base_label}"
    if b < LEAVER_THRESHOLD:
        return {"value": None, "text": f"non calculable (moins de {LEAVER_THRESHOLD} {base_label})",
                "base": b, "base_text": base_text}
    return {"value": 100 * c / b, "text": fmt.percent(100 * c / b, 0), "base": b, "base_text": base_text}


IJ_ROUTES = {"scolaire": "school", "apprentissage": "apprentices"}


def _region_routes(table: pd.DataFrame | None) -> dict | None:
    """Regional rates by route and measure from the counts of the region × formation file
    (``trajectories_region.sql``), each with its base and millésime."""
    if table is None:
        return None
    out = {route: {} for route in IJ_ROUTES.values()}
    for r in table.itertuples():
        base_label = "inscrits en dernière année" if r.measure == "further_study" else "sortants"
        cell = leaver_rate(r.num, r.den, base_label)
        cell["millesime_text"] = r.millesime.replace("-", " et ")
        out[IJ_ROUTES[r.route]][r.measure] = cell
    return out


def _trajectories(code, tables, figs, prov) -> dict:
    miss = unavailable("inserjeunes", prov) or unavailable("establishments", prov)
    if miss:
        return miss
    ij_table = tables["ij_establishments"]
    d = ij_table[ij_table.unit == code]
    rows = []
    for r in d.itertuples():
        rows.append({"uai": r.uai, "name": r.name, "town": r.commune_name,
                     "employment_6m": clean(r.employment_6m), "employment_6m_text": _rate(r.employment_6m),
                     "school_text": _rate(r.employment_6m_school), "apprentices_text": _rate(r.employment_6m_apprentices),
                     "further_study_text": _rate(r.further_study),
                     "value_added_text": "nd" if clean(r.value_added) is None else f"{clean(r.value_added):+.0f}".replace("-", "−")})
    region = _region_routes(tables.get("ij_region_routes"))
    return {"available": True, "rows": rows, "region_median": figs["ij_employment_6m"]["region"],
            "region_routes": region,
            "region_source": source_line(prov["inserjeunes_formations"]) if region is not None else None,
            "source": source_line(prov["inserjeunes"]) + " Rattachement des établissements : annuaire de l'éducation."}


def _rate(x) -> str:
    x = clean(x)
    return "nd" if x is None else fmt.percent(x, 0)


def contexts(d: TerritoryData) -> dict:
    return {"trajectories": _trajectories(d.code, d.tables, d.figures, d.prov)}


def titles(f: dict) -> dict[str, str]:
    return {}


def _insertion(ctx: dict) -> dict | None:
    tj = ctx["trajectories"]
    if not (tj.get("available") and tj["rows"]):
        return None
    return {"labels": [r["name"] for r in tj["rows"]], "rates": [r["employment_6m"] for r in tj["rows"]],
            "benchmark": tj["region_median"], "benchmark_label": "médiane régionale"}


IMAGES = (Image("insertion", "insertion.svg", "chart", "rate_bars", _insertion),)
