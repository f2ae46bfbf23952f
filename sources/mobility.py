"""INSEE home→work (MOBPRO) and home→study (MOBSCO) flows between communes (census).

Two official layouts are read, recognised from the header (headers matched by name: BOM, case,
accents and trailing spaces ignored; ``;`` or ``,`` separator; CRLF or LF):

1. the "base flux de mobilité" (one line per pair of communes, national file):
   ``base-flux-mobilite-domicile-lieu-travail-<AAAA>.csv`` with ``CODGEO;LIBGEO;DCLT;L_DCLT;
   NBFLUX_C<yy>_ACTOCC15P`` (actifs occupés de 15 ans ou plus) and
   ``base-flux-mobilite-domicile-lieu-etude-<AAAA>.csv`` with ``CODGEO;LIBGEO;DCETU;L_DCETU;
   NBFLUX_C<yy>_SCOL02P`` (élèves, étudiants et apprentis de 2 ans ou plus). ``CODGEO`` is the
   commune of residence, ``DCLT``/``DCETU`` the commune of work/study; the flow is a weighted
   float. The census year is read from the flow column (``C22`` → 2022). Two lines for the same
   pair are copies: the largest is kept, and this is reported;
2. the detail files ``FD_MOBPRO_<AAAA>.csv`` / ``FD_MOBSCO_<AAAA>.csv`` (one line per weighted
   individual record, several million lines): ``COMMUNE`` (residence), ``DCLT`` (work) or
   ``DCETU``/``DCETUF`` (study: ``DCETUF`` is the name used by the RP 2019–2020 files), ``IPONDI``
   (weight). Flows are the SUM of ``IPONDI`` (never a count of lines). ``ARM`` (arrondissement of
   residence) is not needed: ``COMMUNE`` already holds the commune (75056 for Paris). The census
   year comes from the file name (``FD_MOBPRO_2022.csv`` → 2022).

Each file may be plain or inside the official zip, whose name changed with the censuses:
``base-csv-flux-mobilite-domicile-lieu-travail-2018.zip`` (RP 2017 to 2019),
``base-flux-mobilite-domicile-lieu-travail-2021-csv.zip`` (2020, 2021), ``…-2022_csv.zip`` (2022),
and for the detail files ``RP2018_mobpro_csv.zip``, ``RP2020_MOBPRO_csv.zip``; the data member
keeps the plain name (``base-flux-mobilite-domicile-lieu-travail-2018.csv``,
``FD_MOBPRO_2018.csv``). The data member (recognised by its official name; the
``Varmod_…`` dictionaries are not read) is streamed out of the zip to a temporary CSV in
``workdir`` and removed once read (DuckDB 1.5 cannot read a zip member itself without the
``zipfs`` community extension, which would have to be downloaded). National files are never
loaded into pandas: DuckDB reads the CSV straight from disk, aggregates it by pair of communes and
writes the result as a Parquet file.

Evidence [code]: no real MOBPRO or MOBSCO file could be obtained. The archive and member names of
the base flux (2018 to 2021) and the flow column ``NBFLUX_C18_ACTOCC15P`` are those of
``mobility-team/mobility``, ``mobility/parsers/work_home_flows.py``; the detail archives and
members (RP 2015 to 2020, ``;``) those of ``InseeFrLab/DoReMIFaSol``, ``data-raw/liste_donnees.json``;
the columns those of FORMATS.md 1.2 and 3.2 [CODE]. The MOBSCO base flux archive of 2017-2019
(``base-csv-flux-mobilite-domicile-lieu-etude-<AAAA>.zip``) is accepted by analogy, not seen.
Not read: the RP 2021 detail files, published as Parquet only (``RP2021_mobpro.parquet``).

National files: the lines whose residence or destination lies in a département of the region's
current communes, or is an accepted code of another département (79224, a commune associée of
Cholet), are the region's; only they are checked below. A line of another region — malformed
code, non-numeric or negative flow — never stops the build (structural damage, a line with the
wrong number of fields, still does: the file is truncated). A file without any line of the region
is left out with a warning; when none has one, :class:`sources.common.NoRegionalRows`.

Rules (on the region's lines):

- numbers: decimal point or comma, spaces as thousands separators; ``nd``, ``s``, ``*`` and empty
  cells are missing (secret), never zero: they are left out of the sums and counted in a warning.
  Any other non-numeric value, or a negative one, is an error naming the file and the line;
- codes: every line must have a residence and a destination of 5 characters; on the lines kept,
  the residence must be a commune code (``[0-9][0-9AB][0-9]{3}``) and the destination 5 digits or
  capital letters. Lines with too many or too few fields are errors naming the line (DuckDB's
  own check); the encoding is UTF-8 (BOM or not), else Latin-1;
- Paris, Lyon and Marseille arrondissements (75101–75120, 69381–69389, 13201–13216), on either
  side, are re-aggregated to their commune (75056, 69123, 13055);
- ``communes`` (accepted code → current code, :func:`sources.datafrance.commune_codes`, or a
  set of current codes) defines the region: a flow is kept when its residence OR its destination
  is in the region (inbound, outbound and internal flows). Former communes of the region are
  brought to their commune nouvelle and their flows added; a code of a département of the region
  unknown to the mapping is an error naming it and its line. Codes outside the region are kept as
  they are (they are "hors région" for the indicators), including destination codes that are not
  French communes (``99999``, "à l'étranger", in the detail files; foreign codes of cross-border
  workers): any 5-character code of digits and capital letters is accepted as a destination, and
  such codes never match a commune of the region. Without ``communes`` every flow is kept and no
  code is mapped (arrondissements are still re-aggregated);
- several files: one output for each (kind, census year). When two files give the same kind and
  year (e.g. the base flux and the detail file of one census), the base flux is kept (then the
  first file read), and this is reported.

Output: a Parquet file ``mobility.parquet`` in ``workdir`` (a new temporary folder when None), with
``kind`` ('travail' | 'etudes'), ``year`` (INTEGER, census year), ``origin`` (commune of
residence), ``destination`` (commune of work or study), ``flow`` (DOUBLE, weighted), one line per
(kind, year, origin, destination), sorted. :func:`read` returns a :class:`FlowsLoaded` whose
``frame`` is that path (load it with DuckDB's ``read_parquet``) and whose ``rows`` is its number
of lines.

Vintage: ``recensement 2022 (flux domicile-travail), 2021 (domicile-études)`` (latest census year
of each kind present).

Writing: :func:`write` writes a base-flux file from its own columns; :func:`read` drops labels,
brings arrondissements to their commune and keeps the region's flows, so the round trip
(tests/test_write_mobility.py) states the flows expected. The demo flows and the benchmarks'
national detail file are drawn in ``portraits/demo/mobility.py``.
"""
from __future__ import annotations

