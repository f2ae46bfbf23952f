"""INSEE census (recensement de la population) by commune: population by age, activity,
unemployment, jobs at the place of work, actifs occupés by CSP.

Three official layouts are read, recognised from the header (never from the position of a column):

1. the legacy flat "bases communales" (``base-cc-emploi-pop-active-<AAAA>.CSV`` and its companion
   ``base-cc-evol-struct-pop-<AAAA>.CSV``), plain or inside the official zip
   (``base-cc-emploi-pop-active-2020_v2.zip`` holds the data CSV and a ``meta_…CSV``, which is
   not read): ``;`` separator, UTF-8, first column ``CODGEO``, then one column per variable named
   ``P<yy>_<NAME>`` (exploitation principale) or ``C<yy>_<NAME>`` (exploitation complémentaire),
   weighted float counts with a ``.`` decimal; secret or missing cells are empty or ``s`` (missing,
   never zero). Each base holds the census year and the year minus 6 (``P20_*`` and ``P14_*``;
   the 2020 emploi base also ``P09_*``); the 2020 base is in the géographie of 1 January 2023
   (COG 2023). The column order of the real 2020 emploi base is that of its dictionary
   (``meta_…CSV``, ``CODGEO`` first in the data file);
2. the "comparateur de territoires" base (``base_cc_comparateur.CSV``; e.g. the RP 2018 edition,
   géographie 2021, with ``P18_POP, P13_POP, P18_POP1564, P18_ACT1564, P18_CHOM1564, P18_EMPLT,
   P18_EMPLT_SAL, P13_EMPLT``): same layout, fewer variables, mixed with non-census columns
   (``SUPERF``, ``MED19``, ``ETAZ18``…) which are ignored;
3. the MELODI bulk CSV (``DS_RP_<…>_<AAAA>_data.csv``, plain or in its ``…_CSV_FR.zip``): long
   format, one line per observation, dimension columns plus ``GEO;GEO_OBJECT;TIME_PERIOD;OBS_VALUE``
   (and ``FREQ``, ``OBS_STATUS`` when present). **This mapping was written from the documented
   format only (FORMATS.md 1.1 marks MELODI [CODE]): no real MELODI file was available to check
   it.** What is mapped (:data:`MELODI_RULES`), every dimension not named in a rule being required
   to be the total ``_T``; only ``GEO_OBJECT == "COM"`` lines are read (arrondissements, EPCI,
   départements… are dropped); lines with ``OBS_STATUS == "K"`` (documented in public code as
   "included in another commune") are dropped so that nothing is counted twice:

   - ``DS_RP_EMPLOI_LR_PRINC`` and ``DS_RP_ACTIVITE_PRINC`` (place of residence, ``RP_MEASURE``
     ``POP``): ``EMPSTA_ENQ`` ``_T`` / ``1T2`` / ``1`` / ``2`` × ``AGE`` ``Y15T64`` → ``POP1564``,
     ``ACT1564``, ``ACTOCC1564``, ``CHOM1564``; ``1T2`` / ``2`` × ``Y15T24`` → ``ACT1524``,
     ``CHOM1524``; ``1T2`` / ``2`` × ``Y55T64`` → ``ACT5564``, ``CHOM5564``; ``1`` × ``Y_GE15`` →
     ``ACTOCC15P``;
   - ``DS_RP_EMPLOI_LR_COMP``: ``EMPSTA_ENQ`` ``1`` × ``AGE`` ``Y15T64`` × ``PCS`` ``1``…``6`` →
     ``ACTOCC1564_CS1``…``CS6``;
   - ``DS_RP_EMPLOI_LT_PRINC`` (place of work): all totals → ``EMPLT``; ``EMPFORM`` ``2``
     (salariés) → ``EMPLT_SAL``;
   - ``DS_RP_EMPLOI_LT_COMP``: ``EMP_ACTIVITY`` ``AZ`` / ``BE`` / ``FZ`` / ``GU`` / ``OQ`` →
     ``EMPLT_AGRI`` / ``EMPLT_INDUS`` / ``EMPLT_CONST`` / ``EMPLT_CTS`` / ``EMPLT_APESAS``.

   The place-of-work datasets are matched whatever their ``RP_MEASURE``; two lines for one
   commune, year and variable are an error (so an unexpected second measure cannot slip in). A
   MELODI file from which no line can be mapped is an error listing its dimensions; another
   ``DS_RP_*`` dataset (navettes, diplômes…) is ignored with a warning.

Age bands. The commune base ``base-cc-evol-struct-pop-<AAAA>`` gives ``P<yy>_POP0014, POP1529,
POP3044, POP4559, POP6074, POP7589, POP90P`` (they add up to ``P<yy>_POP``): "75 ans ou plus" is
``POP7589 + POP90P``, summed here into ``POP75P`` (a secret part makes the sum missing, never
smaller). ``POP75P`` itself exists only in the IRIS base (``base-ic-evol-struct-pop``); a file that
has it is read as it is (tolerance: the two spellings are accepted). Evidence, public readers of
the commune base, no real copy in ../shared/data/real:

- ``H-Zak/santescope``, ``notebooks/01_merge.py``: reads ``base-cc-evol-struct-pop-2020.CSV``
  (``usecols=["CODGEO", "P20_POP", "P20_POP7589", "P20_POP90P"]``, 75+ = ``P20_POP7589 + P20_POP90P``);
- ``sashaprs/France-Monitor``, ``scripts/build-circos.js``: reads ``base-cc-evol-struct-pop-2022.CSV``
  of ``base-cc-evol-struct-pop-2022_csv.zip`` (``P22_POP0014`` … ``P22_POP6074, P22_POP7589, P22_POP90P``);
- the IRIS base read by other public code (header ``IRIS;COM;TYP_IRIS;…;P20_POP6074;P20_POP75P;…``)
  is where ``POP75P`` comes from.

Actifs occupés. The comparateur base has ``P<yy>_POP1564, ACT1564, CHOM1564`` but no
``ACTOCC1564`` (real file, RP 2018): where a file gives the actifs and the chômeurs of 15-64 for a
year but not the actifs occupés, they are derived as ``ACT1564 − CHOM1564`` (actifs = actifs
occupés + chômeurs in the census), with a warning naming the file; the employment rate is then
``(ACT1564 − CHOM1564) / POP1564`` (region: 67.3 % in RP 2018).

Output (long): ``commune_code`` (current code), ``year`` (census year, e.g. 2020 for ``P20_``),
``variable`` (the INSEE name without its ``P<yy>_``/``C<yy>_`` prefix), ``value`` (Float64, NA
when secret or missing). Only the variables of :data:`VARIABLES` are kept. Two spellings of 2020
are normalised: ``P20_ACTOCC`` (actifs occupés de 15 ans ou plus) is ``ACTOCC15P`` and
``P20_CHOM55P`` (sic, chômeurs de 55 à 64 ans) is ``CHOM5564``.

National files (the bases cover about 35,000 communes). The rows of the region are kept first —
those whose département (``departement_of``: ``2A``, ``971``…) is one of the region's, or whose
code is a known former code — and only they are checked (codes, numbers, duplicates): a row of
another region (Deux-Sèvres 79xxx, Corsica, overseas) never stops the build. A malformed code is
kept, to be reported (its région cannot be known). Former communes (communes déléguées /
associées, or merged since the file's géographie) are brought to their current commune and ADDED
(counts are additive; a secret part makes the sum missing). A code of the region unknown to the
mapping is an error naming it. A file with rows but none of the region is left out with a
warning; when no file has a row of the region, :class:`sources.common.NoRegionalRows` is raised
(the dataset is left out of the refresh, its parts say why).

Several files are combined. If two of them give the same (commune, year, variable), the most
specific base wins: emploi-pop-active / evol-struct-pop, then MELODI, then the comparateur; the
newest file between two of the same kind. This is reported as a warning.

Needed columns (``SOURCE.needs``) are checked once on the union of the headers of the files read
(the bases together make the dataset), for the census year shown: ``P{yy}_POP0014`` is looked for
as ``P20_POP0014`` in a 2020 edition. A file's ``P<yy>_POP75P`` stands for ``POP7589`` and
``POP90P``, an alias for its official spelling, derived actifs occupés for ``ACTOCC1564``; a
MELODI file stands for the legacy names of the variables it gave. A needed column absent (e.g.
the age bands, CSP and sectors of the comparateur base) is a named warning and is recorded in
``Loaded.missing`` (one entry per file and per group of columns feeding the same parts), so that
the blocks fed say which columns are missing. The other columns of the official layouts (the
families ``P<yy>_POP…``, ``P<yy>_H…``, ``C<yy>_EMPLT…``… and the non-census columns of the
comparateur) are ``SOURCE.known_columns``.

Vintage: ``recensement <AAAA>``, the latest census year among the main variables (population,
15-64 activity and unemployment, jobs).

Evidence: the real ``insee-base_cc_comparateur-rp2018_pdl.CSV`` and the variable dictionaries
``meta_base-cc-emploi-pop-active-2020_v2_pdl.CSV`` and ``meta_base_cc_comparateur-rp2018_pdl.CSV``
(../shared/data/real); public code for ``base-cc-evol-struct-pop`` (above) and for MELODI.

Writing: :func:`write` writes a legacy commune base from the file's own columns (``CODGEO``,
``P20_POP``…); :func:`read` melts, sums and derives, so the round trip
(tests/test_write_census.py) states the long table expected. The demo bases are drawn in
``portraits/demo/census.py``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..common import check_commune_codes, check_needs, Loaded, Need, NoRegionalRows, SourceError, write_csv
from ._variables import (COLUMNS, DATA_MEMBERS, KEPT, MAIN_VARIABLES, _MELODI_REQUIRED, official_names,
                         RANK_COMPARATEUR, RANK_MELODI, RANK_SPECIFIC, VARIABLES)
from ._source import NEEDS_BY_BASE, SOURCE
from ._base import _needs_header, parse_stream, _read_base, _region_filter
from ._melodi import _melodi_dataset, _read_melodi


def _read_file(path: Path, deps, accepted) -> tuple[pd.DataFrame | None, int | None, list[str]]:
    """One file, recognised from its header: (long frame of the region's rows, rank of its kind,
    header as the needs see it), or (None, None, []) for a MELODI dataset this module does not map.
    A MELODI file's header, for the needs, is ``CODGEO`` and the legacy names of what it gave."""
    def parse(reader, header, member):
        inner = member or path.name
        if all(c in header for c in _MELODI_REQUIRED):
            kind = _melodi_dataset(inner)
            if kind is None:
                return None, None, []
            df, _ = _read_melodi(path, reader, header, kind, deps, accepted)
            pairs = df[["variable", "year"]].drop_duplicates().itertuples(index=False)
            return df, RANK_MELODI, ["CODGEO", *(n for v, y in pairs for n in official_names(v, y))]
        rank = RANK_COMPARATEUR if "comparateur" in inner.lower() else RANK_SPECIFIC
        df, _ = _read_base(path, reader, header, deps, accepted)
        return df, rank, _needs_header(header)

    return parse_stream(path, DATA_MEMBERS, parse)


