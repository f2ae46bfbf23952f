"""Section "Demandeurs d'emploi": the monthly jobseekers (STMT), the localised unemployment rates
(départements, region and zones d'emploi) and the jobseekers' profile by bassin d'emploi."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from sources.unemployment import period_text

from ... import fmt
from ...geography import departement_names
from ...warehouse import REGION_UNIT
from ..figures import Image, TerritoryData, clean, direction, points, source_line, unavailable

NAME = "employment"
HEADING = "Demandeurs d'emploi"
SOURCES = {"employment": ("jobseekers", "unemployment", "jobseekers_profile")}

def _jobseekers_profile(code, tables, prov) -> dict | None:
    """The jobseekers by profile (France Travail API, by bassin d'emploi): the bassins allocated to
    the territory (as for the BMO figures), the quarter and the source; None without the data."""
    if "jobseekers_profile" not in prov or "bmo_bassins" not in prov:
        return None
    b = tables["profile_bassins"]
    bassins = [{"name": r.bassin_name, "share_text": fmt.percent(100 * r.weight, 0)}
               for r in b[b.unit == code].itertuples()]
    return {"bassins": bassins, "quarter": prov["jobseekers_profile"]["vintage"],
            "source": source_line(prov["jobseekers_profile"])}


def _employment(code, name, region_name, tables, prov) -> dict:
    miss = unavailable("jobseekers", prov)
    if miss:
        return {**miss, "profile": _jobseekers_profile(code, tables, prov)}
    series = tables["jobseekers_series"]
    t = series[series.unit == code].sort_values("month")
    r = series[series.unit == REGION_UNIT].sort_values("month")
    months = [pd.Timestamp(m).date() for m in r.month]
    tv = dict(zip((pd.Timestamp(m).date() for m in t.month), t.jobseekers))
    rows = [{"month": m.isoformat(), "month_text": fmt.month(m), "territory": tv.get(m),
             "territory_text": fmt.number(tv.get(m)), "region": v, "region_text": fmt.number(v)}
            for m, v in zip(months, r.jobseekers)]
    out = {"available": bool(len(t)), "reason": None if len(t) else "aucune commune du territoire dans le fichier",
           "rows": rows, "name": name, "region_name": region_name,
           "source": source_line(prov["jobseekers"]), "unemployment": None,
           "profile": _jobseekers_profile(code, tables, prov)}
    if "unemployment" in prov:
        out["unemployment"] = _unemployment(code, region_name, tables, prov)
    return out


def _unemployment(code, region_name, tables, prov) -> dict | None:
    """The localised unemployment rates of the territory, in two parts, each with its own period
    and source line: the départements and the region (the quarterly series when loaded, else the
    latest annual averages), and the zones d'emploi (whenever their workbook was loaded, whatever
    the source of the départements). None when neither has a figure."""
    series = (_quarterly_unemployment(code, region_name, tables, prov)
              or _annual_unemployment(code, region_name, tables, prov))
    zones = _zone_unemployment(code, region_name, tables, prov)
    if series is None and zones is None:
        return None
    return {**(series or {"quarterly": False, "rates": [], "source": None}), "zones": zones}


def _unemployment_source(prov, period: str) -> str:
    """The source line of a part of the unemployment block: the dataset, and the period of the
    figures it shows (not the dataset's vintage, which may name another part's)."""
    return source_line({**prov["unemployment"], "vintage": period_text(period)})


def _annual_unemployment(code, region_name, tables, prov) -> dict | None:
    """The latest annual averages of the territory's départements and of the region (the annual
    CSV extracts), or None when there are none."""
    u = tables.get("unemployment")
    if u is None or u.empty:
        return None
    names = departement_names()
    mine = u[u.unit == code].sort_values("area_code")
    rates = [{"area": f"{names.get(d, d)} ({d})", "rate_text": fmt.percent(clean(r))}
             for d, r in zip(mine.area_code, mine.rate)]
    rates += [{"area": region_name, "rate_text": fmt.percent(clean(r))} for r in u[u.unit == REGION_UNIT].rate]
    if not rates:
        return None
    period = u.period.max()
    return {"quarterly": False, "rates": rates, "period_text": period_text(period),
            "source": _unemployment_source(prov, period)}


def _quarterly_unemployment(code, region_name, tables, prov) -> dict | None:
    """The quarterly benchmark (Insee's sl_etc workbook): the last five years of the territory's
    départements and the region (chart and its table), the latest regional rate and its change
    over a year. None when no quarterly series of the region was loaded (the annual averages are
    shown instead)."""
    q = tables.get("unemployment_quarterly")
    if q is None or q.empty or not (q.unit == REGION_UNIT).any():
        return None
    names = departement_names()
    mine = q[q.unit == code]
    areas = [(f"{names.get(d, d)} ({d})", mine[mine.area_code == d]) for d in sorted(mine.area_code.unique())]
    areas.append((region_name, q[q.unit == REGION_UNIT]))
    periods = sorted(q.period.unique())
    series = {name: dict(zip(df.period, (clean(r) for r in df.rate))) for name, df in areas}
    rows = [{"period": p, "period_text": fmt.quarter(p),
             "cells": [fmt.percent(series[name].get(p)) if series[name].get(p) is not None else "non publié"
                        for name, _ in areas]} for p in periods]
    region = series[region_name]
    last = periods[-1]
    before = f"{int(last[:4]) - 1}{last[4:]}"
    return {"quarterly": True, "names": [name for name, _ in areas], "series": {k: [v.get(p) for p in periods]
                                                                               for k, v in series.items()},
            "periods": periods, "rows": rows, "first_text": fmt.quarter(periods[0]), "last_text": fmt.quarter(last),
            "region_text": fmt.percent(region.get(last)) if region.get(last) is not None else "non publié",
            "region_change_text": (points(region[last] - region[before])
                                   if region.get(last) is not None and region.get(before) is not None else None),
            "source": _unemployment_source(prov, last)}


def _zone_unemployment(code, region_name, tables, prov) -> dict | None:
    """The zones d'emploi of the territory with their latest rate (a quarter, or an annual average
    for the annual workbook) and its change over a year; an interregional zone by its regional
    part when Insee's workbook gives it. None without the zones workbook or a zone of the territory."""
    z = tables.get("unemployment_zones")
    if z is None or z.empty or not (z.unit == code).any():
        return None
    mine = z[z.unit == code]
    last, before = mine.period.iloc[0], mine.period_year_before.iloc[0]
    rows = []
    for r in mine.itertuples():
        rate, previous = clean(r.rate), clean(r.rate_year_before)
        part = bool(r.interregional) and bool(r.regional_part)
        rows.append({"code": r.ze_code, "name": r.ze_name, "whole": bool(r.whole),
                     "interregional": bool(r.interregional), "regional_part": part,
                     "note": (f"partie {region_name}" if part else "déborde de la région" if r.interregional else None),
                     "rate_text": fmt.percent(rate) if rate is not None else "non publié",
                     "change_text": points(rate - previous) if rate is not None and previous is not None else "–"})
    quarterly = "-T" in last
    return {"rows": rows, "quarterly": quarterly,
            "when_text": f"au {fmt.quarter(last)}" if quarterly else f"en moyenne annuelle {last}",
            "before_text": f"depuis le {fmt.quarter(before)}" if quarterly else f"depuis {before}",
            "parts": any(r["regional_part"] for r in rows),
            "whole_interregional": any(r["interregional"] and not r["regional_part"] for r in rows),
            "source": _unemployment_source(prov, last)}