import csv
import dataclasses
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb
import pandas as pd

from .common import (check_needs, csv_header, departement_of, header_of, Loaded, Need, NoRegionalRows, normalise_name,
                     OneOf, region_departements, sniff_separator, Source, SourceError, write_csv, check_head)

# What the portraits compute from each kind of flow (catalogue indicators and report blocks).
WORK_FEEDS = ("work_in_territory", "work_other_territory", "work_outside_region", "jobs_held_by_nonresidents",
              "mobility_flows")
STUDY_FEEDS = ("study_in_territory", "study_other_territory", "study_outside_region", "mobility_flows")
# The needed columns of each layout (detail file or base flux, kind), checked on each file read.
LAYOUT_NEEDS = {
    (False, "travail"): (Need("CODGEO", WORK_FEEDS), Need("DCLT", WORK_FEEDS),
                         Need("NBFLUX_C{yy}_ACTOCC15P", WORK_FEEDS)),
    (False, "etudes"): (Need("CODGEO", STUDY_FEEDS), OneOf("DCETU", STUDY_FEEDS, names=("DCETU", "DCETUF")),
                        Need("NBFLUX_C{yy}_SCOL02P", STUDY_FEEDS)),
    (True, "travail"): (Need("COMMUNE", WORK_FEEDS), Need("DCLT", WORK_FEEDS), Need("IPONDI", WORK_FEEDS)),
    (True, "etudes"): (Need("COMMUNE", STUDY_FEEDS), OneOf("DCETU", STUDY_FEEDS, names=("DCETU", "DCETUF")),
                       Need("IPONDI", STUDY_FEEDS)),
}
# Variables of the detail files FD_MOBPRO / FD_MOBSCO not read (they describe the individual: the
# flows need only the communes and the weight). Partial: the list varies by census and is taken
# from FORMATS.md 1.2 and public readers of the real files (maelbds/diagnostic-mobilite,
# data_manager/insee_mobpro/: FD_MOBPRO_2018; InseeFrLab/DoReMIFaSol, data-raw/liste_donnees.R:
# REGION, REGLT). Another variable is reported by `portraits check` as unknown, never an error.
DETAIL_VARIABLES = ("ARM", "DCFLT", "REGION", "REGLT", "AGEREVQ", "AGEREV10", "CS1", "DIPL", "EMPL", "ILT", "ILTUU",
                    "METRODOM", "NA5", "NPERR", "SEXE", "STAT", "TP", "TRANS", "TYPMR", "VOIT", "DCETUE", "ILETUD")

