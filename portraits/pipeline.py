"""The steps of a refresh, as plain functions (the Prefect flow in ``flows/`` only wires them).

locate and read the inputs (:mod:`portraits.ingest`) → (warehouse, skipped when the inputs are unchanged) → indicators and
contexts → render each territory (skipped when its context and the templates are unchanged).
Publishing (:mod:`portraits.publish`) follows; the settings and paths are in
:mod:`portraits.settings`, the fingerprints in :mod:`portraits.fingerprints`, the run report in
:mod:`portraits.runreport`.
"""
from __future__ import annotations

import csv
import json
import multiprocessing
import logging
import os
import shutil
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

import sources
from sources import schemas
from sources.common import Loaded

from . import charts, explore, indicators, render, report
from .fingerprints import render_key
from .geography import load_communes, region_info
from .ingest import Inputs, accepted_codes, set_membership
from .report import site_pages
from .report.editions import edition_changes
from .report.sections import SECTIONS
from .settings import COMPARISON, OPEN_DATA, Settings, published_manifest, read_json, warehouse_path
from .territories import dissolve
from .warehouse import ACCESS_POINT_PARTS, POINT_TABLES, build, connect

log = logging.getLogger("portraits")


@dataclass
class RenderOutcome:
    code: str
    name: str
    rendered: bool
    seconds: float
    error: str | None = None
    key: str | None = None        # render key the files were produced (or reused) with


@dataclass
class Site:
    contexts: list[dict]
    index: dict
    warnings: list[str] = field(default_factory=list)
    baseline: list[dict] = field(default_factory=list)   # rows of the editions each page is compared with
    methods: dict = field(default_factory=dict)          # context of the "Méthodes et sources" page


def warehouse_is_current(settings: Settings, inputs: Inputs) -> bool:
    path = warehouse_path(settings)
    stamp = path.with_suffix(".inputs")
    return path.is_file() and stamp.is_file() and stamp.read_text() == inputs.fingerprint


def build_warehouse(settings: Settings, datasets: dict[str, Loaded], inputs: Inputs,
                    membership: tuple[pd.DataFrame, list[str]] | None = None) -> Path:
    """Write the warehouse of ``settings``' set from the datasets read. ``membership``: the set
    read and checked beforehand (:func:`set_membership`), when it was."""
    region = settings.region_code()
    region_name, _ = region_info(region)
    communes = load_communes(region)
    membership, set_warnings = membership or set_membership(settings, accepted_codes(region, datasets.get("cog"))[0])
    territories = dissolve(membership, communes)
    # The stamp goes first and comes back last: a run killed in between leaves no stamp, so the
    # next run rebuilds rather than trust a warehouse built from other inputs.
    warehouse_path(settings).with_suffix(".inputs").unlink(missing_ok=True)
    path = build(warehouse_path(settings), communes=communes, membership=membership, territories=territories,
                 region_name=region_name, datasets=datasets, set_warnings=set_warnings)
    path.with_suffix(".inputs").write_text(inputs.fingerprint)
    return path


def compute_site(settings: Settings) -> Site:
    """Indicators by territory and region, and the plain contexts of every page. (The published
    site is read for the comparison with the previous edition: a publish killed midway is
    repaired before, by ``publish.recover_site``, as the refresh flow does.)"""
    params = settings.indicator_params()
    read = read_indicators(settings, params)
    warnings = indicator_warnings(read)
    region_name, _ = region_info(settings.region_code())
    contexts = report.territory_contexts(
        tset=settings.tset(), region_name=region_name, territories=read["territories"], values=read["values"],
        ranks=read["ranks"], datasets=read["datasets"], tables=read["tables"], top_communes=read["top"],
        demo=settings.is_demo, params=params)
    index = site_index(settings, region_name, contexts)
    for c in contexts:
        c["pdf"] = "pdf" in settings.formats    # in the render key too: adding the PDF renders again
        c["pdf_engine"] = settings.pdf_engine   # and so is the engine that lays it out
    current = {c["code"]: report.open_data_rows(c) for c in contexts}
    baseline = comparison_baseline(settings, current)
    for c in contexts:
        c["changes"] = edition_changes(current[c["code"]], baseline.get(c["code"]), None)
    methods = site_pages.methods_page(
        contexts, registry={k: m.SOURCE for k, m in sources.REGISTRY.items()},
        columns={k: {n: (str(c.dtype), bool(c.nullable)) for n, c in schemas.SCHEMAS[k].columns.items()}
                 for k in sources.REGISTRY if k in schemas.SCHEMAS},
        point_datasets=set(POINT_TABLES), access_datasets=set(ACCESS_POINT_PARTS), params=params)
    if not settings.is_demo and settings.base_url == Settings.base_url:
        warnings.append(f"sitemap.xml : adresse publique du site non donnée (--base-url), adresses en {settings.base_url}")
    return Site(contexts, index, warnings, [r for rows in baseline.values() for r in rows], methods)


