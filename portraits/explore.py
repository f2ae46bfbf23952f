"""The map to explore, drawn: the communes as an inline SVG, one ``<path>`` each with its name in a
``<title>`` (a hover shows it, even without script), coloured by class (``q0``…``q4``, ``qn``: no
value), its values in ``data-`` attributes for ``templates/assets/explore.js`` (the panel, the
choice of the indicator, the zoom, the keyboard).

On the index the communes of each territory are inside the territory's link (``<a href>``, named
by ``aria-label``, its code written on it when short): without script the map works as before, a
click or Enter opens the portrait. On a portrait the map shows the territory's communes only.

The shapes are those of the warehouse (``render.MapData``), simplified together
(``shapely.coverage_simplify``: neighbours keep a common border) to about one unit of the
drawing, and written with integer coordinates, relative (``l``), to keep the region's ~1,240
communes small. Plain data in, markup out; the values come from ``report.communes_map``.
"""
from __future__ import annotations

import html

import geopandas as gpd
import numpy as np
import shapely
from markupsafe import Markup

from .render import MAP_CODE_CHARS, MapData
from .report.communes_map import explore_data

WIDTH = 1000          # width of the drawing (viewBox units): one unit is about 270 m for the region


def _frame(bounds, width: int) -> tuple[float, float, float, int]:
    xmin, ymin, xmax, ymax = bounds
    scale = width / max(xmax - xmin, 1e-9)
    return xmin, ymax, scale, int(np.ceil((ymax - ymin) * scale)) + 1


def _ring(coords, xmin: float, ymax: float, scale: float) -> str:
    """A closed ring in integer units, relative after its first point; repeated points dropped."""
    xy = np.rint((np.asarray(coords)[:, :2] - [xmin, ymax]) * [scale, -scale]).astype(int)
    d = np.diff(xy, axis=0)
    d = d[(d != 0).any(axis=1)]
    if len(d) < 2:
        return ""
    steps = " ".join(f"{a} {b}" for a, b in d).replace(" -", "-")
    return f"M{xy[0][0]} {xy[0][1]}l{steps}z"


def path_data(geometries, bounds, width: int = WIDTH) -> list[str]:
    """The ``d`` of each geometry (polygon or multipolygon, projected), in the frame of
    ``bounds`` ``width`` units wide, simplified together to one unit."""
    xmin, ymax, scale, _ = _frame(bounds, width)
    simple = shapely.coverage_simplify(np.asarray(geometries), 1.0 / scale)
    out = []
    for g in simple:
        rings = [r for p in getattr(g, "geoms", [g]) if not p.is_empty for r in (p.exterior, *p.interiors)]
        out.append("".join(_ring(r.coords, xmin, ymax, scale) for r in rings))
    return out


def _commune_path(d: str, row: dict, default: int) -> str:
    cls = row["classes"][default]
    q = " ".join("n" if c is None else str(c) for c in row["classes"])
    return (f'<path d="{d}" class="q{"n" if cls is None else cls}" data-q="{q}" '
            f'data-v="{html.escape("|".join(row["texts"]))}"><title>{html.escape(row["name"])}</title></path>')


def explore_svg(communes: gpd.GeoDataFrame, data: dict, territories: gpd.GeoDataFrame | None = None,
                membership: dict[str, str] | None = None, links: dict[str, str] | None = None,
                title: str = "Carte des communes") -> Markup:
    """The SVG of ``communes`` (``code``, geometry) with the values of ``data`` (``explore_data``).
    With ``territories`` (``territory_code``, ``territory_name``, geometry), their outlines are
    drawn over the communes; with ``links`` (territory code → href) and ``membership`` (commune →
    territory), each territory's communes are inside its link, with its code written when short."""
    bounds = communes.total_bounds
    xmin, ymax, scale, height = _frame(bounds, WIDTH)
    d_of = dict(zip(communes.code.astype(str), path_data(communes.geometry.values, bounds)))
    default = data["default"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="group" '
             f'aria-labelledby="explore-title" class="explore-svg{" index-map" if links else ""}">'
             f'<title id="explore-title">{html.escape(title)}</title>']
    groups: dict[str | None, list[str]] = {}
    for code in d_of:
        if code in data["communes"] and d_of[code]:
            key = membership.get(code) if (links and membership) else None
            groups.setdefault(key if key in (links or {}) else None,
                              []).append(_commune_path(d_of[code], data["communes"][code], default))
    parts.append(f'<g class="communes">{"".join(groups.pop(None, []))}')
    if links and territories is not None:
        for t in territories.itertuples():
            if t.territory_code not in groups:
                continue
            c = t.geometry.representative_point()
            label = (f'<text x="{(c.x - xmin) * scale:.0f}" y="{(ymax - c.y) * scale:.0f}">'
                     f'{html.escape(t.territory_code)}</text>' if len(t.territory_code) <= MAP_CODE_CHARS else "")
            parts.append(f'<a href="{html.escape(links[t.territory_code])}" aria-label="{html.escape(t.territory_name)}">'
                         f'{"".join(groups[t.territory_code])}{label}</a>')
    parts.append("</g>")
    if territories is not None and len(territories):
        outlines = path_data(territories.geometry.values, bounds)
        parts.append(f'<path class="outline" d="{"".join(outlines)}"/>')
    parts.append('<path class="explore-focus" d=""/></svg>')
    return Markup("".join(parts))


def portrait_map(md: MapData, ctx: dict) -> dict:
    """The map to explore of one portrait: its communes, their values (``explore_data``), the SVG."""
    members = set(md.membership[md.membership.territory_code == ctx["code"]].commune_code)
    communes = md.communes[md.communes.code.isin(members)]
    data = explore_data(md.communes, [ctx["population"]])
    data["communes"] = {k: v for k, v in data["communes"].items() if k in members}
    outline = md.territories[md.territories.territory_code == ctx["code"]]
    svg = explore_svg(communes, data, outline, title=f"Carte des communes du territoire {ctx['name']}")
    rows = sorted(data["communes"].values(), key=lambda r: (r["name"], r["texts"]))
    return {**_legends(data), "svg": svg, "index": False, "count": len(rows), "rows": rows}


def index_map(md: MapData, contexts: list[dict], links: dict[str, str], region_name: str) -> dict:
    """The map to explore of the index: every commune of the region, in its territory's link."""
    data = explore_data(md.communes, [c["population"] for c in contexts])
    membership = dict(zip(md.membership.commune_code.astype(str), md.membership.territory_code))
    svg = explore_svg(md.communes, data, md.territories, membership, links,
                      title=f"Carte des communes et des territoires, {region_name}")
    return {**_legends(data), "svg": svg, "index": True, "count": len(data["communes"]), "rows": []}


def _legends(data: dict) -> dict:
    return {"layers": data["layers"], "default": data["default"], "classes": list(range(5))}
