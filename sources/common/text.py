"""Reading French official text files: BOM or not, UTF-8 or Windows-1252, ';' or ',' separators,
decimal comma or point, CRLF or LF. Sniffed, never assumed. And the header of any official file
(text, zip, Parquet, workbook), for the pre-refresh check; the keys of JSON records."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection
from pathlib import Path, PurePosixPath

import pandas as pd

from .errors import SourceError
from .workbook import cell_text, open_workbook


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


MISSING_VALUES = {"", "nd", "n.d.", "s", "*", "na", "nan", "secret"}


def to_number(path: Path, df: pd.DataFrame, column: str, *, integer: bool = False,
              minimum: float | None = None, maximum: float | None = None) -> pd.Series:
    """Convert a text column to numbers: decimal comma or point, spaces as thousands separators.

    Empty, ``nd``, ``s`` and ``*`` are missing values (secret or not published), never zero.
    Anything else that is not a number, or out of range, is an error naming the line.
    """
    raw = df[column].astype(str).str.replace("\u202f", "", regex=False).str.replace("\xa0", "", regex=False)
    raw = raw.str.replace(" ", "", regex=False).str.replace(",", ".", regex=False)
    missing = raw.str.lower().isin(MISSING_VALUES)
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