SOURCE = Source(
    id="mobility",
    family="trajectories",
    title="Mobilités professionnelles et scolaires : flux domicile-lieu de travail et domicile-lieu d'études "
          "entre communes (recensement de la population)",
    producer="Insee",
    licence="Licence Ouverte v2.0 (Etalab) — Source : Insee",
    url="https://www.insee.fr/fr/statistiques/fichier/8582949/base-flux-mobilite-domicile-lieu-travail-2022_csv.zip",
    page="https://www.insee.fr/fr/statistiques/8582949",
    file_patterns=(
        "base-flux-mobilite-domicile-lieu-travail-*.csv", "base-flux-mobilite-domicile-lieu-travail-*.zip",
        "base-flux-mobilite-domicile-lieu-etude-*.csv", "base-flux-mobilite-domicile-lieu-etude-*.zip",
        # RP 2017-2019 archives: base-csv-flux-mobilite-domicile-lieu-travail-2018.zip
        "base-csv-flux-mobilite-domicile-lieu-travail-*.zip", "base-csv-flux-mobilite-domicile-lieu-etude-*.zip",
        "FD_MOBPRO_*.csv", "FD_MOBPRO_*.zip", "FD_MOBSCO_*.csv", "FD_MOBSCO_*.zip",
        "RP*_mobpro*.zip", "RP*_mobsco*.zip", "rp*_mobpro*.zip", "rp*_mobsco*.zip",
        "RP*_MOBPRO*.zip", "RP*_MOBSCO*.zip",          # RP2020_MOBPRO_csv.zip (upper case)
    ),
    demo_file="base-flux-mobilite-domicile-lieu-travail-2022.csv",
    download_name="base-flux-mobilite-domicile-lieu-travail-2022_csv.zip",
    description="Actifs occupés de 15 ans ou plus selon leur commune de résidence et leur commune de travail ; "
                "élèves, étudiants et apprentis de 2 ans ou plus selon leur commune de résidence et leur commune "
                "d'études. Effectifs pondérés du recensement, par couple de communes.",
    notes=("Flux domicile-études (MOBSCO) : base flux du recensement 2021, "
           "https://www.insee.fr/fr/statistiques/fichier/8201894/base-flux-mobilite-domicile-lieu-etude-2021-csv.zip ; "
           "à déposer à côté du fichier domicile-travail.",
           "Les arrondissements de Paris, Lyon et Marseille sont regroupés en une commune ; les flux vers "
           "l'étranger sont conservés sous leur code (99999 dans les fichiers détail)."),
    # One need per role, met by the column of any layout (the check of a folder compares the union
    # of its files' headers); each file is checked against its own layout (LAYOUT_NEEDS).
    needs=(OneOf("CODGEO ou COMMUNE (commune de résidence)", WORK_FEEDS + STUDY_FEEDS[:-1],
                 names=("CODGEO", "COMMUNE")),
           OneOf("DCLT ou DCETU (commune de travail ou d'études)", WORK_FEEDS + STUDY_FEEDS[:-1],
                 names=("DCLT", "DCETU", "DCETUF")),
           OneOf("NBFLUX_C{yy}_ACTOCC15P, NBFLUX_C{yy}_SCOL02P ou IPONDI (flux ou poids)", WORK_FEEDS + STUDY_FEEDS[:-1],
                 names=("NBFLUX_C{yy}_ACTOCC15P", "NBFLUX_C{yy}_SCOL02P", "IPONDI"))),
    known_columns=("LIBGEO", "L_DCLT", "L_DCETU", *DETAIL_VARIABLES),
    evidence="code",
    evidence_where="code public : mobility-team/mobility, mobility/parsers/work_home_flows.py (archives et "
                   "membres 2018-2021, NBFLUX_C18_ACTOCC15P) ; InseeFrLab/DoReMIFaSol, data-raw/liste_donnees.json "
                   "(fichiers détail RP2016-RP2020, FD_MOBPRO_AAAA.csv, « ; ») ; FORMATS.md 1.2 et 3.2",
)

KIND_WORK, KIND_STUDY = "travail", "etudes"
KIND_LABELS = {KIND_WORK: "domicile-travail", KIND_STUDY: "domicile-études"}
OUTPUT_FILE = "mobility.parquet"
OUTPUT_COLUMNS = ("kind", "year", "origin", "destination", "flow")

# Data members of the official zips (lower case); the Varmod_/meta dictionaries are not data. The
# 2018 archive base-csv-flux-mobilite-domicile-lieu-travail-2018.zip holds
# base-flux-mobilite-domicile-lieu-travail-2018.csv (mobility-team/mobility); a "base-csv-flux-…"
# member name is accepted too, in case a vintage names its member like its archive.
_MEMBER = re.compile(r"(base-(?:csv-)?flux-mobilite-domicile-lieu-(?:travail|etude)-\d{4}|fd_mob(?:pro|sco)_\d{4})\.csv")
_FLOW_COLUMN = re.compile(r"nbflux_c(\d{2})_(actocc15p|scol02p)")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# Destination column of each layout → kind.
_DESTINATIONS = {"dclt": KIND_WORK, "dcetu": KIND_STUDY, "dcetuf": KIND_STUDY}
_MISSING = ["", "nd", "n.d.", "s", "*", "na", "nan", "secret"]
_HEAD_BYTES = 1 << 20


@dataclass
class FlowsLoaded(Loaded):
    """A dataset written to a Parquet file: ``frame`` is the path of that file (not a DataFrame);
    ``rows`` is its number of lines."""

    row_count: int = 0

    @property
    def rows(self) -> int:
        return self.row_count


