"""Publishing and recovery: the staging folder, the site-wide pages, the check that refuses an
incomplete site, the swap of the editions (one rename per step), the repair of a swap killed
midway, the rollback, and the note of the published edition (what lets a run with nothing new
stop before the indicators).

Publishing is checked first and atomic: the staging folder is completed and checked
(:func:`check_site`), then swapped in place of the published site by renames; a run killed
between two of them leaves a state that :func:`recover_site` repairs at the next run.
"""
from __future__ import annotations

import filecmp
import json
import logging
import os
import shutil
from pathlib import Path

from . import charts, explore, render, report, sitemap
from .report import site_pages
from .report.comparisons import REFERENCE_SCRIPT, reference_script
from .fingerprints import manifest_digest
from .pipeline import RenderOutcome, Site, portrait_files, write_open_data
from .ingest import Inputs
from .runreport import RUN_REPORT_FILES, report_datasets
from .settings import (COMPARISON, MANIFEST, OPEN_DATA, Settings, edition_stamp_path, editions, published_manifest,
                       read_json, staging_dir, warehouse_path, write_atomically)
from .warehouse import connect

log = logging.getLogger("portraits")


class PublishError(RuntimeError):
    pass


def prepare_staging(settings: Settings) -> Path:
    recover_site(settings)           # before the published pages are reused
    staging = staging_dir(settings)
    if staging.exists():
        shutil.rmtree(staging)       # left over by an interrupted run: never published
    staging.mkdir(parents=True)
    shutil.copytree(render.ASSETS, staging / "assets")   # pages and PDFs link ../assets/style.css
    return staging


def publish(settings: Settings, staging: Path, site: Site, outcomes: list[RenderOutcome], edition: str = "") -> dict:
    """Complete the staging folder (index, assets, manifest), check it, then swap it in place of
    the published site. The previous edition is kept beside it. Returns a summary. ``edition``
    (``Inputs.edition``): noted with the published site (:func:`record_edition`), so that the next
    run with the same fingerprint stops before the indicators."""
    failed = [o for o in outcomes if o.error]
    if failed:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError("rendu en échec pour : " + ", ".join(f"{o.code} ({o.error})" for o in failed)
                           + " — le site publié n'a pas été modifié")
    keys = {o.code: o.key for o in outcomes}
    links = {c["code"]: f"{c['slug']}/index.html" for c in site.contexts}
    con = connect(warehouse_path(settings), read_only=True)
    try:
        md = render.MapData.from_warehouse(con)
    finally:
        con.close()
    html_text = render.render_html("index.html.j2", explore=explore.index_map(md, site.contexts, links,
                                                                              site.index["region_name"]),
                                   **site.index)
    (staging / "index.html").write_text(html_text, encoding="utf-8")
    write_site_pages(site, staging, settings)
    write_open_data([r for c in site.contexts for r in report.open_data_rows(c)], staging / OPEN_DATA)
    if site.baseline:
        (staging / COMPARISON).write_text(json.dumps({"rows": site.baseline}, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    manifest = {"territory_set": settings.territory_set, "profile": settings.profile,
                # The key each page was rendered with (computed before drawing it): if the code or the
                # templates change during a build, the next build sees the difference.
                "territories": {c["code"]: {"key": keys[c["code"]], "slug": c["slug"], "files": portrait_files(c)}
                                for c in site.contexts}}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    check_site(staging, site, settings)
    rebuilt = [o.code for o in outcomes if o.rendered]
    recover_site(settings)
    out = Path(settings.output)
    if not rebuilt and out.is_dir() and _same_tree(staging, out):
        shutil.rmtree(staging)
        if edition:
            record_edition(settings, edition, site)
        return {"published": False, "rebuilt": [], "skipped": [o.code for o in outcomes]}
    _, previous, _, retired = editions(settings)
    # One rename per step, so a process killed between two of them leaves a state that
    # recover_site() repairs at the next run; the edition before the previous is deleted last.
    if out.exists():
        if previous.exists():
            os.replace(previous, retired)
        os.replace(out, previous)
    os.replace(staging, out)
    if retired.exists():
        shutil.rmtree(retired)
    if edition:
        record_edition(settings, edition, site)
    return {"published": True, "rebuilt": rebuilt, "skipped": [o.code for o in outcomes if not o.rendered]}


SITE_PAGES = ["index.html", "comparaison.html", "comparaison.svg", "glossaire.html", "methodes.html", sitemap.NAME,
              REFERENCE_SCRIPT]


def sitemap_files(site: Site) -> list[str]:
    """The files ``sitemap.xml`` lists: the HTML site pages, then each territory's page and PDF."""
    pages = [p for p in SITE_PAGES if p.endswith(".html")]
    return pages + [f"{c['slug']}/{f}" for c in site.contexts for f in portrait_files(c)
                    if f.endswith((".html", ".pdf"))]


def write_site_pages(site: Site, folder: Path, settings: Settings | None = None) -> None:
    """The pages about all territories: side by side (table and small multiples), the glossary,
    methods and sources; then ``sitemap.xml`` (written last: it lists the pages written before)."""
    settings = settings or Settings()
    comparison = site_pages.comparison_page(site.contexts)
    (folder / "comparaison.svg").write_bytes(charts.small_multiples(comparison["panels"], comparison["codes"]))
    (folder / "comparaison.html").write_text(render.render_html("comparison.html.j2", comparison=comparison,
                                                                **site.index), encoding="utf-8")
    (folder / "glossaire.html").write_text(render.render_html("glossary.html.j2",
                                                              glossary=site_pages.glossary(site.contexts[0]),
                                                              **site.index), encoding="utf-8")
    (folder / "methodes.html").write_text(render.render_html("methods.html.j2", methods=site.methods, **site.index),
                                          encoding="utf-8")
    # The key figures of every territory, for the "Référence choisie" column (assets/reference.js).
    (folder / REFERENCE_SCRIPT).write_text(reference_script(site.contexts), encoding="utf-8")
    sitemap.write(folder, sitemap_files(site), settings.base_url, Path(settings.output))


def check_site(folder: Path, site: Site, settings: Settings | None = None) -> None:
    """Refuse to publish an incomplete site: every page, PDF and image it links must exist, and
    every address of ``sitemap.xml`` must be a file of the site."""
    missing = [p for p in SITE_PAGES if not (folder / p).is_file()]
    if (folder / sitemap.NAME).is_file():
        missing += sitemap.problems(folder, (settings or Settings()).base_url)
    for c in site.contexts:
        for f in portrait_files(c):
            p = folder / c["slug"] / f
            if not p.is_file() or p.stat().st_size == 0:
                missing.append(str(p.relative_to(folder)))
    if missing:
        raise PublishError(f"site incomplet, non publié : {', '.join(missing[:10])}")


def _same_tree(a: Path, b: Path) -> bool:
    """Same files with the same bytes (the run report, rewritten at every publication, aside)."""
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.name not in RUN_REPORT_FILES)
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.name not in RUN_REPORT_FILES)
    if fa != fb:
        return False
    # A portrait reused from the published edition is a hard link to it: the same file, not read.
    return all(os.path.samefile(a / f, b / f) or filecmp.cmp(a / f, b / f, shallow=False) for f in fa)