def read_indicators(settings: Settings, params: dict) -> dict:
    """From the warehouse: the indicators (values, ranks, tables), the datasets, the territories
    and their largest communes, and what the warnings of the site are made from."""
    con = connect(warehouse_path(settings), read_only=True)
    # One thread: parallel sums of floats can differ in their last bits from run to run, and the
    # pages (and their render keys) must be the same for the same inputs.
    con.execute("SET threads = 1")
    try:
        values = indicators.compute(con, params)
        tables = indicators.tables(con, params)
        return {
            "values": values, "ranks": indicators.ranks(values), "tables": tables,
            "datasets": con.execute("SELECT * FROM datasets ORDER BY id").df(),
            "territories": con.execute("SELECT territory_code, territory_name, population, communes FROM territories "
                                       "ORDER BY territory_code").df(),
            "top": con.execute("""
                SELECT tc.territory_code, c.name, c.population FROM communes c
                JOIN territory_communes tc ON tc.commune_code = c.code
                QUALIFY row_number() OVER (PARTITION BY tc.territory_code ORDER BY c.population DESC, c.code) <= 4
                ORDER BY tc.territory_code, c.population DESC, c.code
            """).df(),
            "fallback": (con.execute("SELECT count(*) FROM establishment_territory WHERE placed_by = 'commune'")
                         .fetchone()[0] if "establishment_points" in tables else 0),
            "unplaced_access": con.execute("SELECT count(*) FROM access_point_territory "
                                           "WHERE territory_code IS NULL").fetchone()[0],
            "set_warnings": [w for (w,) in con.execute("SELECT warning FROM territory_set_warnings").fetchall()],
        }
    finally:
        con.close()


def indicator_warnings(read: dict) -> list[str]:
    """The warnings of the site from what :func:`read_indicators` read: the territory set's, the
    datasets', and the establishments and access points not placed in a territory."""
    warnings = read["set_warnings"] + [w for r in read["datasets"].itertuples() for w in json.loads(r.warnings)]
    unplaced = read["tables"].get("ij_unplaced")
    if unplaced is not None and len(unplaced):
        warnings.append(f"InserJeunes : {len(unplaced)} établissements inconnus de l'annuaire, non rattachés "
                        f"à un territoire ({', '.join(unplaced.uai[:10])})")
    if read["fallback"]:
        warnings.append(f"Annuaire : {read['fallback']} établissements placés par leur code commune "
                        f"(coordonnées absentes ou hors des territoires)")
    if read["unplaced_access"]:
        warnings.append(f"Points d'accueil : {read['unplaced_access']} hors des territoires du jeu (non rattachés)")
    return warnings


def site_index(settings: Settings, region_name: str, contexts: list[dict]) -> dict:
    """The context of the index page (and of the other site-wide pages' header)."""
    return {
        "region_name": region_name, "demo": settings.is_demo, "population_vintage": contexts[0]["headline_population"]["vintage"],
        "set": contexts[0]["set"], "sources": contexts[0]["sources"],
        "territories": [{"code": c["code"], "name": c["name"], "slug": c["slug"],
                         "communes_text": c["figures"]["communes"]["text"],
                         "population_text": c["headline_population"]["text"]} for c in contexts],
        "coverage": site_pages.coverage_table(contexts),
        "pdf": "pdf" in settings.formats,
    }