@dataclass(frozen=True)
class _Layout:
    detail: bool            # FD_ detail file (sum of IPONDI) or base flux
    kind: str
    year: int
    sep: str
    encoding: str           # DuckDB encoding: 'utf-8' or 'latin-1'
    width: int              # number of header fields
    origin: int             # indexes of the columns read
    destination: int
    flow: int
    flow_name: str          # official name of the flow column, for messages


class _Fail(Exception):
    """Internal: an error found in one data file, turned into a SourceError naming the file given."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


# ---------------------------------------------------------------------------------------------
# Files and zip members.

@contextmanager
def _data_files(path: Path, workdir: Path) -> Iterator[list[tuple[Path, str | None]]]:
    """The CSV files to read for ``path``: itself, or its data members streamed out of the zip to
    temporary files in ``workdir`` (removed on exit). Yields [(csv path, member name or None)]."""
    with open(path, "rb") as fb:
        head = fb.read(65536)
    check_head(path, head, complete=len(head) < 65536)
    if not head.startswith(b"PK"):
        if path.suffix.lower() == ".zip":
            raise SourceError(path, "ce fichier .zip n'est pas une archive zip")
        yield [(path, None)]
        return
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"archive zip illisible ({exc})") from None
    extracted: list[tuple[Path, str | None]] = []
    try:
        with zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            members = [n for n in names if _MEMBER.fullmatch(PurePosixPath(n).name.lower())]
            if not members:
                raise SourceError(path, "archive zip sans fichier de flux attendu "
                                        "(base-flux-mobilite-domicile-lieu-travail-AAAA.csv, "
                                        "base-flux-mobilite-domicile-lieu-etude-AAAA.csv, FD_MOBPRO_AAAA.csv "
                                        f"ou FD_MOBSCO_AAAA.csv) ; membres : {', '.join(names) or 'aucun'}")
            for i, member in enumerate(members):
                name = PurePosixPath(member).name
                target = workdir / f".extract-{os.getpid()}-{i}-{name}"
                with zf.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 4 << 20)
                extracted.append((target, name))
        yield extracted
    finally:
        for target, _ in extracted:
            target.unlink(missing_ok=True)


def header(path: Path) -> list[str]:
    """The columns of a flow file for the check of a folder: its header, or for an official zip the
    headers of its data members (the ``Varmod_…`` dictionaries left out), each column once."""
    path = Path(path)
    with open(path, "rb") as fb:
        if fb.read(2) != b"PK":
            if path.suffix.lower() == ".zip":
                raise SourceError(path, "ce fichier .zip n'est pas une archive zip")
            return header_of(path)
    out: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if _MEMBER.fullmatch(PurePosixPath(n).name.lower())]
            if not members:
                raise SourceError(path, "archive zip sans fichier de flux attendu")
            for member in members:
                with zf.open(member) as f:
                    first = f.read(1 << 16).split(b"\n", 1)[0]
                text = first.decode("utf-8-sig", errors="replace") if _utf8(first) else first.decode("cp1252", "replace")
                out += [h for h in csv_header(path, text + "\n") if h not in out]
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"archive zip illisible ({exc})") from None
    return out


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _layout(csv_path: Path, name: str, warnings: list[str], missing: list[dict]) -> _Layout:
    """Recognise the layout from the header of ``csv_path`` (``name``: the official file name) and
    check that it holds the needed columns of that layout (``LAYOUT_NEEDS``)."""
    with open(csv_path, "rb") as fb:
        head = fb.read(_HEAD_BYTES)
    if not head.strip():
        raise _Fail("fichier vide")
    if head[:2048].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise _Fail("le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")
    if b"\x00" in head[:4096]:
        raise _Fail("fichier binaire ou encodé en UTF-16 (octets nuls) : un texte en UTF-8 ou Windows-1252 "
                    "est attendu")
    sample = head if len(head) < _HEAD_BYTES else head[: head.rfind(b"\n") + 1]
    try:
        sample.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding = "latin-1"
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    text = first.decode("utf-8-sig") if encoding == "utf-8" else first.decode("cp1252", errors="replace")
    sep = sniff_separator(text)
    header = next(csv.reader([text], delimiter=sep))
    names = [normalise_name(h) for h in header]
    lname = name.lower()
    detail = "ipondi" in names or lname.startswith("fd_")
    dest = next((i for i, n in enumerate(names) if n in _DESTINATIONS), None)
    if dest is not None:
        kind = _DESTINATIONS[names[dest]]
    else:
        kind = KIND_STUDY if ("etude" in lname or "mobsco" in lname) else KIND_WORK
    if detail:
        origin = names.index("commune") if "commune" in names else None
        flow = names.index("ipondi") if "ipondi" in names else None
        flow_name = "IPONDI"
        m = _YEAR_IN_NAME.search(name)
        year = int(m.group(1)) if m else None
    else:
        origin = names.index("codgeo") if "codgeo" in names else None
        flow = next((i for i, n in enumerate(names) if _FLOW_COLUMN.fullmatch(n)), None)
        flow_name = header[flow].strip() if flow is not None else ""
        year = 2000 + int(_FLOW_COLUMN.fullmatch(names[flow]).group(1)) if flow is not None else None
    try:      # the needed columns of this layout (a base flux of work needs NBFLUX_C<aa>_ACTOCC15P…)
        check_needs(name, header, SOURCE, warnings, missing, needs=LAYOUT_NEEDS[(detail, kind)])
    except SourceError as exc:
        raise _Fail(str(exc).partition(" : ")[2], line=1) from None
    if None in (origin, dest, flow):    # e.g. a base flux of work whose flow column is NBFLUX_…_SCOL02P
        raise _Fail(f"colonnes de la base flux incohérentes (en-tête lu : {', '.join(h.strip() for h in header[:20])})",
                    line=1)
    if year is None:
        raise _Fail("année du recensement introuvable dans le nom du fichier (attendu FD_MOBPRO_AAAA.csv "
                    "ou FD_MOBSCO_AAAA.csv)")
    return _Layout(detail=detail, kind=kind, year=year, sep=sep, encoding=encoding, width=len(header),
                   origin=origin, destination=dest, flow=flow, flow_name=flow_name)


def _find_line(csv_path: Path, layout: _Layout, want: dict[int, str | None], flow_test=None) -> int | None:
    """Line number (1 = header) of the first data line whose fields ``want`` (index → stripped
    value; None = empty) match, and whose flow passes ``flow_test`` when given. Only used to name
    the line of an error (scans the file)."""
    encoding = "utf-8-sig" if layout.encoding == "utf-8" else "cp1252"
    with open(csv_path, encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=layout.sep)
        next(reader, None)
        for row in reader:
            if len(row) < layout.width:
                continue
            if all(row[i].strip() == (v or "") for i, v in want.items()) and (
                    flow_test is None or flow_test(row[layout.flow].strip())):
                return reader.line_num
    return None


# ---------------------------------------------------------------------------------------------
# Aggregation in DuckDB (SQL text is constant; paths and values are parameters).
#
# One pass over the file: the lines whose origin or destination is in a département of the region
# (``$scope``; every line when ``$all``) are checked (flow numeric and not negative, codes of 5
# characters) and aggregated by pair of raw codes. The other lines collapse into one group (codes
# NULL) and are not checked: a malformed line of another region never stops the build, and a
# national file costs a scan, not millions of groups. For each kind of error the smallest
# offending [origin, destination, flow] is kept, to find its line.

_PAIRS_SQL = r"""
CREATE OR REPLACE TEMP TABLE pairs AS
WITH src AS (
    SELECT CASE WHEN origin LIKE ' %' OR origin LIKE '% ' THEN trim(origin) ELSE origin END AS o,
           CASE WHEN destination LIKE ' %' OR destination LIKE '% ' THEN trim(destination) ELSE destination END AS d,
           flow AS f
    FROM read_csv($path, delim = $delim, header = true, auto_detect = false, columns = $columns,
                  quote = '"', escape = '"', encoding = $encoding)
), typed AS (
    SELECT o, d, f,
           CASE WHEN TRY_CAST(f AS DOUBLE) IS NOT NULL THEN TRY_CAST(f AS DOUBLE)
                ELSE TRY_CAST(replace(regexp_replace(f, '[\s\x{00A0}\x{202F}]', '', 'g'), ',', '.') AS DOUBLE)
           END AS v
    FROM src
), marked AS (
    SELECT o, d, f, v,
           v IS NULL AND (f IS NULL OR list_contains($missing, lower(trim(f)))) AS missing,
           $all OR list_contains($scope, dep(o)) OR list_contains($scope, dep(d))
               OR list_contains($extra, o) OR list_contains($extra, d) AS in_scope
    FROM typed
)
SELECT CASE WHEN in_scope THEN o END AS o,
       CASE WHEN in_scope THEN d END AS d,
       coalesce(in_scope, false) AS in_scope,
       count(*) AS n,
       count(*) FILTER (WHERE missing AND in_scope) AS n_missing,
       sum(v) FILTER (WHERE isfinite(v)) AS total,
       max(v) FILTER (WHERE isfinite(v)) AS largest,
       min(list_value(o, d, f)) FILTER (WHERE in_scope AND NOT missing AND (v IS NULL OR NOT isfinite(v))) AS bad_flow,
       min(list_value(o, d, f)) FILTER (WHERE in_scope AND v < 0) AS negative,
       min(list_value(o, d)) FILTER (WHERE in_scope AND (o IS NULL OR d IS NULL OR length(o) <> 5 OR length(d) <> 5))
           AS bad_code
