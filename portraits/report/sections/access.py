"""Section "Où s'informer et se faire accompagner": the access points of the SPRO networks in the
territory (map, addresses) and how far the inhabitants live from them, network by network."""
from __future__ import annotations

from ... import fmt
from ...indicators import DEFAULT_PARAMS
from ...networks import NETWORK_COLOURS, NETWORKS
from ..figures import Image, TerritoryData, source_line, text_or_none, unavailable

NAME = "access"
HEADING = "Où s'informer et se faire accompagner"
SOURCES = {"access": ("service_public", "establishments")}

def _access(code, tables, figs, prov, params) -> dict:
    """Section "Où s'informer et se faire accompagner": the access points of the territory by
    network (map and table), and reach figures by network against the region."""
    if "service_public" not in prov and "establishments" not in prov:
        return unavailable("service_public", prov)
    points = tables["access_points"]
    mine = points[points.territory_code == code]
    reach_km = {**DEFAULT_PARAMS, **(params or {})}["reach_km"]
    networks = []
    for net, spec in NETWORKS.items():
        f = figs[spec["indicator"]]
        d = mine[mine.network == net]
        directory = "establishments" if net == "cio" else "service_public"
        networks.append({"code": net, "label": spec["label"], "long": spec["long"], "colour": NETWORK_COLOURS[net],
                         "count": len(d), "far": f, "loaded": directory in prov,
                         "in_region": bool((points.network == net).any())})
    rows = [{"network": NETWORKS[r.network]["label"], "name": r.name, "address": text_or_none(r.address),
             "town": text_or_none(r.town) or "", "postcode": text_or_none(r.postcode) or "", "phone": text_or_none(r.phone),
             "email": text_or_none(r.email), "website": text_or_none(r.website)}
            for r in mine.itertuples()]
    far = tables["access_far_communes"]
    far = far[far.territory_code == code]
    farthest = [{"name": r.name, "population_text": fmt.number(r.population), "km_text": fmt.value(r.km, "km"),
                 "nearest": r.nearest_name + (f" ({r.nearest_town})" if text_or_none(r.nearest_town)
                                              and r.nearest_town not in r.nearest_name else "")}
                for r in far.itertuples()]
    sources_ = [source_line(prov["service_public"])] if "service_public" in prov else []
    if "establishments" in prov:
        sources_.append(source_line(prov["establishments"])[:-1] + " (CIO).")
    return {"available": True, "networks": networks, "rows": rows, "farthest": farthest,
            "directory_missing": "service_public" not in prov,
            "reach_km_text": fmt.setting(reach_km),
            "points": [[round(float(r.lon), 5), round(float(r.lat), 5), r.network]
                       for r in mine.itertuples() if text_or_none(r.lon) is not None and text_or_none(r.lat) is not None],
            "source": " ".join(sources_)}


def contexts(d: TerritoryData) -> dict:
    return {"access": _access(d.code, d.tables, d.figures, d.prov, d.params)}


def titles(f: dict) -> dict[str, str]:
    a = f.get("access_far_share")
    if not (a and a["value"] is not None and a["region"] is not None):
        return {}
    return {"access": ("Où s'informer : des lieux d'accueil plus éloignés qu'en moyenne régionale"
                       if a["comparison"] == "worse" else
                       "Où s'informer : des lieux d'accueil plus proches qu'en moyenne régionale"
                       if a["comparison"] == "better" else
                       "Où s'informer : des lieux d'accueil à une distance proche de la moyenne régionale")}


def _access_map(ctx: dict) -> dict | None:
    acc = ctx["access"]
    if not acc.get("available"):
        return None
    return {"points_lonlat": acc["points"], "towns": [t["name"] for t in ctx["towns"]],
            "categories": {n["code"]: (n["label"], n["colour"]) for n in acc["networks"]}}


IMAGES = (Image("places", "accueil.png", "map", "territory_map", _access_map),)