def comparison_baseline(settings: Settings, current: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """For each territory, the indicator values its page is compared with: those of the published
    edition when they differ from this edition's; when they are the same (a refresh with nothing
    new for it), the published edition's own comparison, so that its page stays as it is. A
    territory absent from both (first edition) has none."""
    out = Path(settings.output)

    def by_territory(rows) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for r in rows or []:
            grouped.setdefault(r["territory_code"], []).append(r)
        return grouped
    published = by_territory(read_json(out / f"{OPEN_DATA}.json"))
    kept = by_territory((read_json(out / COMPARISON) or {}).get("rows"))
    baseline = {}
    for code, rows in current.items():
        if code not in published:
            continue
        same = published[code] == json.loads(json.dumps(rows, ensure_ascii=False))
        chosen = kept.get(code) if same else published[code]
        if chosen:
            baseline[code] = chosen
    return baseline


# ---------------------------------------------------------------------------------------------
# Rendering

_map_lock = threading.Lock()


@lru_cache(maxsize=2)
def _map_data(path: str, mtime: float) -> render.MapData:
    con = connect(path, read_only=True)
    try:
        return render.MapData.from_warehouse(con)
    finally:
        con.close()


def map_data(settings: Settings) -> render.MapData:
    p = warehouse_path(settings)
    with _map_lock:
        return _map_data(str(p), p.stat().st_mtime)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# The order of the sections' images in a portrait's list of files (the build manifest, ``files``):
# the order earlier editions list them in, kept so that the same inputs give the same manifest; a
# section not named here comes after these, in the order of the registry.
MANIFEST_ORDER = ("population", "economy", "employment", "recruitment", "training", "trajectories", "offer",
                  "mobility", "access")


def portrait_files(ctx: dict) -> list[str]:
    """The files of one territory's portrait: its page, its PDF, its synthesis (page and PDF), its
    cover map, its data, and the images its sections show (declared by each section, ``IMAGES``)."""
    pdf = [f"portrait-{ctx['slug']}.pdf"] if ctx.get("pdf", True) else []
    synthesis = [SYNTHESIS_PAGE, *([f"synthese-{ctx['slug']}.pdf"] if ctx.get("pdf", True) else [])]
    ordered = sorted(SECTIONS, key=lambda s: MANIFEST_ORDER.index(s.NAME) if s.NAME in MANIFEST_ORDER
                     else len(MANIFEST_ORDER))
    return ["index.html", *pdf, *synthesis, *(i.file for i in report.COVER_IMAGES if i.args(ctx) is not None),
            f"donnees-{ctx['slug']}.csv", f"donnees-{ctx['slug']}.json",
            *(i.file for s in ordered for i in s.IMAGES if i.args(ctx) is not None)]


def _reusable(settings: Settings, ctx: dict, key: str) -> bool:
    """The published files of this territory were made with the same render key and are all there."""
    published = Path(settings.output) / ctx["slug"]
    entry = published_manifest(settings).get("territories", {}).get(ctx["code"])
    return bool(entry and entry.get("key") == key
                and all((published / f).is_file() for f in portrait_files(ctx)))


@contextmanager
def render_pool(settings: Settings):
    """Worker processes that draw and write the portraits side by side (matplotlib holds the GIL,
    so threads would not help), or ``None`` when ``settings`` asks for one process: the work then
    stays in this process. Processes are spawned, not forked (the caller has threads: Prefect's,
    DuckDB's), at once, and each warms up (:func:`warm_worker`: imports, the shapes of the maps)
    while the caller computes the indicators: the first portraits do not wait for it."""
    workers = settings.processes()
    if workers < 2:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=warm_worker, initargs=(settings,)) as pool:
        for _ in range(workers):        # a process is spawned a task waiting, up to ``workers``
            pool.submit(int)
        yield pool


def warm_worker(settings: Settings) -> None:
    """What every render process needs before its first portrait: the rendering modules (imported
    with this one), quiet logs, and the commune and territory shapes of the warehouse."""
    quiet_rendering_logs()
    map_data(settings)


def pdf_page(settings: Settings, ctx: dict) -> str:
    """The HTML a territory's PDF is laid out from: the page without its data tables in <details>
    (hidden in print: a third of the page's elements, which WeasyPrint would parse and style for
    nothing), and without the definitions of the indicators, the same in every portrait: the PDF
    links the site's glossary at ``settings.base_url`` instead."""
    return render.render_html("portrait.html.j2", **ctx, for_pdf=True, site_url=settings.base_url)


def portrait_page(settings: Settings, ctx: dict) -> str:
    """The HTML of a territory's portrait page: its context and the map of its communes to
    explore (``portraits.explore``, drawn over the shapes of the warehouse; not in the PDF)."""
    return render.render_html("portrait.html.j2", **ctx, explore=explore.portrait_map(map_data(settings), ctx))


SYNTHESIS_PAGE = "synthese.html"     # the synthesis's HTML view, in the territory's folder


def synthesis_page(settings: Settings, ctx: dict, for_pdf: bool = False) -> str:
    """The HTML of a territory's synthesis (``templates/synthesis.html.j2``): its page, or what its
    PDF is laid out from (links then absolute, at ``settings.base_url``: a PDF is read away from
    the site)."""
    return render.render_html("synthesis.html.j2", **ctx, for_pdf=for_pdf, site_url=settings.base_url)