FROM marked
GROUP BY ALL
"""

_MACROS = """
CREATE OR REPLACE TEMP MACRO plm(c) AS
    CASE WHEN c BETWEEN '75101' AND '75120' THEN '75056'
         WHEN c BETWEEN '69381' AND '69389' THEN '69123'
         WHEN c BETWEEN '13201' AND '13216' THEN '13055'
         ELSE c END;
CREATE OR REPLACE TEMP MACRO dep(c) AS CASE WHEN c LIKE '97%' THEN left(c, 3) ELSE left(c, 2) END;
"""

# Pairs of the scope brought to current communes (arrondissements re-aggregated, former communes
# mapped); oc / dc are NULL for codes outside the region.
_JOINED_SQL = """
CREATE OR REPLACE TEMP TABLE joined AS
SELECT p.o AS raw_o, p.d AS raw_d, plm(p.o) AS o, plm(p.d) AS d,
       ao.current AS oc, ad.current AS dc,
       CASE WHEN $detail THEN p.total ELSE p.largest END AS value
FROM pairs p
LEFT JOIN accepted ao ON ao.code = plm(p.o)
LEFT JOIN accepted ad ON ad.code = plm(p.d)
WHERE p.in_scope
"""

_INSERT_SQL = """
INSERT INTO flows
SELECT $kind, $year, coalesce(oc, o) AS origin, coalesce(dc, d) AS destination, sum(value), $rank, $detail
FROM joined
WHERE value IS NOT NULL AND ($all OR oc IS NOT NULL OR dc IS NOT NULL)
GROUP BY origin, destination
"""


def _connect(workdir: Path) -> duckdb.DuckDBPyConnection:
    spill = workdir / ".duckdb-tmp"
    con = duckdb.connect(":memory:", config={"temp_directory": str(spill), "preserve_insertion_order": False,
                                             "autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    con.execute(_MACROS)
    con.execute("""CREATE TEMP TABLE flows (kind VARCHAR, year INTEGER, origin VARCHAR, destination VARCHAR,
                   flow DOUBLE, rank INTEGER, detail BOOLEAN)""")
    return con


def _accepted(con: duckdb.DuckDBPyConnection, communes) -> tuple[list[str], list[str]]:
    """Register the accepted codes (code → current); returns the départements of the region (those
    of the current communes) and the accepted codes outside them (a former commune of the region
    may lie in another département: 79224 → Cholet). Both make the scope of the first pass: a
    line of another commune of that other département is not the region's, and is not checked."""
    if communes is None:
        mapping: dict[str, str] = {}
    elif isinstance(communes, Mapping):
        mapping = {str(k): str(v) for k, v in communes.items()}
    else:
        mapping = {str(c): str(c) for c in communes}
    frame = pd.DataFrame({"code": list(mapping), "current": list(mapping.values())}, dtype=object)
    con.register("accepted_df", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE accepted AS SELECT code::VARCHAR AS code, current::VARCHAR AS current "
                "FROM accepted_df")
    con.unregister("accepted_df")

    deps = sorted(region_departements(mapping))
    return deps, sorted(c for c in mapping if departement_of(c) not in deps)


