"""The synthesis of a portrait: at most four A4 pages per territory, from the portrait's own
context (no query of its own), beside the full portrait (``synthese.html`` and
``synthese-<slug>.pdf`` in the territory's folder, written by ``pipeline.write_portrait``).

It keeps what a reader who is not a statistician needs first: the "En résumé" sentences, the key
figures against the region with the rank, a few charts (the portrait's own images: nothing is
drawn twice), the métiers that recruit most and the training of their professional domains, a few
places where to get advice, and what changed since the previous edition (``changes``, which the
template reads from the portrait's context).

Tables are declared by their columns (``columns``: key and header; each row's ``cells`` by key),
so that a column is one entry and one cell more: the département beside the region in the key
figures, the tension class of a métier (see :data:`FIGURE_COLUMNS`, :data:`METIER_COLUMNS`).
"""
from __future__ import annotations

from dataclasses import dataclass

from .figures import source_line
from .sections import SECTIONS

# The columns of the key figures: the département's value (the context ``comparisons``: the
# weighted mean of its départements for a territory over several) beside the region's.
FIGURE_COLUMNS = (("territory", "Territoire"), ("departement", "Département"), ("region", "Région"), ("rank", "Rang"),
                  ("verdict", "Par rapport à la région"))
# The columns of the métiers: the tension class (the context ``metiers``, by FAP code) after
# the share of projects judged difficult.
METIER_COLUMNS = (("projects", "Projets"), ("difficult", "Jugés difficiles"), ("tension", "Tension"),
                  ("domain", "Domaine professionnel"))

METIERS_SHOWN = 5
PLACES_SHOWN = 5
CHARTS_SHOWN = 3
MOVED_SHOWN = 5       # indicators that moved most, of the portrait's "changes"
VINTAGES_SHOWN = 4    # datasets with a new vintage (the others are counted)

VERDICTS = {"better": "plus favorable", "worse": "moins favorable", "close": "proche"}


@dataclass(frozen=True)
class Chart:
    """A chart of the portrait the synthesis may show: the section and the key of its image, the
    context entry (and its key) that holds the chart's source line, its caption and its text
    alternative (where its values are: in the full portrait)."""
    section: str
    image: str
    entry: str
    source_key: str
    caption: str
    alt: str


# In order of preference: the synthesis shows the first CHARTS_SHOWN the portrait has drawn.
CHARTS = (
    Chart("employment", "jobseekers", "employment", "source",
          "Demandeurs d'emploi en fin de mois (catégories A, B, C), en indice : 100 au premier mois.",
          "Évolution mensuelle du nombre de demandeurs d'emploi, en indice base 100 au premier mois, pour le "
          "territoire et la région."),
    Chart("offer", "needs", "needs", "source",
          "Projets de recrutement et actions de formation par domaine professionnel (FAP-2021), en % du total "
          "du territoire.",
          "Part des projets de recrutement et part des actions de formation par domaine professionnel, pour les "
          "domaines qui recrutent le plus."),
    Chart("economy", "sectors", "economy", "census_source",
          "Emplois au lieu de travail par secteur d'activité (part des emplois, en %).",
          "Répartition des emplois par grand secteur d'activité, territoire et région, en pourcentage."),
    Chart("economy", "salaried", "economy", "urssaf_source",
          "Effectifs salariés du secteur privé en fin d'année, en indice : 100 la première année.",
          "Évolution de l'emploi salarié privé, en indice base 100 la première année, pour le territoire et la région."),
    Chart("trajectories", "insertion", "trajectories", "source",
          "Taux d'emploi salarié à 6 mois des sortants de la voie professionnelle, par lycée.",
          "Taux d'emploi à 6 mois de chaque lycée professionnel du territoire, comparé à la médiane régionale."),
)
def shown_images(ctx: dict) -> dict[tuple[str, str], str]:
    """The images the portrait of ``ctx`` shows, by (section, key): their files."""
    return {(s.NAME, i.key): i.file for s in SECTIONS for i in s.IMAGES if i.args(ctx) is not None}


def _chart(c: Chart, file: str, ctx: dict, section: str) -> dict:
    return {"file": file, "caption": c.caption, "source": ctx[c.entry].get(c.source_key),
            "alt": f"{c.alt} Les valeurs sont dans la section « {section} » du portrait complet.",
            "section": c.section, "image": c.image}


def charts(ctx: dict) -> list[dict]:
    """The first :data:`CHARTS_SHOWN` charts of :data:`CHARTS` the portrait shows."""
    images, headings = shown_images(ctx), {s.NAME: s.HEADING for s in SECTIONS}
    out = [_chart(c, images[(c.section, c.image)], ctx, headings[c.section]) for c in CHARTS
           if (c.section, c.image) in images and ctx[c.entry].get(c.source_key)]
    return out[:CHARTS_SHOWN]