def recover_site(settings: Settings) -> None:
    """Repair what a publish or a rollback killed between two renames left: a missing site is
    put back (the rollback is completed, or the last published edition restored from
    ``.previous``), a missing previous edition too, and leftovers are deleted. Does nothing
    when nothing was interrupted."""
    out, previous, swap, retired = editions(settings)
    if not out.exists() and swap.is_dir():        # rollback killed after moving the current edition away
        os.replace(swap, out)
        log.warning("retour en arrière interrompu : terminé, édition remise en place dans %s", out)
    if not out.exists() and previous.is_dir():    # publish killed between its two renames
        os.replace(previous, out)
        log.warning("publication interrompue : dernière édition publiée remise en place dans %s", out)
    for spare in (swap, retired):
        if spare.is_dir() and not previous.exists():
            os.replace(spare, previous)
        elif spare.exists():
            shutil.rmtree(spare)


def rollback(settings: Settings) -> None:
    """Put the previous edition back in place (the current one becomes the previous)."""
    recover_site(settings)
    out, previous, swap, _ = editions(settings)
    if not previous.is_dir():
        raise PublishError(f"aucune édition précédente dans {previous}")
    if swap.exists():
        shutil.rmtree(swap)
    os.replace(previous, swap)
    if out.exists():
        os.replace(out, previous)
    os.replace(swap, out)


# ----- The note of the published edition ------------------------------------------------------

def record_edition(settings: Settings, edition: str, site: Site) -> None:
    """Note, in the work folder, that the published site is the edition ``edition`` (its manifest's
    digest: a rollback or another publication changes it), with what a run that finds it
    unchanged reports: the territories, datasets and warnings. Written atomically."""
    out = Path(settings.output)
    stamp = {"site": str(out.resolve()), "edition": edition, "manifest": manifest_digest(out),
             "territories": [[c["code"], c["name"]] for c in site.contexts],
             "datasets": report_datasets(site), "warnings": site.warnings}
    write_atomically(edition_stamp_path(settings), json.dumps(stamp, ensure_ascii=False, indent=1))


def unchanged_edition(settings: Settings, inputs: Inputs) -> dict | None:
    """When the published site is the edition these inputs, code and settings make (same edition
    fingerprint, same manifest, every file it lists present), what :func:`record_edition` noted
    of it; otherwise ``None``: the indicators must be computed and the portraits checked."""
    recover_site(settings)        # a publish killed between two renames is repaired first
    out = Path(settings.output)
    stamp = read_json(edition_stamp_path(settings))
    if (not isinstance(stamp, dict) or not inputs.edition or stamp.get("edition") != inputs.edition
            or stamp.get("site") != str(out.resolve()) or stamp.get("manifest") != manifest_digest(out)):
        return None
    manifest = published_manifest(settings)
    files = [*SITE_PAGES, *(f"{e['slug']}/{f}" for e in manifest.get("territories", {}).values() for f in e["files"])]
    if not all((out / f).is_file() for f in files):
        return None
    return stamp


def unchanged_run(stamp: dict) -> tuple[list[RenderOutcome], dict]:
    """The outcomes (every territory reused) and the summary of a run that found its edition
    already published (``stamp``: what :func:`unchanged_edition` returned)."""
    outcomes = [RenderOutcome(code, name, rendered=False, seconds=0.0) for code, name in stamp["territories"]]
    return outcomes, {"published": False, "rebuilt": [], "skipped": [o.code for o in outcomes],
                      "unchanged_edition": True}
