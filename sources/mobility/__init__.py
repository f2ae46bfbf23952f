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

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..common import Loaded, NoRegionalRows, SourceError, write_csv
from ._source import KIND_STUDY, KIND_WORK, OUTPUT_FILE, SOURCE
from ._files import header
from ._duckdb import _accepted, _choose_sources, _connect, _insert_files


@dataclass
class FlowsLoaded(Loaded):
    """A dataset written to a Parquet file: ``frame`` is the path of that file (not a DataFrame);
    ``rows`` is its number of lines."""

    row_count: int = 0

    @property
    def rows(self) -> int:
        return self.row_count


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
