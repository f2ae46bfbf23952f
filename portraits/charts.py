"""Charts and maps: pure functions, data in, image bytes out (SVG for charts, PNG for maps).

Output is deterministic (fixed SVG ids, no dates in metadata) so that identical inputs give
identical pages. Only matplotlib's object API is used (no pyplot global state).
"""
from __future__ import annotations

import io
import textwrap

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter

from . import fmt

matplotlib.rcParams.update({
    "svg.fonttype": "none",          # text stays text, laid out in the page's font
    "svg.hashsalt": "portraits",     # stable element ids
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "text.parse_math": False,        # names from the data are text: a "$" never starts a formula
})

TERRITORY = "#1f5fa8"
REGION = "#8a8f98"
ACCENT = "#e07b00"
PALE = "#dfe7f2"
STATUS_COLORS = {"Public": TERRITORY, "Privé": "#7fb0e6"}


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buf.getvalue()


def _png(fig: Figure, dpi: int = 200) -> bytes:
    """The figure as PNG. zlib level 3 rather than 6: a third less time to encode a map (the PDF
    re-encodes it anyway) for files 3 % bigger."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight",
                pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def _fr_axis(ax, axis: str = "y", decimals: int = 0) -> None:
    f = FuncFormatter(lambda x, _: fmt.number(x, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def index_series(months, territory, region, territory_name: str, region_name: str) -> bytes:
    """Two monthly series as index 100 at the first month (territory vs region)."""
    fig = Figure(figsize=(6.4, 2.8))
    ax = fig.subplots()
    t0, r0 = territory[0], region[0]
    ax.plot(months, [100 * v / t0 for v in territory], color=TERRITORY, lw=2, label=territory_name)
    ax.plot(months, [100 * v / r0 for v in region], color=REGION, lw=1.5, ls="--", label=region_name)
    ax.axhline(100, color="#cccccc", lw=0.8, zorder=0)
    ticks = [m for m in months if m.month in (1, 7)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{fmt.MONTHS[m.month - 1][:4]}.\n{m.year}" if m.month != 1 else f"janv.\n{m.year}"
                        for m in ticks])
    _fr_axis(ax)
    ax.set_ylabel(f"indice 100 = {fmt.month(months[0])}")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8)
    ax.grid(axis="y", color="#eeeeee")
    return _svg(fig)


def yearly_index_series(years: list[int], territory: list[float], region: list[float], territory_name: str,
                        region_name: str) -> bytes:
    """Two yearly series as index 100 at the first year (territory vs region), one mark per year."""
    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.subplots()
    t0, r0 = territory[0], region[0]
    ax.plot(years, [100 * v / t0 for v in territory], color=TERRITORY, lw=2, marker="o", ms=4, label=territory_name)
    ax.plot(years, [100 * v / r0 for v in region], color=REGION, lw=1.5, ls="--", marker="s", ms=3.5, label=region_name)
    ax.axhline(100, color="#cccccc", lw=0.8, zorder=0)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years])
    _fr_axis(ax, decimals=1)
    ax.set_ylabel(f"indice 100 = {years[0]}")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, fontsize=8)
    ax.grid(axis="y", color="#eeeeee")
    return _svg(fig)


def quarterly_rates(periods: list[str], series: dict[str, list[float | None]]) -> bytes:
    """Rates (%) by quarter (``"2025-T2"``), one line per area; the last series is the benchmark
    (grey, dashed). A missing quarter leaves a gap. The first quarter of each year is labelled."""
    fig = Figure(figsize=(6.4, 2.6))
    ax = fig.subplots()
    x = list(range(len(periods)))
    palette = [TERRITORY, ACCENT, "#7fb0e6", "#5a3e99", "#2a9d8f"]
    names = list(series)
    for k, name in enumerate(names):
        values = [float("nan") if v is None else v for v in series[name]]
        if k == len(names) - 1 and len(names) > 1:
            ax.plot(x, values, color=REGION, lw=1.5, ls="--", label=name)
        else:
            ax.plot(x, values, color=palette[k % len(palette)], lw=2, label=name)
    ticks = [i for i, p in enumerate(periods) if p.endswith("-T1")] or [0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([fmt.quarter(periods[i], short=True).replace(fmt.NBSP, "\n") for i in ticks])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.percent(v, 1)))
    ax.set_ylabel("taux de chômage")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(names), 3), fontsize=8)
    ax.grid(axis="y", color="#eeeeee")
    return _svg(fig)


def stacked_bars(categories: list[str], stacks: dict[str, list[float]]) -> bytes:
    """Horizontal bars, one per category, stacked by the keys of ``stacks`` (e.g. status)."""
    fig = Figure(figsize=(6.4, 0.5 + 0.45 * len(categories)))
    ax = fig.subplots()
    left = [0.0] * len(categories)
    for key, vals in stacks.items():
        ax.barh(categories, vals, left=left, color=STATUS_COLORS.get(key, ACCENT), label=key, height=0.6)
        for i, v in enumerate(vals):
            if v:
                ax.text(left[i] + v / 2, i, fmt.number(v), ha="center", va="center", color="white", fontsize=8)
        left = [a + b for a, b in zip(left, vals)]
    ax.invert_yaxis()
    _fr_axis(ax, "x")
    ax.set_xlabel("nombre d'établissements")
    ax.legend(frameon=False, ncols=len(stacks), loc="lower right", fontsize=8)
    return _svg(fig)


def grouped_bars(categories: list[str], series: dict[str, list[float | None]], unit: str = "percent") -> bytes:
    """Horizontal bars of shares (%) or counts for several series (territory, region) per category."""
    text = (lambda v: fmt.percent(v, 1)) if unit == "percent" else (lambda v: fmt.number(v))
    n = len(series)
    fig = Figure(figsize=(6.4, 0.5 + 0.42 * len(categories)))
    ax = fig.subplots()
    height = 0.8 / n
    colors = [TERRITORY, REGION, ACCENT]
    top = max((v for vs in series.values() for v in vs if v is not None), default=1)
    for k, (name, vals) in enumerate(series.items()):
        ys = [i - 0.4 + height * (k + 0.5) for i in range(len(categories))]
        ax.barh(ys, [v or 0 for v in vals], height=height * 0.92, color=colors[k % 3], label=name)
        for y, v in zip(ys, vals):
            if v is not None:
                ax.text(v + top * 0.01, y, text(v), va="center", fontsize=7)
    ax.set_yticks(range(len(categories)))
    ax.set_yticklabels([textwrap.fill(c, 30) for c in categories], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt.percent(x, 0) if unit == "percent" else fmt.number(x)))
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=n, fontsize=8)
    return _svg(fig)


def rate_bars(labels: list[str], rates: list[float | None], benchmark: float | None,
              benchmark_label: str) -> bytes:
    """Horizontal bars of rates (%), missing rates written "nd", with a benchmark line."""
    fig = Figure(figsize=(6.4, 0.6 + 0.32 * len(labels)))
    ax = fig.subplots()
    y = list(range(len(labels)))
    vals = [r if r is not None else 0 for r in rates]
    ax.barh(y, vals, color=TERRITORY, height=0.62)
    for i, r in enumerate(rates):
        ax.text((r or 0) + 1, i, fmt.percent(r, 0) if r is not None else "nd (non diffusable)",
                va="center", fontsize=7.5, color="#333333")
    if benchmark is not None:
        ax.axvline(benchmark, color=ACCENT, lw=1.5, ls="--")
        ax.text(benchmark, -0.9, f"{benchmark_label} : {fmt.percent(benchmark, 0)}", color=ACCENT,
                fontsize=7.5, ha="center")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=7.5)
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt.percent(x, 0)))
    return _svg(fig)


def territory_map(region_communes, territory_communes, territory_outline, points=None,
                  labels=None, categories=None) -> bytes:
    """The territory's communes over the faded rest of the region, with optional points
    (establishments) and labels of the main towns. Inputs are GeoDataFrames in a metric CRS.
    With ``categories`` ({code: (label, colour)}), ``points`` has a ``category`` column: each
    category is drawn in its colour (with a distinct marker) and named in a legend."""
    fig, ax = _map_base(region_communes, territory_communes, territory_outline, PALE, 0.5, (6.0, 5.2))
    if points is not None and len(points) and categories:
        markers = "osD^vPX"
        for i, (code, (label, colour)) in enumerate(categories.items()):
            sub = points[points.category == code]
            if len(sub):
                ax.scatter(sub.geometry.x, sub.geometry.y, s=26, c=colour, marker=markers[i % len(markers)],
                           edgecolors="white", linewidths=0.6, zorder=3, label=f"{label} ({len(sub)})")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7, frameon=False,
                  handletextpad=0.3, columnspacing=1.0)
    elif points is not None and len(points):
        points.plot(ax=ax, color=ACCENT, markersize=9, edgecolor="white", linewidth=0.4, zorder=3)
    return _map_finish(fig, ax, territory_outline, labels)


def _map_base(region_communes, territory_communes, territory_outline, colour, linewidth, size):
    """A map's figure: the region's communes in view, faded, the territory's communes in
    ``colour`` (one colour, or one per commune) and its outline."""
    fig = Figure(figsize=size)
    ax = fig.subplots()
    ax.set_axis_off()
    xmin, ymin, xmax, ymax = territory_outline.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.08
    # Only the communes in view are drawn as background (not the whole region): most of a map's cost.
    _polygons(ax, region_communes.cx[xmin - 2 * pad:xmax + 2 * pad, ymin - 2 * pad:ymax + 2 * pad].geometry,
              "#f1f1f1", 0.3)
    _polygons(ax, territory_communes.geometry, colour, linewidth)
    territory_outline.boundary.plot(ax=ax, color=TERRITORY, linewidth=1.4)
    return fig, ax


def _polygons(ax, geometries, colour, linewidth: float) -> None:
    """(Multi)polygons filled in ``colour`` (one, or one per geometry) with white edges, as one
    collection of compound paths (holes included): what ``GeoSeries.plot`` draws, without a patch
    per polygon (about 25 ms less per map, the same pixels). Empty geometries are skipped."""
    paths, colours = [], []
    for i, geom in enumerate(geometries):
        if geom is None or geom.is_empty:
            continue
        vertices, codes = [], []
        for polygon in getattr(geom, "geoms", [geom]):
            for ring in (polygon.exterior, *polygon.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                kind = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
                kind[0], kind[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                vertices.append(xy)
                codes.append(kind)
        paths.append(MplPath(np.concatenate(vertices), np.concatenate(codes)))
        colours.append(colour if isinstance(colour, str) else colour[i])
    ax.add_collection(PathCollection(paths, facecolors=colours, edgecolors="#ffffff", linewidths=linewidth),
                      autolim=True)


# Where a town's label goes, tried in this order: (offset in points, horizontal and vertical alignment).
LABEL_PLACES = [((0, 4), "center", "bottom"), ((0, -4), "center", "top"), ((5, 0), "left", "center"),
                ((-5, 0), "right", "center")]


def _map_finish(fig, ax, territory_outline, labels) -> bytes:
    """The view framed on the territory, town labels (:func:`_place_labels`), and the PNG (200 dpi)."""
    xmin, ymin, xmax, ymax = territory_outline.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.08
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    _place_labels(ax, labels or [])
    return _png(fig, dpi=200)


def _place_labels(ax, labels: list[tuple[float, float, str]]) -> None:
    """Each town (biggest first) as a dot and its name, with a white halo, above, below, right or
    left of the dot: the first place where the name overlaps no name already placed and stays in
    the frame. A name that fits nowhere is left out (the caption lists the towns)."""
    ax.apply_aspect()
    frame = ax.get_window_extent()
    placed = []
    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    for x, y, text in labels:
        for offset, ha, va in LABEL_PLACES:
            label = ax.annotate(text, (x, y), xytext=offset, textcoords="offset points", ha=ha, va=va,
                                fontsize=7.5, color="#222222", zorder=5, path_effects=halo)
            box = label.get_window_extent().padded(1.5)
            if (not any(box.overlaps(b) for b in placed) and frame.x0 <= box.x0 and box.x1 <= frame.x1
                    and frame.y0 <= box.y0 and box.y1 <= frame.y1):
                placed.append(box)
                ax.plot([x], [y], "o", markersize=3, color="#222222", markeredgecolor="white",
                        markeredgewidth=0.6, zorder=5)
                break
            label.remove()


def small_multiples(panels: list[dict], codes: list[str], columns: int = 2) -> bytes:
    """One small bar chart per indicator, the territories side by side (same order in every
    panel, labelled by their code) with the regional value as a dashed line. ``panels``: dicts
    with ``title``, ``values`` (one per code, None when missing), ``region`` and ``unit``."""
    rows = -(-len(panels) // columns)
    fig = Figure(figsize=(7.2, 1.9 * rows))
    axes = fig.subplots(rows, columns, squeeze=False)
    x = list(range(len(codes)))
    for ax, p in zip(axes.flat, panels):
        vals = [v if v is not None else 0 for v in p["values"]]
        ax.bar(x, vals, color=[TERRITORY if v is not None else "#dddddd" for v in p["values"]], width=0.7)
        if p["region"] is not None:
            ax.axhline(p["region"], color=ACCENT, lw=1.2, ls="--")
        ax.set_title(textwrap.fill(p["title"], 48), fontsize=8, loc="left")
        ax.set_xticks(x)
        ax.set_xticklabels(codes, fontsize=5.5, rotation=90)
        ax.tick_params(axis="y", labelsize=6)
        unit = p["unit"]
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _, unit=unit: fmt.percent(v, 0) if unit in ("percent", "rate", "percent_change")
            else fmt.number(v, 0 if abs(v) >= 10 or v == 0 else 1)))
    for ax in list(axes.flat)[len(panels):]:
        ax.set_axis_off()
    fig.tight_layout(h_pad=1.2)
    return _svg(fig)


# Sequential classes of commune maps (ColorBrewer "Oranges", 5 classes; grey: no value).
CLASS_COLOURS = ["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"]
# Other sequential palettes (ColorBrewer "Blues" and "Greens", 5 classes), so that maps of other
# indicators do not read as "darker = worse" like the unemployment map.
BLUE_CLASSES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
GREEN_CLASSES = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
# The palettes by the name a map declares (``report.figures.Image``: the sections draw no colour).
PALETTES = {"oranges": CLASS_COLOURS, "blues": BLUE_CLASSES, "greens": GREEN_CLASSES}
NO_VALUE = "#cccccc"


def choropleth(region_communes, territory_communes, territory_outline, legend: list[str],
               labels=None, title: str = "", palette: list[str] | None = None,
               size: tuple[float, float] = (6.0, 5.6)) -> bytes:
    """The territory's communes coloured by class (column ``cls``: 0 … len(legend)-1, or None),
    over the faded rest of the region, with the legend of the classes (``palette``: one colour
    per class, default :data:`CLASS_COLOURS`; ``size``: inches, the smaller the larger the
    legend reads once the map is scaled to the page)."""
    palette = palette or CLASS_COLOURS
    colours = [palette[int(c)] if c is not None and c == c else NO_VALUE for c in territory_communes.cls]
    fig, ax = _map_base(region_communes, territory_communes, territory_outline, colours, 0.4, size)
    handles = [Patch(facecolor=palette[i], edgecolor="#999999", linewidth=0.4, label=t)
               for i, t in enumerate(legend)]
    if any(colour == NO_VALUE for colour in colours):
        handles.append(Patch(facecolor=NO_VALUE, edgecolor="#999999", linewidth=0.4, label="non disponible"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7, frameon=False,
              title=title or None, title_fontsize=7.5)
    return _map_finish(fig, ax, territory_outline, labels)


def flow_map(territories, focus_code: str, flows: list[dict], labels=None) -> bytes:
    """The territories of the set (outlines, the portrait's one shaded) with the main flows that
    touch it as curved arrows between territory centres, their width proportional to the flow.
    ``territories``: GeoDataFrame (metric CRS) with ``territory_code``; ``flows``: dicts with
    ``origin``, ``destination`` (territory codes), ``flow`` and ``outbound`` (leaving the focus)."""
    focus = territories[territories.territory_code == focus_code]
    fig, ax = _map_base(territories, focus, territories, PALE, 0.8, (6.0, 5.6))
    centre = {c: (p.x, p.y) for c, p in zip(territories.territory_code, territories.representative_point())}
    top = max((f["flow"] for f in flows), default=1) or 1
    for f in sorted(flows, key=lambda f: -f["flow"]):
        width = 0.8 + 7.2 * f["flow"] / top
        colour = ACCENT if f["outbound"] else TERRITORY
        ax.add_patch(FancyArrowPatch(centre[f["origin"]], centre[f["destination"]], connectionstyle="arc3,rad=0.18",
                                     arrowstyle="-|>", mutation_scale=8 + width * 1.5, linewidth=width,
                                     color=colour, alpha=0.8, zorder=3, shrinkA=6, shrinkB=6))
    handles = [Line2D([], [], color=ACCENT, lw=3, label="départs du territoire"),
               Line2D([], [], color=TERRITORY, lw=3, label="arrivées dans le territoire")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=7, frameon=False,
              title="épaisseur proportionnelle au nombre d'actifs", title_fontsize=7)
    # Framed on the territories the flows join, not the whole set: short flows stay readable.
    involved = {focus_code} | {f["origin"] for f in flows} | {f["destination"] for f in flows}
    return _map_finish(fig, ax, territories[territories.territory_code.isin(involved)], labels)