def contexts(d: TerritoryData) -> dict:
    return {"employment": _employment(d.code, d.name, d.region_name, d.tables, d.prov)}


def titles(f: dict) -> dict[str, str]:
    j = f["jobseekers_change_1y"]
    if j["value"] is None:
        return {}
    return {"employment": f"Des demandeurs d'emploi {direction(j['value'], 'en hausse', 'en baisse', 'stables')}"
                          f" sur un an ({j['text']})"}


def _jobseekers(ctx: dict) -> dict | None:
    if not ctx["employment"].get("available"):
        return None
    rows = [r for r in ctx["employment"]["rows"] if r["territory"] is not None]
    return {"months": [dt.date.fromisoformat(r["month"]) for r in rows], "territory": [r["territory"] for r in rows],
            "region": [r["region"] for r in rows], "territory_name": ctx["name"], "region_name": ctx["region_name"]}


def _quarterly(ctx: dict) -> dict | None:
    ue = ctx["employment"].get("unemployment") or {}
    return {"periods": ue["periods"], "series": ue["series"]} if ue.get("quarterly") else None


IMAGES = (
    Image("jobseekers", "demandeurs.svg", "chart", "index_series", _jobseekers),
    Image("quarterly", "chomage-trimestriel.svg", "chart", "quarterly_rates", _quarterly),
)