def write_portrait(settings: Settings, ctx: dict, folder: Path) -> None:
    """Draw the images of one territory and write its page, PDF, synthesis (page and PDF, showing
    the same images) and data files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    draw_images(settings, ctx, folder)
    (folder / "index.html").write_text(portrait_page(settings, ctx), encoding="utf-8")
    (folder / SYNTHESIS_PAGE).write_text(synthesis_page(settings, ctx), encoding="utf-8")
    if ctx.get("pdf", True):
        render.write_pdf(pdf_page(settings, ctx), folder, folder / f"portrait-{ctx['slug']}.pdf",
                         title=f"Portrait du territoire {ctx['name']}", engine=settings.pdf_engine)
        render.write_pdf(synthesis_page(settings, ctx, for_pdf=True), folder, folder / f"synthese-{ctx['slug']}.pdf",
                         title=f"Synthèse du territoire {ctx['name']}", engine=settings.pdf_engine)
    write_open_data(report.open_data_rows(ctx), folder / f"donnees-{ctx['slug']}")


def reuse_published(settings: Settings, ctx: dict, staging: Path) -> RenderOutcome | None:
    """When the territory's context, the templates and the code are unchanged (same render key)
    and its published files are all there, link them into ``staging`` and return its outcome;
    otherwise None: it must be rendered."""
    t0 = time.perf_counter()
    key = render_key(ctx)
    if not _reusable(settings, ctx, key):
        return None
    published = Path(settings.output) / ctx["slug"]
    for f in portrait_files(ctx):
        _link_or_copy(published / f, staging / ctx["slug"] / f)
    log.info("%s %s : inchangé, repris de l'édition publiée", ctx["code"], ctx["name"])
    return RenderOutcome(ctx["code"], ctx["name"], False, time.perf_counter() - t0, key=key)


def reuse_unchanged(settings: Settings, contexts: list[dict], staging: Path) -> dict[str, RenderOutcome]:
    """:func:`reuse_published` for every territory: the outcomes of those reused, by code (the
    flow then renders only the others, so that a run with nothing changed starts no render task)."""
    return {o.code: o for o in (reuse_published(settings, c, staging) for c in contexts) if o is not None}


NOISY_LOGGERS = ("weasyprint", "fontTools")


def quiet_rendering_logs() -> None:
    """Only the errors of WeasyPrint and fontTools (their warnings, a few on every PDF, are about
    CSS they ignore on purpose): done by the command line, and again in the process that renders
    (a Dask worker, whose logging is its own)."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def render_territory(settings: Settings, ctx: dict, staging: Path, pool: Executor | None = None) -> RenderOutcome:
    """Write one territory's page, PDF and images into ``staging`` (in a worker process of
    ``pool`` when given, see :func:`render_pool`); reuse the published ones when the territory's
    context, the templates and the code are unchanged (:func:`reuse_published`)."""
    reused = reuse_published(settings, ctx, staging)
    if reused is not None:
        return reused
    t0 = time.perf_counter()
    key = render_key(ctx)
    folder = staging / ctx["slug"]
    try:
        if pool is None:
            quiet_rendering_logs()
            write_portrait(settings, ctx, folder)
        else:
            pool.submit(write_portrait, settings, ctx, folder).result()
    except OSError as exc:   # disk full, no permission: say where (the staging folder is never published)
        raise OSError(exc.errno, f"écriture impossible dans {folder} : {exc.strerror or exc}") from exc
    seconds = time.perf_counter() - t0
    # The line a user reads is the render flow's progress line (portraits.progress), with n/total.
    log.debug("%s %s : portrait produit (%.1f s)", ctx["code"], ctx["name"], seconds)
    return RenderOutcome(ctx["code"], ctx["name"], True, seconds, key=key)


def _csv_number(x: float) -> str:
    """``3760060.0`` → ``3760060``, ``12.345678`` → ``12,345678`` (no exponent, decimal comma)."""
    return f"{x:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def write_open_data(rows: list[dict], stem: Path) -> None:
    """``stem``.csv (UTF-8 with BOM, ';' and decimal comma: opens as is in a French spreadsheet)
    and ``stem``.json (plain numbers)."""
    with open(stem.with_suffix(".csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=report.OPEN_DATA_COLUMNS, delimiter=";")
        w.writeheader()
        for r in rows:
            w.writerow({k: (_csv_number(v) if isinstance(v, float) else v) for k, v in r.items()})
    stem.with_suffix(".json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def draw_images(settings: Settings, ctx: dict, folder: Path) -> None:
    """Draw the images of one territory's portrait (``report.portrait_images``): a chart by
    ``portraits.charts``, a map by ``portraits.render`` over the shapes of the warehouse."""
    for image, args in report.portrait_images(ctx):
        if image.kind == "map":
            data = getattr(render, image.drawing)(map_data(settings), ctx["code"], **args)
        else:
            data = getattr(charts, image.drawing)(**args)
        (folder / image.file).write_bytes(data)


# ---------------------------------------------------------------------------------------------
# Publishing

