"""The check of a folder of official files before a refresh (``portraits check --raw-dir DIR``),
and the same table in the run report.

For each dataset of the registry: the files found (by their official names), the vintage read,
the rows kept for the region, the needed columns missing (``Source.needs``) and the columns the
source does not know, the warnings, and a verdict:

- ``bon``: read, nothing to report;
- ``à vérifier``: read, with warnings, needed columns missing that the portrait can go without,
  or columns the source does not know (a new layout?);
- ``absent``: no file; the sections that need it say so (a refresh does not fail for it);
- ``refusé``: the file cannot be read (the message names the file, line or column): a refresh
  would fail.

The check reads every file as the refresh does (same loaders, same schemas: see
``ingest.check_inputs``) and renders nothing.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sources
from sources.common import Loaded, SourceError, header_of, missing_needs, unexpected_columns

from .report.figures import feeds_label

WIDTH = 100          # the table fits a terminal of 100 columns
# The warning sources.common.check_needs (and the census loader) write for a needed column missing.
MISSING_WARNING = re.compile(r" absentes? ; non calculé : ")
VERDICTS = {"bon": "lu, rien à signaler", "à vérifier": "lu, avec des points à vérifier",
            "hors région": "aucune ligne de la région : les parties qui en ont besoin le diront",
            "absent": "aucun fichier : les parties qui en ont besoin le diront",
            "refusé": "illisible : un rafraîchissement échouerait"}


@dataclass
class DatasetCheck:
    id: str
    title: str
    files: list[str]
    verdict: str
    vintage: str | None = None
    rows: int | None = None
    missing: list[str] = field(default_factory=list)       # needed columns absent, "COLUMN (fichier)"
    unexpected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def file_header(key: str, path: Path) -> list[str]:
    """The column names of one file of dataset ``key``: the module's own ``header(path)`` when its
    files are not a plain table, else :func:`sources.common.header_of`."""
    module = sources.REGISTRY[key]
    return getattr(module, "header", header_of)(Path(path))


def dataset_header(key: str, paths: list[Path]) -> list[str]:
    """The columns of all the files of a dataset, in order, each once."""
    out: list[str] = []
    for p in paths:
        out += [h for h in file_header(key, p) if h not in out]
    return out


def unexpected_of(key: str, paths: list[Path]) -> list[str]:
    """The columns of the dataset's files that its source neither reads nor knows (none when the
    headers cannot be read: the loader has said why)."""
    try:
        header = dataset_header(key, paths)
    except (SourceError, OSError, ValueError):
        return []
    return unexpected_columns(sources.REGISTRY[key].SOURCE, header)


def verdict(loaded: Loaded | None, error: str | None) -> str:
    if error:
        return "refusé"
    if loaded is None:
        return "absent"
    if loaded.unusable:
        return "hors région"
    return "à vérifier" if loaded.warnings or loaded.missing or loaded.unexpected else "bon"


def row(key: str, files: list[str], loaded: Loaded | None = None, error: str | None = None,
        required_missing: list[str] | None = None, seconds: float = 0.0) -> DatasetCheck:
    """One line of the table, from what reading the dataset gave (``loaded``) or its error."""
    src = sources.REGISTRY[key].SOURCE
    out = DatasetCheck(id=key, title=src.title, files=[Path(f).name for f in files], verdict=verdict(loaded, error),
                       error=error, seconds=round(seconds, 2), missing=list(required_missing or []))
    if loaded is not None:
        out.vintage, out.rows = loaded.vintage or None, loaded.rows
        out.missing += [f"{m['column']} ({m['file']}) ; non calculé : {', '.join(feeds_label(f) for f in m['feeds'])}"
                        for m in loaded.missing]
        out.unexpected, out.warnings = list(loaded.unexpected), list(loaded.warnings)
    return out


def rows_from_datasets(datasets: list[dict], missing: list[str]) -> list[dict]:
    """The table of the run report, from the datasets the refresh loaded (``report_datasets``:
    files, vintage, rows, warnings, missing and unexpected columns) and those it did not find."""
    loaded = {d["id"]: d for d in datasets}
    out = []
    for key in sources.REGISTRY:
        d = loaded.get(key)
        if d is None:
            if key in missing:
                out.append(row(key, []).as_dict())
            continue
        ok = Loaded(sources.REGISTRY[key].SOURCE, None, d["vintage"], d["files"], d["warnings"],
                    d.get("missing", []), d.get("unexpected", []), d.get("unusable"))
        r = row(key, d["files"], ok)
        r.rows, r.vintage = d["rows"], None if d.get("unusable") else d["vintage"]
        out.append(r.as_dict())
    return out


def required_missing(key: str, paths: list[Path]) -> list[str]:
    """The required columns absent from every file of the dataset (the loader then refuses it)."""
    try:
        header = dataset_header(key, paths)
    except (SourceError, OSError, ValueError):
        return []          # the loader says why the file cannot be read
    return [n.column for n in missing_needs(sources.REGISTRY[key].SOURCE, header) if n.required]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(rows: list[DatasetCheck | dict], folder: str = "") -> str:
    """The table as text for a terminal (at most 100 columns): one line per dataset (verdict,
    rows, vintage) and its files below it, then the details of each dataset to look at."""
    rows = [r if isinstance(r, dict) else r.as_dict() for r in rows]
    lines = [f"Contrôle des fichiers{' de ' + folder if folder else ''}", "",
             f"{'donnée':<23}{'verdict':<12}{'lignes':>9}  millésime"]
    for r in rows:
        rows_text = f"{r['rows']:,}".replace(",", " ") if r["rows"] is not None and r["verdict"] != "absent" else "–"
        lines.append(f"{r['id']:<23}{r['verdict']:<12}{rows_text:>9}  {_cut(r['vintage'] or '–', 54)}")
        if r["files"]:
            lines.append(f"{'':<23}{_cut(', '.join(r['files']), 77)}")
    for r in (r for r in rows if r["verdict"] in ("refusé", "à vérifier", "hors région")):
        details = [f"erreur : {r['error']}"] if r["error"] else []
        details += [f"colonne(s) nécessaire(s) absente(s) : {m}" for m in r["missing"]]
        if r["unexpected"]:
            details.append(f"colonnes inconnues : {', '.join(r['unexpected'][:12])}"
                           + (f" … ({len(r['unexpected'])} en tout)" if len(r["unexpected"]) > 12 else ""))
        # The warnings of the missing columns are said above, with what goes without them.
        warnings = [w for w in r["warnings"] if w != r["error"] and not MISSING_WARNING.search(w)]
        details += [f"avertissement : {w}" for w in warnings[:8]]
        if len(warnings) > 8:
            details.append(f"… et {len(warnings) - 8} autres avertissements")
        lines += ["", *textwrap.wrap(f"{r['id']} — {r['title']} : {r['verdict']}", WIDTH)]
        lines += [w for d in details for w in textwrap.wrap(d, WIDTH, initial_indent="  ", subsequent_indent="    ")]
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    lines += ["", "Bilan : " + ", ".join(f"{n} {v}" for v, n in counts.items() if n)
              + (" — un rafraîchissement échouerait" if counts["refusé"] else " — un rafraîchissement peut être lancé")]
    return "\n".join(lines)


def failed(rows: list[DatasetCheck]) -> bool:
    return any(r.verdict == "refusé" for r in rows)