def _strict_sum(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum of ``value`` by ``keys``; missing when any part is missing (a secret part makes the
    total unknown, never smaller)."""
    work = df.assign(_na=df["value"].isna())
    out = work.groupby(keys, as_index=False, sort=True).agg(value=("value", "sum"), _na=("_na", "any"))
    out["value"] = out["value"].astype("Float64").mask(out["_na"])
    return out.drop(columns="_na")


def _derive_employed(part: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """Actifs occupés de 15 à 64 ans = actifs − chômeurs de 15 à 64 ans, for the years of a file
    that gives both but not ``ACTOCC1564`` (the comparateur base); missing when either is.
    Returns the frame with the derived rows and the years derived."""
    have = {(v, y) for v, y in zip(part.variable, part.year)}
    years = sorted({y for _, y in have if ("ACT1564", y) in have and ("CHOM1564", y) in have
                    and ("ACTOCC1564", y) not in have})
    if not years:
        return part, []
    w = part[part.year.isin(years) & part.variable.isin(["ACT1564", "CHOM1564"])]
    w = w.pivot(index=["commune_code", "year"], columns="variable", values="value").reset_index()
    derived = pd.DataFrame({"commune_code": w.commune_code, "year": w.year.astype("int64"), "variable": "ACTOCC1564",
                            "value": (w.ACT1564.astype("Float64") - w.CHOM1564.astype("Float64"))})
    return pd.concat([part, derived], ignore_index=True), years


def _file_base(name: str) -> str:
    """The legacy base a file is (``emploi-pop-active``, ``evol-struct-pop``), else ``""``."""
    low = name.lower()
    return next((b for b in ("emploi-pop-active", "evol-struct-pop") if f"base-cc-{b}" in low), "")


def check_census_needs(headers: dict[str, list[str]], year: int, warnings: list[str], missing: list[dict]) -> None:
    """The needs of :data:`SOURCE`, for the census ``year`` shown, checked on the union of the
    ``headers`` (file name → header as the needs see it) of the files read: a missing column is
    named with the files of the base that should hold it (all the files read when none of that
    base was given), one warning and one ``missing`` entry per group of columns of one file that
    feed the same parts (sources.common.check_needs checks each)."""
    yy = f"{year % 100:02d}"
    union = [h for header in headers.values() for h in header]
    found: list[dict] = []
    for base, needs in NEEDS_BY_BASE.items():
        files = [n for n in headers if base and _file_base(n) == base] or list(headers)
        concrete = [Need(n.column.replace("{yy}", yy), n.feeds, n.required) for n in needs]
        check_needs(Path(", ".join(files)), union, SOURCE, [], found, line=None, needs=concrete)
    groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for m in found:
        groups.setdefault((m["file"], tuple(m["feeds"])), []).append(m["column"])
    for (file, feeds), columns in groups.items():
        several = len(columns) > 1
        warnings.append(f"{file} : colonne{'s' * several} {', '.join(columns)} absente{'s' * several} ; "
                        f"non calculé : {', '.join(feeds)}")
        missing.append({"column": ", ".join(columns), "file": file, "feeds": list(feeds)})


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    """Read and combine every census file given. ``communes``: accepted commune codes (a mapping
    brings former codes to current ones, see :func:`sources.common.check_commune_codes`); rows of
    départements outside the region are dropped; without it every row is kept as it is."""
    deps, accepted = _region_filter(communes)
    frames, warnings, names, headers, outside = [], [], [], {}, []
    for order, path in enumerate(paths):
        path = Path(path)
        names.append(path.name)
        df, rank, header = _read_file(path, deps, accepted)
        if df is None:
            warnings.append(f"{path.name} : jeu de données MELODI non pris en charge par ce module ; fichier ignoré")
            continue
        if df.empty:                  # rows, none of the region (a file without rows is refused)
            outside.append(path)
            continue
        former = check_commune_codes(path, df, "commune_code", communes)
        if former:
            warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune actuelle et additionnés : "
                            f"{', '.join(former)}")
        part, derived = _derive_employed(_strict_sum(df, ["commune_code", "year", "variable"]))
        if derived:
            warnings.append(f"{path.name} : actifs occupés de 15 à 64 ans absents du fichier ; calculés comme actifs "
                            "moins chômeurs de 15 à 64 ans ("
                            + ", ".join(f"P{y % 100:02d}_ACT1564 − P{y % 100:02d}_CHOM1564" for y in derived) + ")")
            header = header + [n for y in derived for n in official_names("ACTOCC1564", y)]
        headers[path.name] = header
        part["_rank"], part["_order"] = rank, order
        part["_newest"] = int(part.year.max()) if len(part) else 0
        part["_file"] = path.name
        frames.append(part)
    where = f"des départements {', '.join(sorted(deps))}" if deps else "de la région"
    if not frames:
        if outside:
            raise NoRegionalRows(outside[-1], f"aucune commune {where}"
                                 + (f" (ni dans {', '.join(p.name for p in outside[:-1])})" if len(outside) > 1 else ""))
        raise SourceError(Path(paths[-1]) if paths else Path("recensement"), "aucun fichier du recensement lisible")
    if outside:
        warnings.append(f"{', '.join(p.name for p in outside)} : aucune commune {where} ; fichier ignoré")
    out = _most_specific(pd.concat(frames, ignore_index=True), warnings)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("Float64")
    secret = int(out.value.isna().sum())
    if secret:
        warnings.append(f"recensement : {secret} valeurs secrètes ou manquantes (laissées vides, jamais à zéro)")
    main = out[out.variable.isin(MAIN_VARIABLES) & out.value.notna()]
    latest = int((main if len(main) else out).year.max())
    missing: list[dict] = []
    check_census_needs(headers, latest, warnings, missing)
    return Loaded(SOURCE, out, vintage=f"recensement {latest}", files=names, warnings=warnings, missing=missing)


def _most_specific(out: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """One value per commune × year × variable: the most specific base's (then the newest file,
    then the first given), the others named in a warning; sorted as :data:`COLUMNS`."""
    out = out.sort_values(["_rank", "_newest", "_order"], ascending=[True, False, True], kind="stable")
    dup = out.duplicated(["commune_code", "year", "variable"])
    if dup.any():
        dropped = out[dup]
        kept = out[~dup].set_index(["commune_code", "year", "variable"])._file
        pairs = sorted({(f, kept[k]) for f, k in zip(dropped._file, zip(dropped.commune_code, dropped.year,
                                                                         dropped.variable))})
        warnings.append(f"recensement : {int(dup.sum())} valeurs (commune × année × variable) données par deux "
                        f"fichiers ; la base la plus spécifique est retenue ("
                        + "; ".join(f"{k} plutôt que {d}" for d, k in pairs) + ")")
        out = out[~dup]
    return out[COLUMNS].sort_values(["commune_code", "variable", "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Writing: the legacy commune base (the demo draws its values in portraits/demo/census.py).

def _fmt(x: float) -> str:
    """A count as INSEE writes it: ``.`` decimal, no trailing zeros (6 decimals here)."""
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s



def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if pd.isna(value) else _fmt(float(value))


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the file's own columns: ``CODGEO`` then official names such as
    ``P20_POP1564``, in the frame's order) as a legacy commune base: ``;``, LF, UTF-8 without BOM,
    counts with a ``.`` decimal and no trailing zeros, a missing count (secret) empty, text cells as
    they are. The exact inverse of the file, not of :func:`read` (which melts, sums former
    communes and derives the employed)."""
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    write_csv(Path(path), list(frame.columns), rows, sep=";")
