"""Rendering: one Jinja template tree for the HTML page and the PDF (WeasyPrint) of a territory,
and the site index. Autoescaping is on; French formatting is done before (see ``report``)."""
from __future__ import annotations

import hashlib
import html
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import charts, fmt, pdf_tags, typst_pdf
from .geography import projected_crs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
ASSETS = TEMPLATES / "assets"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2", "svg"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=lambda x: "–" if x is None else x)   # a missing value never prints "None"
    env.filters["number"] = fmt.number
    env.filters["percent"] = fmt.percent
    return env


def templates_fingerprint() -> str:
    """Hash of every template and asset, and of the code that draws and lays out the pages
    (:func:`rendering_files`)."""
    h = hashlib.sha256()
    for p in rendering_files():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def rendering_files() -> list[Path]:
    """The templates and assets, and the code that draws and lays out the pages: what a
    territory's render key hashes besides its context."""
    files = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())
    # The sections declare their images and the arguments of their drawings.
    files += [Path(__file__), Path(charts.__file__), Path(fmt.__file__),
              *sorted((ROOT / "portraits" / "report" / "sections").glob("*.py")),
              # The map to explore: its drawing and its data (portraits.explore imports this module).
              ROOT / "portraits" / "explore.py", ROOT / "portraits" / "report" / "communes_map.py",
              # The PDFs' layout (templates/print.typ is among the templates above) and tagging.
              *sorted((ROOT / "portraits").glob("typst_*.py")), ROOT / "portraits" / "pdf_tags.py"]
    return files


class MapData:
    """Commune and territory shapes used to draw maps, read once from the warehouse, in the
    projection of the region (``crs``: Lambert-93, or overseas the UTM zone of the département)."""

    def __init__(self, communes: gpd.GeoDataFrame, membership: pd.DataFrame, territories: gpd.GeoDataFrame):
        self.communes = communes
        self.membership = membership
        self.territories = territories
        self.crs = communes.crs

    @classmethod
    def from_warehouse(cls, con) -> "MapData":
        c = con.execute("SELECT code, name, population, dep, ST_AsWKB(geom) AS wkb FROM communes").df()
        t = con.execute("SELECT territory_code, territory_name, ST_AsWKB(geom) AS wkb FROM territories").df()
        m = con.execute("SELECT commune_code, territory_code FROM territory_communes").df()
        crs = projected_crs(c.dep.iloc[0])

        def geo(df):
            g = gpd.GeoSeries.from_wkb(df.wkb.map(bytes), crs="EPSG:4326").to_crs(crs)
            return gpd.GeoDataFrame(df.drop(columns="wkb"), geometry=g.values, crs=crs)
        return cls(geo(c).drop(columns="dep"), m, geo(t))


def territory_map(md: MapData, code: str, points_lonlat: list[list], towns: list[str],
                  categories: dict[str, tuple[str, str]] | None = None) -> bytes:
    """The territory's map with points ``[lon, lat]``; with ``categories`` ({code: (label,
    colour)}), points are ``[lon, lat, code]``, drawn in their category's colour with a legend."""
    members = set(md.membership[md.membership.territory_code == code].commune_code)
    tc = md.communes[md.communes.code.isin(members)]
    outline = md.territories[md.territories.territory_code == code]
    pts = None
    if points_lonlat:
        pts = gpd.GeoSeries(gpd.points_from_xy([p[0] for p in points_lonlat], [p[1] for p in points_lonlat]),
                            crs="EPSG:4326").to_crs(md.crs)
        if categories:
            pts = gpd.GeoDataFrame({"category": [p[2] for p in points_lonlat]}, geometry=pts.values, crs=md.crs)
    return charts.territory_map(md.communes, tc, outline, pts, _town_labels(tc, towns), categories=categories)


def commune_map(md: MapData, code: str, classes: dict[str, int | None], legend: list[str], towns: list[str],
                title: str = "", palette: str | None = None, size: tuple[float, float] = (6.0, 5.6)) -> bytes:
    """The territory's communes coloured by the class of an indicator (``classes``: commune → class),
    in the palette named ``palette`` (``charts.PALETTES``; by default the oranges)."""
    members = set(md.membership[md.membership.territory_code == code].commune_code)
    tc = md.communes[md.communes.code.isin(members)].copy()
    tc["cls"] = [classes.get(c) for c in tc.code]
    outline = md.territories[md.territories.territory_code == code]
    return charts.choropleth(md.communes, tc, outline, legend, _town_labels(tc, towns), title,
                             charts.PALETTES[palette] if palette else None, size)