def _duckdb_failure(exc: duckdb.Error) -> _Fail:
    text = str(exc)
    m = re.search(r"CSV Error on Line: (\d+)", text)
    line = int(m.group(1)) if m else None
    if "Expected Number of Columns" in text:
        m2 = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        detail = f" ({m2.group(2)} champs au lieu de {m2.group(1)})" if m2 else ""
        return _Fail(f"nombre de champs incorrect{detail} (fichier tronqué ou mal formé ?)", line)
    if "unicode" in text.lower():
        return _Fail("encodage illisible (ni UTF-8 ni Windows-1252)", line)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return _Fail(f"lecture CSV impossible : {first}", line)


def _read_csv(con: duckdb.DuckDBPyConnection, csv_path: Path, layout: _Layout, scope: list[str], extra: list[str],
              everything: bool) -> _Layout:
    """First pass (see above) into the ``pairs`` table; returns the layout actually used (the
    encoding falls back to latin-1 when a line after the first megabyte is not UTF-8)."""
    names = [f"c{i}" for i in range(layout.width)]
    names[layout.origin], names[layout.destination], names[layout.flow] = "origin", "destination", "flow"
    params = {"path": str(csv_path), "delim": layout.sep, "columns": {n: "VARCHAR" for n in names},
              "missing": _MISSING, "scope": scope, "extra": extra, "all": everything}
    for encoding in dict.fromkeys((layout.encoding, "latin-1")):
        try:
            con.execute(_PAIRS_SQL, {**params, "encoding": encoding})
            return layout if encoding == layout.encoding else dataclasses.replace(layout, encoding=encoding)
        except duckdb.Error as exc:
            failure = _duckdb_failure(exc)
            if "encodage" in failure.message and encoding != "latin-1":
                continue
            raise failure from None
    raise _Fail("encodage illisible")


