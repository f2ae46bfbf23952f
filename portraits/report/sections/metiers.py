"""Section "Métiers et tensions": the territory's main métiers of the BMO survey (projects, share
judged difficult, seasonal share) with the tension class of the Dares and France Travail in its
main département (else at the FAP-86 level, else in the région) and the complementary indicators
that explain it."""
from __future__ import annotations

import pandas as pd

from ... import fmt
from ...geography import departement_names
from ..figures import TerritoryData, clean, source_line, unavailable

NAME = "metiers"
HEADING = "Métiers et tensions"
SOURCES = {"metiers": ("bmo", "fap", "tension")}
IMAGES = ()

TOP = 15
CLASS_LABELS = {1: "très faible", 2: "faible", 3: "moyenne", 4: "forte", 5: "très forte"}
# The complementary indicators (columns of metiers_tension.sql) and their short headers.
FACTORS = {
    "intensite_embauches": "Intensité d'embauches",
    "manque_main_oeuvre": "Manque de main-d'œuvre",
    "conditions_travail": "Conditions de travail",
    "non_durabilite": "Non-durabilité de l'emploi",
    "inadequation_geo": "Inadéquation géographique",
    "lien_formation_emploi": "Lien formation-emploi",
}
# step of metiers_tension.sql → what the tension cell adds to say where it comes from.
BASIS = {1: "", 2: "FAP-86", 3: "région", 4: "région, FAP-86"}


def _share(x) -> str:
    return fmt.percent(clean(x), 0) if clean(x) is not None else "secret"


def _class(x) -> int | None:
    x = clean(x)
    return int(x) if x is not None else None


def _tension_reason(prov: dict) -> str | None:
    """Why the tension column is empty, or None when the file can be matched."""
    if "tension" not in prov:
        why = unavailable("tension", prov)["reason"].removesuffix(" : cette partie n'a pas pu être produite.")
        return (f"Indicateurs de tension par métier (Dares) : {why[0].lower()}{why[1:]} ; "
                "la colonne « Tension » est vide.")
    if "FAP-2009" in prov["tension"]["vintage"]:
        return (f"Le fichier des tensions fourni ({', '.join(prov['tension']['files'])}) est en nomenclature FAP-2009 : "
                "ses métiers ne peuvent pas être rapprochés de ceux de l'enquête BMO (FAP-2021) ; la colonne « Tension » "
                "est vide.")
    return None


def _rows(t: pd.DataFrame, tension: pd.DataFrame | None) -> list[dict]:
    rows = []
    for r in t.itertuples():
        k = tension.loc[r.fap_code] if tension is not None and r.fap_code in tension.index else None
        klass = _class(k["tension_class"]) if k is not None else None
        rows.append({
            "label": r.fap_name or r.fap_code, "fap_code": r.fap_code, "projects_text": fmt.number(clean(r.projects)),
            "difficult_text": _share(r.difficult_share), "seasonal_text": _share(r.seasonal_share),
            "tension_class": klass, "tension_text": CLASS_LABELS[klass] if klass else "non publiée",
            "basis": BASIS.get(_class(k["step"]), "") if klass else "",
            "factors": [{"class": c, "text": str(c) if c else "–"}
                        for c in (_class(k[f]) if k is not None else None for f in FACTORS)],
        })
    return rows


def _metiers(d: TerritoryData) -> dict:
    miss = unavailable("bmo", d.prov) or unavailable("bmo_bassins", d.prov)
    if miss:
        return miss
    m = d.tables["bmo_metiers"]
    t = m[(m.unit == d.code) & m.projects.notna()].sort_values(["projects", "fap_code"], ascending=[False, True])
    if t.empty:
        return {"available": False, "reason": "Aucun projet de recrutement n'est publié pour les bassins d'emploi "
                                              "de ce territoire."}
    reason = _tension_reason(d.prov)
    tension, dep = None, None
    if reason is None:
        k = d.tables["metiers_tension"]
        k = k[k.unit == d.code]
        tension = k.set_index("fap_code")
        dep = next((v for v in k.main_dep if isinstance(v, str)), None)
    rows = _rows(t.head(TOP), tension)
    names = departement_names()
    sources = [source_line(d.prov["bmo"])]
    if "tension" in d.prov:
        sources.append(source_line(d.prov["tension"]))
    return {"available": True, "rows": rows, "top": TOP, "count": len(t), "tension_reason": reason,
            "with_tension": any(r["tension_class"] for r in rows),
            "factor_headers": list(FACTORS.values()),
            "departement": f"{names.get(dep, dep)} ({dep})" if dep else None,
            "tension_year": d.prov["tension"]["vintage"].split(",")[0] if "tension" in d.prov else None,
            "source": " ".join(sources)}


def contexts(d: TerritoryData) -> dict:
    return {"metiers": _metiers(d)}


def titles(f: dict) -> dict[str, str]:
    return {}
