"""Section "Population et activité": age structure, activity and socio-professional categories
(census), and the commune maps of unemployment, employment and population change."""
from __future__ import annotations

import pandas as pd

from ... import fmt
from ..figures import Image, TerritoryData, breakdown_rows, clean, direction, present, source_line, unavailable

NAME = "population"
HEADING = "Population et activité"
# The sources whose missing columns the section names (``figures.missing_notes``), by context key.
SOURCES = {"population": ("census", "populations")}
# Size (inches) the commune maps are drawn at: shown 10 cm wide in the PDF, their legend stays legible.
COMMUNE_MAP_SIZE = (4.4, 4.4)

# The census age bands (sources.census: "75 ans ou plus" is POP7589 + POP90P in the commune base).
AGE_BANDS = {"POP0014": "0-14 ans", "POP1529": "15-29 ans", "POP3044": "30-44 ans", "POP4559": "45-59 ans",
             "POP6074": "60-74 ans", "POP75P": "75 ans ou plus"}
# The socio-professional categories of the employed 15-64 year olds.
CSP = {"ACTOCC1564_CS1": "Agriculteurs exploitants", "ACTOCC1564_CS2": "Artisans, commerçants, chefs d'entreprise",
       "ACTOCC1564_CS3": "Cadres et professions intellectuelles supérieures",
       "ACTOCC1564_CS4": "Professions intermédiaires", "ACTOCC1564_CS5": "Employés", "ACTOCC1564_CS6": "Ouvriers"}


def _population(code, tables, prov) -> dict:
    miss = unavailable("census", prov)
    if miss:
        return miss
    ct = tables["census_tables"]
    return {"available": True, "ages": present(breakdown_rows(ct, code, "age", AGE_BANDS)),
            "csp": present(breakdown_rows(ct, code, "csp", CSP)), "source": source_line(prov["census"]),
            "communes": commune_classes(tables.get("commune_unemployment"), code, "unemployment_rate"),
            "communes_employment": commune_classes(tables.get("commune_unemployment"), code, "employment_rate"),
            "communes_change": commune_classes(tables.get("commune_unemployment"), code, "population_change",
                                               unit="percent_change")}


def class_bounds(values: pd.Series, classes: int = 5) -> list[float]:
    """Class limits: quantiles of the values over the whole region (the same legend on every
    portrait), rounded to one decimal, duplicates removed."""
    v = values.dropna()
    if v.empty:
        return []
    q = sorted({round(float(v.quantile(i / classes)), 1) for i in range(classes + 1)})
    return q if len(q) > 1 else [q[0], q[0] + 0.1]


def commune_classes(table: pd.DataFrame | None, code: str, column: str, unit: str = "percent") -> dict | None:
    """Values of one indicator for the communes of a territory, each in a class of the regional
    quantiles: the commune map and its table. ``unit``: ``percent`` (a rate) or ``percent_change``
    (signed in the legend and the table)."""
    if table is None or column not in table or table[column].notna().sum() == 0:
        return None
    if unit == "percent_change":
        out = commune_classes(table, code, column)
        lows_highs = class_bounds(table.drop_duplicates("code")[column])
        out["legend"] = [f"{fmt.signed_percent(lo, 1)} à {fmt.signed_percent(hi, 1)}"
                         for lo, hi in zip(lows_highs[:-1], lows_highs[1:])]
        for r in out["rows"]:
            if r["value"] is not None:
                r["text"] = fmt.signed_percent(r["value"], 1)
        return out
    regional = table.drop_duplicates("code")[column]
    bounds = class_bounds(regional)
    def cls(x):
        if x is None or pd.isna(x):
            return None
        return min(sum(x > b for b in bounds[1:-1]), len(bounds) - 2)
    mine = table[table.territory_code == code]
    legend = [f"{fmt.number(lo, 1)} à {fmt.number(hi, 1)} %" for lo, hi in zip(bounds[:-1], bounds[1:])]
    rows = [{"code": r.code, "name": r.name, "value": clean(getattr(r, column)), "class": cls(getattr(r, column)),
             "text": fmt.percent(getattr(r, column), 1) if pd.notna(getattr(r, column)) else "non disponible"}
            for r in mine.itertuples()]
    return {"legend": legend, "rows": rows}


def contexts(d: TerritoryData) -> dict:
    return {"population": _population(d.code, d.tables, d.prov)}


def titles(f: dict) -> dict[str, str]:
    """The section's title (the pace of the population) and that of its activity part
    (unemployment against the region), when their figures exist."""
    titles = {}
    ch = f["census_population_change"]
    if ch["value"] is not None and ch["region"] is not None:
        trend = direction(ch["value"], "en croissance", "en recul", "stable", tolerance=0.05)
        pace = ("plus rapide" if ch["value"] > ch["region"] + 0.1 else "plus lente" if ch["value"] < ch["region"] - 0.1
                else "au rythme")
        titles["population"] = (f"Une population {trend}, {pace} que la région" if pace != "au rythme"
                                else f"Une population {trend}, au rythme de la région")
    u = f["unemployment_rate_census"]
    if u["value"] is not None:
        titles["activity"] = {"better": "Un chômage inférieur à la moyenne régionale",
                              "worse": "Un chômage supérieur à la moyenne régionale",
                              "close": "Un chômage proche de la moyenne régionale"}.get(u["comparison"], "")
    return {k: v for k, v in titles.items() if v}


def _ages(ctx: dict) -> dict | None:
    ages = ctx["population"].get("ages")
    if not ages:
        return None
    return {"categories": [r["label"] for r in ages],
            "series": {ctx["name"]: [r["share"] for r in ages], ctx["region_name"]: [r["region_share"] for r in ages]}}


def _commune_map(key: str, title: str, palette: str | None = None):
    """The arguments of the commune map of ``ctx["population"][key]`` (``render.commune_map``)."""
    def args(ctx: dict) -> dict | None:
        data = ctx["population"].get(key)
        if not data:
            return None
        return {"classes": {r["code"]: r["class"] for r in data["rows"]}, "legend": data["legend"],
                "towns": [t["name"] for t in ctx["towns"]], "title": title, "palette": palette,
                "size": COMMUNE_MAP_SIZE}
    return args


IMAGES = (
    Image("ages", "ages.svg", "chart", "grouped_bars", _ages),
    Image("unemployment_map", "chomage-communes.png", "map", "commune_map",
          _commune_map("communes", "Taux de chômage des 15-64 ans (recensement)")),
    Image("employment_map", "emploi-communes.png", "map", "commune_map",
          _commune_map("communes_employment", "Taux d'emploi des 15-64 ans (recensement)", "blues")),
    Image("change_map", "population-communes.png", "map", "commune_map",
          _commune_map("communes_change", "Évolution annuelle moyenne de la population (recensement)", "greens")),
)