def _check_pairs(con, csv_path: Path, layout: _Layout, warnings: list[str], label: str) -> None:
    """Errors of the file (no data, non-numeric or negative flows, malformed codes), each naming
    its line; duplicates of the base flux are reported (the largest copy is kept)."""
    total_rows, regional_rows, bad_flow, negative, bad_code, n_missing = con.execute(
        "SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE in_scope), 0), min(bad_flow), min(negative), "
        "min(bad_code), coalesce(sum(n_missing), 0) FROM pairs").fetchone()
    if not total_rows:
        raise _Fail("aucune ligne de données")
    if not regional_rows:
        warnings.append(f"{label} : aucun flux ne part des départements de la région ni n'y arrive ; fichier ignoré")
        return

    def where(o, d, f=None) -> int | None:
        want = {layout.origin: o, layout.destination: d}
        if f is not None:
            want[layout.flow] = f.strip()
        return _find_line(csv_path, layout, want)

    if bad_flow:
        raise _Fail(f"valeur non numérique {bad_flow[2]!r} dans la colonne {layout.flow_name}", where(*bad_flow))
    if negative:
        raise _Fail(f"valeur négative {negative[2]!r} dans la colonne {layout.flow_name}", where(*negative))
    origin_name = "COMMUNE" if layout.detail else "CODGEO"
    dest_name = "DCLT" if layout.kind == KIND_WORK else "DCETU"
    bad_o = con.execute("""SELECT o, d FROM pairs
                           WHERE in_scope AND (o IS NULL OR NOT regexp_full_match(o, '[0-9][0-9AB][0-9]{3}'))
                           ORDER BY o NULLS FIRST, d LIMIT 1""").fetchone()
    if bad_code and (bad_code[0] is None or len(bad_code[0]) != 5):
        bad_o = bad_o or tuple(bad_code)
    if bad_o:
        raise _Fail(f"code commune invalide {bad_o[0] or ''!r} dans la colonne {origin_name}", where(*bad_o))
    bad_d = con.execute("""SELECT o, d FROM pairs WHERE in_scope AND (d IS NULL OR NOT regexp_full_match(d, '[0-9A-Z]{5}'))
                           ORDER BY d NULLS FIRST, o LIMIT 1""").fetchone() or (tuple(bad_code) if bad_code else None)
    if bad_d:
        raise _Fail(f"code de destination invalide {bad_d[1] or ''!r} dans la colonne {dest_name}", where(*bad_d))
    if not layout.detail:
        dup = con.execute("SELECT count(*), sum(n - 1), min(o || ' → ' || d) FROM pairs WHERE in_scope AND n > 1"
                          ).fetchone()
        if dup[0]:
            warnings.append(f"{label} : {int(dup[1])} lignes en double pour {dup[0]} couples de communes "
                            f"(ex. {dup[2]}) ; valeur la plus grande retenue")
    if n_missing:
        warnings.append(f"{label} : {int(n_missing)} valeurs de flux manquantes ou secrètes ignorées")


def _map_and_insert(con, csv_path: Path, layout: _Layout, regional: bool, deps: list[str], rank: int,
                    warnings: list[str], label: str) -> None:
    con.execute(_JOINED_SQL, {"detail": layout.detail})
    if regional:
        unknown = con.execute("""
            SELECT code, raw, side FROM (
                SELECT o AS code, raw_o AS raw, 0 AS side FROM joined WHERE oc IS NULL AND list_contains($deps, dep(o))
                UNION ALL
                SELECT d, raw_d, 1 FROM joined WHERE dc IS NULL AND list_contains($deps, dep(d))
            ) ORDER BY code, side LIMIT 1""", {"deps": deps}).fetchone()
        if unknown:
            codes = [r[0] for r in con.execute("""
                SELECT DISTINCT code FROM (
                    SELECT o AS code FROM joined WHERE oc IS NULL AND list_contains($deps, dep(o))
                    UNION SELECT d FROM joined WHERE dc IS NULL AND list_contains($deps, dep(d)))
                ORDER BY code LIMIT 11""", {"deps": deps}).fetchall()]
            column = layout.origin if unknown[2] == 0 else layout.destination
            line = _find_line(csv_path, layout, {column: unknown[1]})
            raise _Fail(f"code commune inconnu {unknown[0]!r} (codes inconnus : {', '.join(codes[:10])}"
                        f"{' …' if len(codes) > 10 else ''})", line)
        former = [r[0] for r in con.execute("""
            SELECT DISTINCT code FROM (SELECT o AS code FROM joined WHERE oc IS NOT NULL AND oc <> o
                                       UNION SELECT d FROM joined WHERE dc IS NOT NULL AND dc <> d)
            ORDER BY code""").fetchall()]
        if former:
            warnings.append(f"{label} : anciens codes communes rapportés à leur commune nouvelle et additionnés : "
                            f"{', '.join(former[:20])}{' …' if len(former) > 20 else ''}")
    (plm,) = con.execute("""SELECT count(*) FROM joined
                            WHERE (raw_o <> o OR raw_d <> d) AND ($all OR oc IS NOT NULL OR dc IS NOT NULL)""",
                         {"all": not regional}).fetchone()
    if plm:
        warnings.append(f"{label} : arrondissements de Paris, Lyon et Marseille regroupés en une commune "
                        f"({plm} couples)")
    con.execute(_INSERT_SQL, {"kind": layout.kind, "year": layout.year, "rank": rank, "detail": layout.detail,
                              "all": not regional})


