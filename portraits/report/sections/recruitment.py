"""Section "Besoins de recrutement des employeurs": the recruitment projects of the BMO survey,
the most sought and the hardest jobs, by bassins d'emploi allocated to the territory."""
from __future__ import annotations

from ... import fmt
from ..figures import TerritoryData, clean, source_line, unavailable

NAME = "recruitment"
HEADING = "Besoins de recrutement des employeurs"
SOURCES = {"recruitment": ("bmo", "bmo_bassins", "fap")}
IMAGES = ()

MIN_PROJECTS_FOR_DIFFICULTY = 30


def _recruitment(code, tables, prov) -> dict:
    miss = unavailable("bmo", prov) or unavailable("bmo_bassins", prov)
    if miss:
        return miss
    m = tables["bmo_metiers"]
    t = m[(m.unit == code) & m.projects.notna()]

    def row(r):
        return {"label": r.fap_name or r.fap_code, "fap_code": r.fap_code, "projects_text": fmt.number(clean(r.projects)),
                "difficult_text": fmt.percent(clean(r.difficult_share), 0) if clean(r.difficult_share) is not None else "secret",
                "seasonal_text": fmt.percent(clean(r.seasonal_share), 0) if clean(r.seasonal_share) is not None else "secret"}
    top = [row(r) for r in t.sort_values(["projects", "fap_code"], ascending=[False, True]).head(10).itertuples()]
    hard = t[(t.projects >= MIN_PROJECTS_FOR_DIFFICULTY) & t.difficult_share.notna()]
    hardest = [row(r) for r in hard.sort_values(["difficult_share", "projects", "fap_code"],
                                                 ascending=[False, False, True]).head(5).itertuples()]
    b = tables["bassin_shares"]
    bassins = [{"name": r.bassin_name, "share_text": fmt.percent(100 * r.weight, 0)}
               for r in b[b.unit == code].itertuples()]
    return {"available": True, "top": top, "hardest": hardest, "bassins": bassins,
            "min_projects": MIN_PROJECTS_FOR_DIFFICULTY,
            "source": source_line(prov["bmo"]) + (" Libellés des métiers : " + prov["fap"]["title"] if "fap" in prov else "")}


def contexts(d: TerritoryData) -> dict:
    return {"recruitment": _recruitment(d.code, d.tables, d.prov)}


def titles(f: dict) -> dict[str, str]:
    d = f["bmo_difficult_share"]
    if d["value"] is None or d["region"] is None:
        return {}
    return {"recruitment": ("Des recrutements plus souvent jugés difficiles qu'en moyenne régionale"
                            if d["value"] > d["region"] + 2 else
                            "Des recrutements moins souvent jugés difficiles qu'en moyenne régionale"
                            if d["value"] < d["region"] - 2 else
                            "Des difficultés de recrutement proches de la moyenne régionale")}
