"""From indicator values to the plain context each portrait template receives.

Everything here is computed and formatted before rendering: templates only place values. A
context is JSON-serialisable, and its hash (with the templates') decides whether a territory
must be rendered again.

A portrait is its cover (:func:`cover`), its summary and key figures (``summary``), what changed
since the previous edition (``editions``), then the sections of :data:`sections.SECTIONS`, in
order: each section module builds its part of the context, states its finding-titles and
declares its images. The site pages about all territories are in ``site_pages``.
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from .. import fmt
from ..geography import POPULATION_VINTAGE
from ..indicators import catalogue
from ..territories import PARTIAL, TerritorySet, slug
from .comparisons import add_comparisons
from .figures import Image, TerritoryData, figure, lookups, missing_notes, provenance
from .sections import SECTIONS
from .summary import headline_population, key_figures, summary_sentences
from .synthesis import context as synthesis_context


def _cover_map(ctx: dict) -> dict:
    return {"points_lonlat": ctx["map_points"], "towns": [t["name"] for t in ctx["towns"]]}


# The images of the cover (the territory's map, with its collèges, lycées and EREA); those of the
# sections are declared by each section (``IMAGES``).
COVER_IMAGES = (Image("map", "carte.png", "map", "territory_map", _cover_map),)


def portrait_images(ctx: dict) -> list[tuple[Image, dict]]:
    """The images the portrait ``ctx`` shows, each with its drawing's arguments: the cover's,
    then each section's in the order of the page."""
    declared = [*COVER_IMAGES, *(image for section in SECTIONS for image in section.IMAGES)]
    return [(image, args) for image in declared if (args := image.args(ctx)) is not None]


def section_titles(figs: dict) -> dict[str, str]:
    """Titles that state the finding, falling back to neutral titles when a figure is missing
    (each section's ``titles``)."""
    return {k: v for section in SECTIONS for k, v in section.titles(figs).items()}


def layout() -> list[dict]:
    """The sections of the page as the portrait template loops over them: name (its partial
    ``templates/sections/<name>.html.j2`` and its heading's anchor ``h-<name>``), heading (in the
    table of contents) and the file of each image by its key."""
    return [{"name": s.NAME, "heading": s.HEADING, "images": {i.key: i.file for i in s.IMAGES}} for s in SECTIONS]


def cover(t, *, tset: TerritorySet, region_name: str, figs: dict, prov, tables: dict[str, pd.DataFrame],
          top_communes: pd.DataFrame, demo: bool) -> dict:
    """The context of the cover and of what the whole page shares (names, set, sources)."""
    code = t.territory_code
    headline = headline_population(figs)
    points = tables.get("establishment_points")
    return {
        "code": code, "name": t.territory_name, "slug": f"{slug(code)}-{slug(t.territory_name)}",
        "set": {"key": tset.key, "title": tset.title, "short": tset.short,
                "indicative": tset.indicative, "method": tset.method, "source": dict(tset.source)},
        # Only the communes of the region of a territory reaching beyond it are described.
        "partial": t.territory_name.endswith(PARTIAL),
        "region_name": region_name, "demo": demo,
        "figures": figs,
        "key_figures": key_figures(figs),
        "towns": top_communes[top_communes.territory_code == code][["name", "population"]]
                 .assign(population_text=lambda d: d.population.map(fmt.number)).to_dict("records"),
        "sources": [p for k, p in prov.items()],
        "unusable_sources": list(prov.unusable.values()),
        "population_vintage": POPULATION_VINTAGE,
        "headline_population": {"text": figs[headline]["text"],
                                "vintage": prov[catalogue()[headline].source]["vintage"]},
        "map_points": ([[round(x, 5), round(y, 5)] for x, y in
                        points.loc[points.territory_code == code, ["lon", "lat"]].itertuples(index=False)]
                       if points is not None else []),
        "cover_images": {i.key: i.file for i in COVER_IMAGES},
        "sections": layout(),
    }


def territory_contexts(*, tset: TerritorySet, region_name: str, territories: pd.DataFrame,
                       values: pd.DataFrame, ranks: pd.DataFrame, datasets: pd.DataFrame,
                       tables: dict[str, pd.DataFrame], top_communes: pd.DataFrame, demo: bool,
                       params: dict | None = None) -> list[dict]:
    """The context of every territory's portrait: its cover, summary and titles, then the part
    of each section (with the notes on the columns missing from the section's sources)."""
    cat = catalogue()
    prov = provenance(datasets)
    value_of, rank_of = lookups(values, ranks)
    out = []
    for t in territories.itertuples():
        figs = {k: figure(ind, t.territory_code, value_of, rank_of, prov, params) for k, ind in cat.items()}
        ctx = cover(t, tset=tset, region_name=region_name, figs=figs, prov=prov, tables=tables,
                    top_communes=top_communes, demo=demo)
        ctx["summary"] = summary_sentences(figs, t.territory_name, region_name)
        ctx["titles"] = section_titles(figs)
        data = TerritoryData(t.territory_code, t.territory_name, region_name, tables, prov, figs, params)
        for section in SECTIONS:
            ctx.update(section.contexts(data))
            for key, ids in section.SOURCES.items():
                ctx[key]["missing_notes"] = missing_notes(prov, ids)
        out.append(ctx)
    add_comparisons(out, value_of, tables)    # the département(s) and the comparables: the whole set
    for ctx in out:                           # the synthesis shows the département's values too
        ctx["synthesis"] = synthesis_context(ctx)
    return out


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
