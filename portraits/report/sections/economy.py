"""Section "Emplois et activités économiques": jobs by sector (census), private salaried
employment by sector and its yearly series (Urssaf)."""
from __future__ import annotations

import pandas as pd

from ... import fmt
from ...warehouse import REGION_UNIT
from ..figures import Image, TerritoryData, breakdown_rows, clean, present, source_line

NAME = "economy"
HEADING = "Emplois et activités économiques"
SOURCES = {"economy": ("census", "urssaf")}

SECTORS = {"EMPLT_AGRI": "Agriculture", "EMPLT_INDUS": "Industrie", "EMPLT_CONST": "Construction",
           "EMPLT_CTS": "Commerce, transports, services divers",
           "EMPLT_APESAS": "Administration publique, enseignement, santé, action sociale"}


def _economy(code, tables, prov) -> dict:
    out = {"available": "census" in prov or "urssaf" in prov,
           "reason": "Les fichiers du recensement et de l'Urssaf n'ont pas été fournis pour cette édition."}
    if "census" in prov:
        out["census"] = True
        out["sectors"] = present(breakdown_rows(tables["census_tables"], code, "sector", SECTORS))
        out["census_source"] = source_line(prov["census"])
    if "urssaf" in prov:
        u = tables["urssaf_sectors"]
        t = u[u.unit == code].head(10)
        out["na17"] = [{"label": r.na17_label, "employees_text": fmt.number(clean(r.employees)),
                        "share_text": fmt.percent(clean(r.share)),
                        "specialisation_text": fmt.number(clean(r.specialisation), 0)
                        if clean(r.specialisation) is not None else "–"} for r in t.itertuples()]
        out["urssaf_source"] = source_line(prov["urssaf"])
        out["salaried_series"] = salaried_series(tables.get("salaried_series"), code)
    return out


MIN_SERIES_YEARS = 3   # fewer years make no series worth a chart (the change over one year is in the text)


def salaried_series(series: pd.DataFrame | None, code: str) -> dict | None:
    """Private salaried employment by year, territory and region, with the index (100 = first
    year of the territory's series) of each: the chart and its table. None when the file has
    fewer than :data:`MIN_SERIES_YEARS` years."""
    if series is None:
        return None
    t = series[series.unit == code].set_index("year").employees
    r = series[series.unit == REGION_UNIT].set_index("year").employees
    years = [int(y) for y in sorted(set(t.index) & set(r.index)) if clean(t[y]) and clean(r[y])]
    if len(years) < MIN_SERIES_YEARS:
        return None
    t0, r0 = float(t[years[0]]), float(r[years[0]])
    rows = [{"year": y, "territory": clean(t[y]), "region": clean(r[y]),
             "territory_text": fmt.number(clean(t[y])), "region_text": fmt.number(clean(r[y])),
             "territory_index": clean(100 * t[y] / t0), "region_index": clean(100 * r[y] / r0),
             "territory_index_text": fmt.number(100 * t[y] / t0, 1), "region_index_text": fmt.number(100 * r[y] / r0, 1)}
            for y in years]
    return {"rows": rows, "first": years[0], "last": years[-1],
            "territory_change_text": fmt.signed_percent(100 * t[years[-1]] / t0 - 100, 1),
            "region_change_text": fmt.signed_percent(100 * r[years[-1]] / r0 - 100, 1)}


def contexts(d: TerritoryData) -> dict:
    return {"economy": _economy(d.code, d.tables, d.prov)}


def titles(f: dict) -> dict[str, str]:
    return {}


def _sectors(ctx: dict) -> dict | None:
    sectors = ctx["economy"].get("sectors")
    if not sectors:
        return None
    return {"categories": [r["label"] for r in sectors],
            "series": {ctx["name"]: [r["share"] for r in sectors],
                       ctx["region_name"]: [r["region_share"] for r in sectors]}}


def _salaried(ctx: dict) -> dict | None:
    series = ctx["economy"].get("salaried_series")
    if not series:
        return None
    rows = series["rows"]
    return {"years": [r["year"] for r in rows], "territory": [r["territory"] for r in rows],
            "region": [r["region"] for r in rows], "territory_name": ctx["name"], "region_name": ctx["region_name"]}


IMAGES = (
    Image("sectors", "secteurs.svg", "chart", "grouped_bars", _sectors),
    Image("salaried", "salaries.svg", "chart", "yearly_index_series", _salaried),
)
