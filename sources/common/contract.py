"""What every source module declares (:class:`Source`, its needed columns :class:`Need`) and
returns (:class:`Loaded`), and the checks of a file's header against the declaration."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import SourceError
from .text import normalise_name


EVIDENCE_LEVELS = {
    "réel": "vérifié sur un fichier réel",
    "code": "d'après du code public qui lit le fichier réel",
    "doc": "d'après la documentation du producteur seulement",
}


@dataclass(frozen=True)
class Need:
    """A column of the official file that the portraits read, and what it feeds.

    ``column`` is the official header name, matched as headers are (accents, case and spaces
    ignored, :func:`normalise_name`); ``{yy}`` stands for a two-digit year and ``{aaaa}`` for a
    four-digit one (``P{yy}_POP1564`` matches ``P20_POP1564``). ``feeds``: the indicators of the
    catalogue (``portraits/indicators/catalogue.toml``) and the blocks of the portrait (see
    ``portraits.report.BLOCKS``) computed from it. ``required``: without it the dataset cannot be
    read (an error naming the file and the column); otherwise the portrait goes without it: a
    named warning in the run report, and the blocks it feeds say that the column is missing."""

    column: str
    feeds: tuple[str, ...]
    required: bool = True

    @property
    def pattern(self) -> re.Pattern:
        return column_pattern(self.column)

    def found_in(self, header: Collection[str]) -> bool:
        return any(self.pattern.fullmatch(normalise_name(h)) for h in header)


def column_pattern(column: str) -> re.Pattern:
    """The regular expression of a declared column (see :class:`Need`). In a known column (not a
    need), ``*`` stands for any text: ``P{yy}_POP*`` is a whole family of census variables."""
    return re.compile(re.escape(normalise_name(column)).replace(r"\{yy\}", r"\d{2}").replace(r"\{aaaa\}", r"\d{4}")
                      .replace(r"\*", ".*"))


@dataclass(frozen=True)
class Source:
    """Declaration of a dataset: provenance shown under every figure built from it."""

    id: str                      # warehouse table name, also the key of the registry
    family: str                  # employment | training | trajectories | orientation
    title: str                   # name as the producer publishes it
    producer: str
    licence: str
    url: str                     # official download URL
    page: str                    # official landing page
    file_patterns: tuple[str, ...]  # official file names in a download folder (fnmatch)
    demo_file: str               # file name the demo profile writes (matches a pattern)
    download_name: str = ""      # file name `portraits fetch` saves the official download under
    exclude_patterns: tuple[str, ...] = ()   # companion files that match the patterns but are not data
    description: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    # What the portraits read in the file (see Need), and the other columns of the official layout,
    # known and not read ("{yy}" patterns allowed): any other column is reported as unexpected.
    needs: tuple[Need, ...] = ()
    known_columns: tuple[str, ...] = ()
    # How the format is known (a key of EVIDENCE_LEVELS), and where: the real file, the public
    # code (repository and path) or the documentation page.
    evidence: str = ""
    evidence_where: str = ""

    def required_columns(self) -> list[Need]:
        return [n for n in self.needs if n.required]



@dataclass(frozen=True)
class OneOf(Need):
    """A need met by any one of several official columns: the same figure under the names of the
    layouts of one dataset (the commune of residence is ``CODGEO`` in the census base flux and
    ``COMMUNE`` in the detail file). ``column`` names the need in messages; ``names``: the columns
    accepted, matched as :class:`Need` matches (``{yy}`` and ``{aaaa}`` allowed); ``regex``: also
    accepted, a regular expression over the normalised name (:func:`normalise_name`) for a family
    of names, such as the month columns of a cross table. A loader checks each file against the
    plain needs of its own layout; a source declares ``OneOf`` needs so that the check of a folder
    (which compares the union of the files' headers with ``Source.needs``) knows every layout."""

    names: tuple[str, ...] = ()
    regex: str = ""

    @property
    def pattern(self) -> re.Pattern:
        parts = [column_pattern(c).pattern for c in (self.names or (self.column,))]
        if self.regex:
            parts.append(self.regex)
        return re.compile("|".join(f"(?:{p})" for p in parts))



@dataclass
class Loaded:
    """A dataset read, validated and normalised: what the warehouse loads."""

    source: Source
    frame: pd.DataFrame
    vintage: str                 # as shown to readers, e.g. "décembre 2024", "2022-2023"
    files: list[str]
    warnings: list[str] = field(default_factory=list)
    # Needed columns (not required) absent from a file: {"column", "file", "feeds"} each, see
    # check_needs; the blocks they feed say which column is missing.
    missing: list[dict] = field(default_factory=list)
    # Columns of the files that the source neither reads nor knows (see unexpected_columns).
    unexpected: list[str] = field(default_factory=list)
    # Why the dataset is left out of this refresh although its files were found (NoRegionalRows):
    # then ``frame`` is None and the warehouse has no table for it.
    unusable: str | None = None

    @property
    def rows(self) -> int:
        return 0 if self.frame is None else len(self.frame)


def files_matching(source: Source, folder: Path) -> list[Path]:
    """All files of ``folder`` matching the source's official file-name patterns, sorted."""
    if not Path(folder).is_dir():
        return []
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and any(fnmatch.fnmatch(p.name, pat) for pat in source.file_patterns)
                  and not any(fnmatch.fnmatch(p.name, pat) for pat in source.exclude_patterns))



