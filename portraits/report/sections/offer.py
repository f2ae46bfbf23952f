"""Section "Formation continue et apprentissage": the training offer of the Carif-Oref (levels,
domains, routes, organisms, the map of its places), and the comparison of the formations with
the jobs employers recruit for (BMO, by FAP-2021 domain)."""
from __future__ import annotations

from ... import fmt
from ...warehouse import REGION_UNIT
from ..figures import (LEVEL_LABELS, Image, TerritoryData, category_shares, clean, points, signed, source_line,
                       unavailable)

NAME = "offer"
HEADING = "Formation continue et apprentissage"
SOURCES = {"offer": ("training_offer", "organisms"),
           "needs": ("bmo", "training_offer", "onisep_formations", "onisep_actions")}

# Formacode: the two first digits of a code give its broad field. Labels of the fields used here.
FORMACODE_FIELDS = {"21": "Agriculture, agroalimentaire", "22": "Bâtiment, travaux publics",
                    "23": "Mécanique, maintenance", "24": "Électricité, électronique", "31": "Informatique",
                    "32": "Gestion, comptabilité", "33": "Transport, logistique", "34": "Commerce, vente",
                    "35": "Hôtellerie, restauration", "42": "Santé, action sociale"}


# Colours of the training places on the map of the offer, by route (colour-blind safe, as the networks').
OFFER_COLOURS = {"apprentissage": ("Accessible en apprentissage", "#D55E00"),
                 "formation continue": ("Formation continue seulement", "#0072B2")}
# Routes of the training actions (training_routes.sql), in this order, and their dataset.
ROUTES = {"voie scolaire": ("Formation initiale sous statut scolaire (lycées)", "onisep_actions"),
          "apprentissage": ("Apprentissage", "training_offer"),
          "formation continue": ("Formation continue", "training_offer")}


def _training_offer(code, tables, prov) -> dict:
    miss = unavailable("training_offer", prov)
    if miss:
        return miss
    t = tables["training_offer_tables"]
    orgs = tables["training_organisms"]
    names = tables.get("organisms")
    named = dict(zip(names.siret, names.name)) if names is not None else {}
    qualiopi = dict(zip(names.siret, names.qualiopi)) if names is not None else {}
    o = orgs[orgs.unit == code].head(15)
    organisms = [{"name": named.get(r.organism_siret) or f"SIRET {r.organism_siret}", "town": r.town,
                  "actions_text": fmt.number(int(r.actions)),
                  "qualiopi": {True: "oui", False: "non"}.get(qualiopi.get(r.organism_siret), "–")}
                 for r in o.itertuples()]
    source = source_line(prov["training_offer"])
    if "organisms" in prov:
        source += " " + source_line(prov["organisms"])
    routes = tables["training_routes"]
    routes = routes.assign(order=routes.category.map(list(ROUTES).index)).sort_values(["unit", "order"])
    route_rows = category_shares(routes, code, None, {k: v[0] for k, v in ROUTES.items()})
    if "onisep_actions" in prov:
        source += " Voie scolaire : " + source_line(prov["onisep_actions"])
    return {"available": True, "levels": category_shares(t, code, "level", LEVEL_LABELS),
            "domains": category_shares(t, code, "domain", FORMACODE_FIELDS, 10, lambda c: f"Formacode {c}xxx"),
            "routes": route_rows, "organisms": organisms,
            "colours": OFFER_COLOURS,
            "source": source}


NEEDS_DOMAINS_SHOWN = 10     # domains of the chart "Formations et métiers qui recrutent"


