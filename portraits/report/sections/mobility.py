"""Section "Se déplacer pour travailler et pour étudier": home → work and home → study flows
between the territory, the other territories of the set and the rest of France."""
from __future__ import annotations

import pandas as pd

from ... import fmt
from ..figures import Image, TerritoryData, clean, source_line, unavailable

NAME = "mobility"
HEADING = "Se déplacer pour travailler et pour étudier"
SOURCES = {"mobility": ("mobility",)}

def _mobility(code, tables, prov) -> dict:
    miss = unavailable("mobility", prov)
    if miss:
        return miss
    m = tables["mobility_flows"]
    mine = m[m.unit == code]

    def top(direction, kind, n=5):
        d = mine[(mine.direction == direction) & (mine.kind == kind)].head(n)
        return [{"name": r.other_name, "flow": clean(r.flow), "flow_text": fmt.number(clean(r.flow))}
                for r in d.itertuples()]
    return {"available": True, "work_out": top("out", "travail"), "work_in": top("in", "travail"),
            "study_out": top("out", "etudes"), "flows": _main_flows(code, mine),
            "source": source_line(prov["mobility"])}


FLOW_MAP_EACH_WAY = 4   # flows drawn on the map of the mobility block, departures and arrivals each


def _main_flows(code: str, mine: pd.DataFrame) -> list[dict]:
    """The largest home → work flows between the territory and the other territories of the set:
    the main departures and the main arrivals (flows with the rest of France are in the table,
    not on the map), largest first."""
    d = mine[(mine.kind == "travail") & (mine.other != "_OUT")]
    d = d.sort_values(["direction", "flow", "other"], ascending=[True, False, True])
    d = d.groupby("direction", sort=False).head(FLOW_MAP_EACH_WAY)
    d = d.sort_values(["flow", "direction", "other"], ascending=[False, True, True])
    out = []
    for r in d.itertuples():
        outbound = r.direction == "out"
        out.append({"origin": code if outbound else r.other, "destination": r.other if outbound else code,
                    "other_name": r.other_name, "outbound": outbound, "flow": clean(r.flow),
                    "flow_text": fmt.number(clean(r.flow))})
    return out


def contexts(d: TerritoryData) -> dict:
    return {"mobility": _mobility(d.code, d.tables, d.prov)}


def titles(f: dict) -> dict[str, str]:
    w = f["work_in_territory"]
    if w["value"] is None or w["region"] is None:
        return {}
    return {"mobility": ("Des actifs qui travaillent surtout sur place" if w["value"] >= w["region"]
                         else "Beaucoup d'actifs travaillent hors du territoire")}


def _commuters(ctx: dict) -> dict | None:
    mob = ctx["mobility"]
    if not (mob.get("available") and mob["work_out"]):
        return None
    return {"categories": [r["name"] for r in mob["work_out"]],
            "series": {ctx["name"]: [r["flow"] for r in mob["work_out"]]}, "unit": "count"}


def _flows(ctx: dict) -> dict | None:
    mob = ctx["mobility"]
    return {"flows": mob["flows"]} if mob.get("available") and mob["flows"] else None


IMAGES = (
    Image("commuters", "navettes.svg", "chart", "grouped_bars", _commuters),
    Image("flows", "flux.png", "map", "flow_map", _flows),
)