def flow_map(md: MapData, code: str, flows: list[dict]) -> bytes:
    """The main commuting flows between the territory ``code`` and the other territories of the
    set (``flows``: dicts with ``origin``, ``destination``, ``flow``, ``outbound``), each
    other territory involved named at its centre (the territory itself is the shaded one)."""
    involved = ({f["origin"] for f in flows} | {f["destination"] for f in flows}) - {code}
    t = md.territories
    labels = [(p.x, p.y, map_label(name)) for c, name, p in zip(t.territory_code, t.territory_name,
                                                                t.representative_point()) if c in involved]
    return charts.flow_map(t, code, flows, labels)


# The legal form that opens most EPCI names, as abbreviated on maps (a long name fits nowhere).
LEGAL_FORMS = {"Communauté d'agglomération ": "CA ", "Communauté de communes ": "CC ", "Communauté urbaine ": "CU "}


def map_label(name: str) -> str:
    """A territory's name as written on a map: "Communauté de communes du Pays de Craon" → "CC du
    Pays de Craon"; other names unchanged."""
    for long, short in LEGAL_FORMS.items():
        if name.startswith(long):
            return short + name[len(long):]
    return name


def _town_labels(tc, towns: list[str]) -> list[tuple[float, float, str]]:
    """(x, y, name) of the towns ``towns`` (biggest first) among the communes ``tc``, at a point
    inside each; the map places the names so that none overlaps another (``charts._place_labels``)."""
    labels = []
    for name in towns:
        row = tc[tc.name == name]
        if len(row):
            p = row.geometry.iloc[0].representative_point()
            labels.append((p.x, p.y, name))
    return labels


MAP_CODE_CHARS = 5   # longest territory code written on the index map


def index_map_svg(territories: gpd.GeoDataFrame, links: dict[str, str], width: int = 640) -> Markup:
    """An SVG map of the territories (in a projected system) whose shapes are links (no script
    needed). Names are escaped."""
    g = territories
    xmin, ymin, xmax, ymax = g.total_bounds
    scale = width / (xmax - xmin)
    height = int((ymax - ymin) * scale) + 1

    def ring(coords):
        pts = [f"{(x - xmin) * scale:.1f},{(ymax - y) * scale:.1f}" for x, y in coords]
        return "M" + " L".join(pts) + " Z"

    # role="group", not "img": an img's children are presentational, which would hide the links.
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
             f'aria-labelledby="map-title" class="index-map"><title id="map-title">Carte des territoires</title>']
    for r in g.itertuples():
        geom = shapely.simplify(r.geometry, 150)
        d = " ".join(ring(p.exterior.coords) + " " + " ".join(ring(i.coords) for i in p.interiors)
                     for p in getattr(geom, "geoms", [geom]))
        c = geom.representative_point()
        name = html.escape(r.territory_name)
        # Short codes (T01, 5216, 44) are written on the shapes, as in the table beside the map;
        # EPCI SIREN codes (9 digits) would cover each other: the name shows on hover instead.
        label = (f'<text x="{(c.x - xmin) * scale:.1f}" y="{(ymax - c.y) * scale:.1f}">{html.escape(r.territory_code)}</text>'
                 if len(r.territory_code) <= MAP_CODE_CHARS else "")
        parts.append(f'<a href="{html.escape(links[r.territory_code])}" aria-label="{name}">'
                     f'<path d="{d}" fill-rule="evenodd"><title>{name}</title></path>{label}</a>')
    parts.append("</svg>")
    return Markup("".join(parts))


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def write_pdf(html_text: str, base_dir: Path, target: Path, title: str, engine: str = "typst") -> None:
    """The PDF of a page's HTML into ``target`` (images found in ``base_dir``), whole or not at
    all, laid out by ``engine`` (``settings.PDF_ENGINES``): Typst (``portraits.typst_pdf``) or
    WeasyPrint, whose tagging ``pdf_tags`` completes."""
    if engine == "typst":
        typst_pdf.write_pdf(html_text, base_dir, target, title)
        return
    if engine != "weasyprint":
        raise ValueError(f"moteur PDF inconnu : {engine!r}")
    from weasyprint import HTML
    tmp = target.with_name(target.name + ".part")
    try:
        # PDF/UA-1: a tagged PDF (structure tree, reading order, alternative texts of the images)
        # with its title and language (from the page's <title> and lang), for screen readers;
        # pdf_tags adds what its tagging leaves out (header scopes, artifacts of the margins and leaders).
        HTML(string=html_text, base_url=str(base_dir)).write_pdf(tmp, pdf_variant="pdf/ua-1",
                                                                 finisher=pdf_tags.finish)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)   # a PDF cut short (disk full) never stays beside the page
