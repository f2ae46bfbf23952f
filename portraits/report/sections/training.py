"""Section "Formation initiale": the collèges, lycées and EREA of the territory (annuaire de
l'éducation), and the formations they teach under school status (Onisep's Idéo actions)."""
from __future__ import annotations

from ... import fmt
from ..figures import (LEVEL_LABELS, Image, TerritoryData, category_shares, source_line, text_or_none,
                       unavailable)

NAME = "training"
HEADING = "Formation initiale"
SOURCES = {"training": ("establishments",),
           "initial": ("onisep_actions", "onisep_formations", "establishments")}

def _training(code, by_type, prov) -> dict:
    miss = unavailable("establishments", prov)
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


def _initial_training(code, tables, prov) -> dict:
    """School-status training (Idéo actions): levels, domains, and the lycées and EREA of the
    territory with the number of formations each teaches."""
    miss = unavailable("onisep_actions", prov) or unavailable("establishments", prov)
    if miss:
        return miss
    t = tables["training_initial_tables"]
    e = tables["training_establishments"]
    rows = [{"name": r.name, "town": text_or_none(r.town) or "", "type": r.type, "status": text_or_none(r.status) or "–",
             "formations": int(r.formations),
             "formations_text": fmt.number(int(r.formations)) if r.formations else "aucune recensée"}
            for r in e[e.unit == code].itertuples()]
    source = source_line(prov["onisep_actions"])
    if "onisep_formations" in prov:
        source += " Niveaux et domaines : " + source_line(prov["onisep_formations"])
    source += " Établissements : " + source_line(prov["establishments"])
    return {"available": True, "levels": category_shares(t, code, "level", LEVEL_LABELS),
            "domains": category_shares(t, code, "domain", {}, 10,
                                        lambda c: "Domaine non précisé" if c == "non précisé" else c[:1].upper() + c[1:]),
            "levels_known": "onisep_formations" in prov, "establishments": rows, "source": source}


def contexts(d: TerritoryData) -> dict:
    return {"training": _training(d.code, d.tables.get("training_by_type"), d.prov),
            "initial": _initial_training(d.code, d.tables, d.prov)}


def titles(f: dict) -> dict[str, str]:
    return {}


def _establishments(ctx: dict) -> dict | None:
    tr = ctx["training"]
    if not tr.get("available"):
        return None
    return {"categories": tr["types"], "stacks": {s: [r[s] for r in tr["table"]] for s in tr["statuses"]}}


IMAGES = (Image("establishments", "etablissements.svg", "chart", "stacked_bars", _establishments),)