# ---------------------------------------------------------------------------------------------
# Needed columns: declared by each source (Source.needs), checked on the header of each file.

def missing_needs(source: Source, header: Collection[str]) -> list[Need]:
    """The needs of ``source`` that ``header`` does not hold."""
    return [n for n in source.needs if not n.found_in(header)]


def unexpected_columns(source: Source, header: Collection[str]) -> list[str]:
    """The columns of ``header`` that the source neither reads nor knows (empty names, such as the
    one a trailing separator makes, are not reported)."""
    if not source.needs and not source.known_columns:
        return []                  # layout not declared: nothing to compare with
    patterns = [n.pattern for n in source.needs] + [column_pattern(c) for c in source.known_columns]
    return [h for h in header if normalise_name(h) and not any(p.fullmatch(normalise_name(h)) for p in patterns)]


def check_needs(path: Path | str, header: Collection[str], source: Source, warnings: list[str],
                missing: list[dict], line: int | None = 1, needs: Collection[Need] | None = None) -> None:
    """Check that the header of ``path`` holds the columns the portraits need (``needs``, default
    all of the source's). A required column absent is an error naming the file and the column;
    another is a warning naming it and what goes without it, recorded in ``missing``."""
    absent = [n for n in (source.needs if needs is None else needs) if not n.found_in(header)]
    required = [n.column for n in absent if n.required]
    if required:
        raise SourceError(path, f"colonne(s) nécessaire(s) absente(s) : {', '.join(required)} "
                                f"(en-tête lu : {', '.join(str(h).strip() for h in list(header)[:20])})", line=line)
    for n in absent:
        warnings.append(f"{Path(path).name} : colonne {n.column} absente ; non calculé : {', '.join(n.feeds)}")
        missing.append({"column": n.column, "file": Path(path).name, "feeds": list(n.feeds)})


def union_needs(*layouts: Collection[Need], required_from: Collection[Need] | None = None) -> tuple[Need, ...]:
    """The needs of a source read in several layouts (``layouts``: the needs of each, as
    :func:`check_needs` is given them for a file of that layout), for ``Source.needs``: each column
    once (matched as headers are), with the feeds of every layout that reads it. A column is
    required when it is required in every layout (alternative layouts: a column that one layout
    does not have cannot be required of the dataset), or, with ``required_from``, when it is
    required there (complementary files: the needs of the one file the dataset cannot go without)."""
    merged: dict[str, Need] = {}
    for layout in layouts:
        for need in layout:
            key = normalise_name(need.column)
            if key in merged:
                old = merged[key]
                need = Need(old.column, tuple(dict.fromkeys(old.feeds + need.feeds)), old.required and need.required)
            merged[key] = need
    if required_from is not None:
        required = {normalise_name(n.column) for n in required_from if n.required}
    else:
        required = {k for k in merged if all(any(normalise_name(n.column) == k and n.required for n in layout)
                                             for layout in layouts)}
    return tuple(Need(n.column, n.feeds, normalise_name(n.column) in required) for n in merged.values())