def read(paths: list[Path], communes: Mapping[str, str] | set[str] | None = None,
         workdir: Path | None = None) -> FlowsLoaded:
    """Read every flow file given (base flux and/or detail files, plain or zipped) and write the
    flows concerning the region to ``workdir/mobility.parquet``. See the module docstring."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("aucun fichier de flux à lire")
    workdir = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="portraits-mobility-"))
    workdir.mkdir(parents=True, exist_ok=True)
    con = _connect(workdir)
    warnings: list[str] = []
    missing: list[dict] = []
    try:
        deps, extra = _accepted(con, communes)
        regional = communes is not None
        _insert_files(con, paths, workdir, deps, extra, regional, warnings, missing)
        _choose_sources(con, warnings)
        (count,) = con.execute("SELECT count(*) FROM result").fetchone()
        if not count and regional:
            raise NoRegionalRows(paths[-1], f"aucun flux ne part des départements {', '.join(deps)} ni n'y arrive "
                                            f"(fichiers : {', '.join(p.name for p in paths)})")
        if not count:
            raise SourceError(paths[-1], "aucun flux")
        out = workdir / OUTPUT_FILE
        tmp = workdir / (OUTPUT_FILE + ".tmp")
        tmp.unlink(missing_ok=True)
        con.sql("SELECT kind, year, origin, destination, flow FROM result ORDER BY kind, year, origin, destination"
                ).write_parquet(str(tmp))
        os.replace(tmp, out)
        years = dict(con.execute("SELECT kind, max(year) FROM result GROUP BY kind").fetchall())
    finally:
        con.close()
        shutil.rmtree(workdir / ".duckdb-tmp", ignore_errors=True)
    return FlowsLoaded(SOURCE, out, vintage=vintage(years), files=[p.name for p in paths], warnings=warnings,
                       missing=missing, row_count=int(count))


def _insert_files(con, paths: list[Path], workdir: Path, deps: list[str], extra: list[str], regional: bool,
                  warnings: list[str], missing: list[dict]) -> None:
    """Read every data file of ``paths`` (a zip's members one by one) into the table ``flows``,
    each with its rank (the order read)."""
    rank = 0
    for path in paths:
        with _data_files(path, workdir) as files:
            for csv_path, member in files:
                label = f"{path.name} ({member})" if member else path.name
                try:
                    layout = _layout(csv_path, member or path.name, warnings, missing)
                    layout = _read_csv(con, csv_path, layout, deps, extra, not regional)
                    _check_pairs(con, csv_path, layout, warnings, label)
                    _map_and_insert(con, csv_path, layout, regional, deps, rank, warnings, label)
                except _Fail as fail:
                    raise SourceError(path, f"{member} : {fail.message}" if member else fail.message,
                                      line=fail.line) from None
                rank += 1


def _choose_sources(con, warnings: list[str]) -> None:
    """The table ``result``: one source per (kind, year), the base flux before the detail file,
    then the first read; flows summed by origin and destination."""
    con.execute("""CREATE TEMP TABLE chosen AS
                   SELECT kind, year, arg_min(rank, detail::INTEGER * 1000000 + rank) AS keep,
                          count(DISTINCT rank) AS files
                   FROM flows GROUP BY kind, year""")
    for kind, year, files in con.execute("SELECT kind, year, files FROM chosen WHERE files > 1 ORDER BY kind, year"
                                         ).fetchall():
        warnings.append(f"flux {KIND_LABELS[kind]} {year} présents dans {files} fichiers : "
                        "la base flux (ou le premier fichier lu) est retenue")
    con.execute("""
        CREATE TEMP TABLE result AS
        SELECT f.kind, f.year, f.origin, f.destination, sum(f.flow) AS flow
        FROM flows f JOIN chosen c ON c.kind = f.kind AND c.year = f.year AND c.keep = f.rank
        GROUP BY f.kind, f.year, f.origin, f.destination""")


def vintage(years: Mapping[str, int]) -> str:
    """``recensement 2022 (flux domicile-travail), 2021 (domicile-études)`` from the latest census
    year of each kind."""
    work, study = years.get(KIND_WORK), years.get(KIND_STUDY)
    if work is not None and study is not None:
        if work == study:
            return f"recensement {work} (flux domicile-travail et domicile-études)"
        return f"recensement {work} (flux domicile-travail), {study} (domicile-études)"
    if work is not None:
        return f"recensement {work} (flux domicile-travail)"
    return f"recensement {study} (flux domicile-études)"


# ---------------------------------------------------------------------------------------------
# Writing the base flux (no synthesis: the demo draws its flows in portraits/demo/mobility.py).

def write(path: Path, frame: pd.DataFrame) -> None:
    """Write a base-flux file from its own columns (``CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C22_ACTOCC15P``,
    or ``DCETU;L_DCETU;NBFLUX_C21_SCOL02P`` for studies), in the official layout: ``;``, UTF-8, CRLF,
    the flows with six decimals. The exact inverse of the file, not of :func:`read` (which drops
    the labels, brings arrondissements to their commune and keeps the region's flows)."""
    rows = [[f"{v:.6f}" if c.startswith("NBFLUX") else v for c, v in zip(frame.columns, row)]
            for row in frame.itertuples(index=False, name=None)]
    write_csv(path, list(frame.columns), rows, sep=";", crlf=True)