def key_figures(ctx: dict) -> list[dict]:
    """The key figures of the portrait: value, region (its share of the region's total for a
    count), rank, and how it compares; the source line of each, for the list under the table."""
    rows = []
    comparisons = ctx.get("comparisons") or {}
    departement = {r["id"]: r["departement_text"] for r in comparisons.get("rows", [])}
    for k in ctx["key_figures"]:
        f = ctx["figures"][k]
        region = (f"{f['share_of_region']} du total" if f["share_of_region"] else f["region_text"]) or "–"
        rows.append({"id": k, "label": f["label"], "comparison": f["comparison"],
                     "cells": {"territory": f["text"] if f["text"] is not None else f["missing_reason"],
                               "departement": departement.get(k) or "–",
                               "region": region if f["text"] is not None else "–",
                               "rank": f["rank_text"] or "–", "verdict": VERDICTS.get(f["comparison"], "–")},
                     "source": f["source"]})
    return rows


def figure_sources(rows: list[dict]) -> list[str]:
    """The distinct source lines of the key figures, in the order of the table."""
    return list(dict.fromkeys(r["source"] for r in rows if r["source"]))


def metiers(ctx: dict) -> dict:
    """The métiers with the most recruitment projects, each with its professional domain (the
    first letter of its FAP code), and the training of those domains in the territory (actions
    of every route, against the domain's share of the projects: the context ``needs``)."""
    rec, needs, met = ctx["recruitment"], ctx["needs"], ctx.get("metiers") or {}
    if not rec.get("available"):
        return {"available": False, "reason": rec["reason"]}
    domains = {r["code"]: r for r in needs.get("rows", [])} if needs.get("available") else {}
    tension = {r["fap_code"]: r["tension_text"] for r in met.get("rows", [])}
    rows, seen = [], []
    for m in rec["top"][:METIERS_SHOWN]:
        d = domains.get((m.get("fap_code") or "")[:1])
        rows.append({"label": m["label"], "cells": {"projects": m["projects_text"], "difficult": m["difficult_text"],
                                                    "tension": tension.get(m.get("fap_code")) or "–",
                                                    "domain": d["label"] if d else "–"}})
        if d and d not in seen:
            seen.append(d)
    training = [{"label": d["label"], "projects_share_text": d["projects_share_text"], "actions_text": d["actions_text"],
                 "actions_share_text": d["actions_share_text"], "gap_text": d["gap_text"]} for d in seen]
    return {"available": True, "rows": rows, "training": training,
            # Why the tension column is empty (no file, a FAP-2009 file), and where its classes come from.
            "tension_reason": met.get("tension_reason"), "tension_departement": met.get("departement"),
            "tension_year": met.get("tension_year"), "tension_source": next((source_line(p) for p in ctx["sources"] if p["id"] == "tension"), None)
            if met.get("with_tension") else None,
            "training_reason": None if needs.get("available") else needs.get("reason"),
            "source": rec["source"], "training_source": needs.get("source")}


def routes(ctx: dict) -> list[dict]:
    """The training actions of the territory by route (voie scolaire, apprentissage, formation
    continue), when the offer is known."""
    offer = ctx["offer"]
    return offer.get("routes", []) if offer.get("available") else []


def places(ctx: dict) -> dict:
    """A few places where to get advice: one of each network first (in the order of the
    networks), those in the territory's main towns before the others, then more of them."""
    acc = ctx["access"]
    if not acc.get("available"):
        return {"available": False, "reason": acc["reason"]}
    towns = {t["name"] for t in ctx["towns"]}
    order = sorted(acc["rows"], key=lambda r: (r["town"] not in towns, r["address"] is None))
    first = {}
    for r in order:
        first.setdefault(r["network"], r)
    chosen = list(first.values())[:PLACES_SHOWN]
    chosen += [r for r in order if r not in chosen][:PLACES_SHOWN - len(chosen)]
    return {"available": True, "rows": chosen, "total": len(acc["rows"]),
            "networks": [{"label": n["label"], "count": n["count"]} for n in acc["networks"] if n["count"]],
            "source": acc["source"]}


def context(ctx: dict) -> dict:
    """The part of a portrait's context only the synthesis uses (``ctx["synthesis"]``)."""
    figures = key_figures(ctx)
    return {"figure_columns": [{"key": k, "label": v} for k, v in FIGURE_COLUMNS], "key_figures": figures,
            "figure_sources": figure_sources(figures), "charts": charts(ctx),
            "metier_columns": [{"key": k, "label": v} for k, v in METIER_COLUMNS], "metiers": metiers(ctx),
            "routes": routes(ctx), "places": places(ctx), "moved_shown": MOVED_SHOWN,
            "vintages_shown": VINTAGES_SHOWN}