def _training_needs(code, tables, prov) -> dict:
    """Training offer against recruitment needs, by FAP-2021 domain: the share of BMO projects
    and the share of training actions (all routes, domain by the NSF → FAP correspondence)."""
    miss = unavailable("bmo", prov) or unavailable("bmo_bassins", prov)
    if miss:
        return {**miss, "reason": "Les données de l'enquête Besoins en main-d'œuvre n'ont pas été fournies pour "
                                  "cette édition : la comparaison n'a pas pu être produite."}
    offers = [k for k in ("onisep_actions", "training_offer") if k in prov]
    if not offers:
        return {"available": False, "reason": "Aucune offre de formation n'a été fournie pour cette édition : "
                                              "la comparaison n'a pas pu être produite."}
    t = tables["training_bmo_domains"]
    mine = t[t.unit == code].set_index("fap_domain")
    region = t[t.unit == REGION_UNIT].set_index("fap_domain")
    if mine.empty or not mine.actions_mapped.iloc[0]:
        return {"available": False, "reason": "Aucune action de formation du territoire n'a de domaine comparable "
                                              "(spécialité NSF absente ou générale)."}

    def gap(d, k):
        a, p = clean(d.actions_share.get(k)), clean(d.projects_share.get(k))
        return None if a is None or p is None else a - p
    rows = []
    for k in mine.sort_values(["projects", "actions"], ascending=False).index:
        m = mine.loc[k]
        if not m.projects and not m.actions:
            continue
        g, rg = gap(mine, k), gap(region, k) if k in region.index else None
        rows.append({"code": k, "label": m.fap_domain_label,
                     "projects_share": clean(m.projects_share), "actions_share": clean(m.actions_share),
                     "projects_text": fmt.number(clean(m.projects)), "actions_text": fmt.number(int(m.actions)),
                     "projects_share_text": fmt.percent(clean(m.projects_share)),
                     "actions_share_text": fmt.percent(clean(m.actions_share)),
                     "gap_text": points(g), "region_gap_text": points(rg),
                     # the table gives the unit in its header: a narrow screen fits its seven columns
                     "gap_number": signed(g), "region_gap_number": signed(rg)})
    total, mapped = int(mine.actions_total.iloc[0]), int(mine.actions_mapped.iloc[0])
    top = rows[0]
    reading = (f"Lecture : {top['projects_share_text']} des projets de recrutement du territoire concernent les "
               f"métiers du domaine « {top['label']} », qui rassemble {top['actions_share_text']} des actions de "
               f"formation de ce territoire dont le domaine est connu.")
    sources_ = [source_line(prov["bmo"])] + [source_line(prov[k]) for k in offers]
    return {"available": True, "rows": rows, "chart": rows[:NEEDS_DOMAINS_SHOWN], "reading": reading,
            "coverage": (f"{fmt.number(mapped)} actions de formation sur {fmt.number(total)} "
                         f"({fmt.percent(100 * mapped / total if total else None)}) ont une spécialité (NSF) rattachée à un "
                         f"domaine professionnel ; les autres (formations générales, spécialité non renseignée) "
                         f"ne sont pas comparées."),
            "routes": [ROUTES[r][0].lower() for r in ROUTES if ROUTES[r][1] in offers],
            "source": " ".join(sources_) + " Correspondance entre spécialités de formation (NSF) et domaines "
                      "professionnels (FAP-2021) : table établie pour ces portraits (fichier data/training/nsf_fap2021.csv)."}


def _offer_points(code: str, tables) -> list[list]:
    """The places of the training actions of the territory, ``[lon, lat, route]`` (the map of the offer)."""
    tp = tables.get("training_points")
    if tp is None:
        return []
    return [[round(x, 5), round(y, 5), "apprentissage" if a else "formation continue"]
            for x, y, a in tp.loc[tp.territory_code == code, ["lon", "lat", "apprenticeship"]].itertuples(index=False)]


def contexts(d: TerritoryData) -> dict:
    return {"offer": _training_offer(d.code, d.tables, d.prov), "needs": _training_needs(d.code, d.tables, d.prov),
            "offer_points": _offer_points(d.code, d.tables)}


def titles(f: dict) -> dict[str, str]:
    return {}


def _offer_map(ctx: dict) -> dict | None:
    if not ctx["offer"].get("available"):
        return None
    return {"points_lonlat": ctx["offer_points"], "towns": [t["name"] for t in ctx["towns"]],
            "categories": ctx["offer"]["colours"]}


def _needs(ctx: dict) -> dict | None:
    nd = ctx["needs"]
    if not nd.get("available"):
        return None
    return {"categories": [r["label"] for r in nd["chart"]],
            "series": {"Projets de recrutement": [r["projects_share"] for r in nd["chart"]],
                       "Actions de formation": [r["actions_share"] for r in nd["chart"]]}}


IMAGES = (
    Image("places", "formation.png", "map", "territory_map", _offer_map),
    Image("needs", "formations-metiers.svg", "chart", "grouped_bars", _needs),
)
