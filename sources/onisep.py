"""ONISEP, Idéo – Formations initiales en France: the national referential of initial training
courses (no geography).

Layouts, recognised by their header (names matched without regard to accents, case, spaces):

- 2022 [checked on a real copy]: UTF-8 with BOM, ``;``, text fields quoted, 12 columns
  ``"code CNIS";"sigle type formation";"libellé type formation";"libellé formation principal";
  "sigle formation";durée;"code RNCP";"niveau RNCP";"libellé niveau RNCP";tutelle;
  "lien site onisep.fr";domaine/sous-domaine``;
- 2024 and later [read by public code, not checked on a real copy]: 14 columns or more, with
  ``code scolarité`` (the CFD of the BCN) and ``URL et ID Onisep`` in place of
  ``lien site onisep.fr``; the level columns may be named ``niveau de certification`` /
  ``libellé niveau de certification`` (ONISEP changed the structure again on 20/01/2026).

Rules:
- ``onisep_id``: the ``FOR.<n>`` identifier at the end of the ONISEP URL; a row without it is an
  error naming the line.
- ``rncp_level``: the level of the national nomenclature of 2019 (3 = CAP … 8 = doctorat), read
  from the level label (``niveau 5 (bac + 2)`` → 5); missing for ``non inscrit au RNCP`` and
  ``non renseigné``. The 2022 column ``niveau RNCP`` holds the *old* numbering (1 = bac+5 … 5 = CAP,
  0 = not registered, 8 = doctorat): it is used, converted, only when the label is empty.
- ``domains``: the domain part (before the first ``/``) of each ``domaine/sous-domaine`` value
  (values separated by ``|``), without repeats, ``|``-joined.
- ``rncp``: digits only (a ``RNCP`` prefix is removed); ``cfd``: ``code scolarité`` (missing in
  2022). Empty cells are missing values.
- ``nsf``: the NSF speciality (3 digits) of ``code CNIS`` (2022: the column holds NSF codes, 88
  distinct values on the real copy, empty for 436 of its 6,086 formations) or ``code NSF`` (2024).
- Several files: the last one (in name order) is read, the others are reported.

National referential: no region filter (the actions of :mod:`sources.onisep_actions` are).
Needed columns (``SOURCE.needs``; per layout :func:`layout_needs`, checked on the file's header):
the ONISEP URL (the key the actions join on) is required; the level label and code, the NSF code and
the domains are optional: a named warning, and the levels, domains or the comparison with the
recruitment needs say which column is missing. The other columns (type, title, duration, RNCP code,
code scolarité…) are read when present and not shown.

Evidence: réel for 2022, ../shared/data/real/onisep-ideo-formations_initiales_en_france_2022.csv
(a copy of the national file, GregHHH/Projet_final ``ideo-formations_initiales_en_france.csv``,
PROVENANCE.md §12); its header is :data:`HEADER_2022`, which the demo writes. The 2024 names
(:data:`HEADER_2024`) come from public code, FORMATS.md 2.2 (R code joining the actions file on
``URL et ID Onisep`` and ``code scolarité``): not checked on a real copy, hence read tolerantly
(both spellings of each column).

:func:`write` writes the 2022 layout from the frame of its own columns: the read is lossy (columns
derived: identifier, level, domains), so the round-trip test states the tidy result it expects.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .common import (Loaded, Need, Source, SourceError, check_needs, normalise_name, read_official_csv, read_text,
                     sniff_separator, union_needs)
from .common.writing import frame_rows

HEADER_2022 = ["code CNIS", "sigle type formation", "libellé type formation", "libellé formation principal",
               "sigle formation", "durée", "code RNCP", "niveau RNCP", "libellé niveau RNCP", "tutelle",
               "lien site onisep.fr", "domaine/sous-domaine"]
# The 2024 structure (14 columns), names as public code and its test files read them (FORMATS.md 2.2:
# R code joining the actions on "URL et ID Onisep" and "code scolarité"), not checked on a real copy.
HEADER_2024 = ["code NSF", "code scolarité", "sigle type formation", "libellé type formation",
               "libellé formation principal", "sigle formation", "durée", "niveau de sortie indicatif", "code RNCP",
               "niveau de certification", "libellé niveau de certification", "tutelle", "URL et ID Onisep",
               "domaine/sous-domaine"]
LAYOUTS = ("2022", "2024")
# What the portraits read, by role: the column's name in each layout (2022, 2024), what it feeds
# (report.BLOCKS), required or not.
ROLES = (
    (("lien site onisep.fr", "URL et ID Onisep"), ("training_initial", "training_needs"), True),
    (("libellé niveau RNCP", "libellé niveau de certification"), ("training_initial",), False),
    (("niveau RNCP", "niveau de certification"), ("training_initial",), False),
    (("code CNIS", "code NSF"), ("training_needs",), False),
    (("domaine/sous-domaine", "domaine/sous-domaine"), ("training_initial",), False),
)


def layout_needs(layout: str, header: list[str] | None = None) -> tuple[Need, ...]:
    """The needs of a file of ``layout`` (``2022`` or ``2024``): each role under the layout's
    name, or under the other layout's name when the header has that one (a mixed structure)."""
    keys = {normalise_name(h) for h in header or []}
    i = LAYOUTS.index(layout)
    out = []
    for names, feeds, required in ROLES:
        own = names[i]
        found = next((n for n in (own, *names) if normalise_name(n) in keys), own)
        out.append(Need(found, feeds, required))
    return tuple(out)


SOURCE = Source(
    id="onisep_formations",
    family="training",
    title="Idéo – Formations initiales en France",
    producer="Onisep",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://api.opendata.onisep.fr/downloads/5fa591127f501/5fa591127f501.csv",
    page="https://www.data.gouv.fr/fr/datasets/ideo-formations-initiales-en-france/",
    file_patterns=("*ideo-formations_initiales_en_france*.csv", "5fa591127f501*.csv"),
    demo_file="ideo-formations_initiales_en_france.csv",
    download_name="ideo-formations_initiales_en_france.csv",
    description="Référentiel national des formations initiales (type, intitulé, durée, code et niveau RNCP, "
                "domaines), du secondaire au supérieur.",
    # Alternative layouts: the URL column is required of each file under its layout's name.
    needs=union_needs(*(layout_needs(layout) for layout in LAYOUTS)),
    known_columns=tuple(dict.fromkeys(HEADER_2022 + HEADER_2024)),
    evidence="réel",
    evidence_where="../shared/data/real/onisep-ideo-formations_initiales_en_france_2022.csv (structure 2022) ; "
                   "structure 2024 d'après du code public (FORMATS.md 2.2)",
    notes=("Structure du fichier modifiée par l'Onisep en 2024 puis le 20/01/2026 : la version est reconnue "
           "à l'en-tête.",),
)

COLUMNS = ["onisep_id", "type_code", "type_label", "title", "rncp", "rncp_level", "rncp_level_label", "duration",
           "cfd", "domains", "nsf", "url"]
# Official header name → internal name; read when present (not shown by the portraits):
OPTIONAL = {
    "sigle type formation": "type_code",
    "libellé type formation": "type_label",
    "libellé formation principal": "title",
    "durée": "duration",
    "code RNCP": "rncp",
    "domaine/sous-domaine": "domains",
}
URL_COLUMNS = {"lien site onisep.fr": "2022", "URL et ID Onisep": "2024"}
LEVEL_COLUMNS = ("niveau RNCP", "niveau de certification")
LEVEL_LABEL_COLUMNS = ("libellé niveau RNCP", "libellé niveau de certification")
CFD_COLUMN = "code scolarité"
# The NSF speciality: "code CNIS" in 2022 (it holds NSF codes: 310, 326… on the real copy), "code NSF" in 2024.
NSF_COLUMNS = ("code NSF", "code CNIS")
# 2022 column "niveau RNCP": old numbering → level 2019 (checked against the labels of the real file).
OLD_LEVELS = {"5": 3, "4": 4, "3": 5, "2": 6, "1": 7, "8": 8}
_LEVEL_LABEL = re.compile(r"niveau\s+([1-8])\b", re.IGNORECASE)
_ONISEP_ID = re.compile(r"(FOR\.\d+)")
_YEAR = re.compile(r"(20\d{2})")


def _header(path: Path) -> dict[str, str]:
    """Normalised header name → header as written."""
    first = read_text(path).splitlines()[0]
    cells = [h.strip().strip('"') for h in first.split(sniff_separator(first))]
    return {normalise_name(h): h for h in cells}


def _pick(header: dict[str, str], names) -> str | None:
    return next((n for n in names if normalise_name(n) in header), None)


def read(paths: list[Path], communes=None) -> Loaded:
    """Read the latest Idéo file given (``communes`` is not used: the referential has no geography)."""
    path = Path(sorted(paths, key=lambda p: Path(p).name)[-1])
    warnings, missing = [], []
    if len(paths) > 1:
        warnings.append(f"plusieurs fichiers Idéo ; seul {path.name} est lu "
                        f"(ignorés : {', '.join(Path(p).name for p in paths if Path(p) != path)})")
    header = _header(path)
    url_col = _pick(header, URL_COLUMNS)
    if url_col is None:
        raise SourceError(path, f"colonne de l'URL Onisep absente (attendu : {' ou '.join(URL_COLUMNS)}) ; "
                                f"en-tête lu : {', '.join(list(header.values())[:16])}", line=1)
    layout = URL_COLUMNS[url_col]
    names = list(header.values())
    check_needs(path, names, SOURCE, warnings, missing, needs=layout_needs(layout, names))
    df = read_official_csv(path, _columns(header, url_col))
    for col in ("level_code", "rncp_level_label", "cfd", "nsf", *OPTIONAL.values()):
        if col not in df.columns:
            df[col] = ""
    df = _normalise(path, df.map(lambda v: v if not isinstance(v, str) or v.strip() else None), layout)
    dup = df.onisep_id.duplicated()
    if dup.any():
        warnings.append(f"{path.name} : identifiants Onisep en double ({', '.join(sorted(set(df.onisep_id[dup]))[:5])}) ; "
                        f"la première ligne est retenue")
        df = df[~dup]
    out = df[COLUMNS].reset_index(drop=True)
    out["rncp_level"] = out.rncp_level.astype("Int64")
    for col in COLUMNS:           # typed text even when a column is all missing (DuckDB VARCHAR)
        if col != "rncp_level":
            out[col] = out[col].astype("str")
    m = _YEAR.search(path.name)
    vintage = f"extraction {m.group(1)}" if m else "extraction non datée"
    if layout == "2022":
        vintage += " (structure 2022)"
    return Loaded(SOURCE, out, vintage=vintage, files=[path.name], warnings=warnings, missing=missing)


def _columns(header: dict[str, str], url_col: str) -> dict[str, str]:
    """Official name → internal name of the columns to read: those of the file's header."""
    columns = {**{k: v for k, v in OPTIONAL.items() if normalise_name(k) in header}, url_col: "url"}
    level_col, label_col = _pick(header, LEVEL_COLUMNS), _pick(header, LEVEL_LABEL_COLUMNS)
    if level_col:
        columns[level_col] = "level_code"
    if label_col:
        columns[label_col] = "rncp_level_label"
    if _pick(header, [CFD_COLUMN]):
        columns[CFD_COLUMN] = "cfd"
    nsf_col = _pick(header, NSF_COLUMNS)
    if nsf_col:
        columns[nsf_col] = "nsf"
    return columns


def _normalise(path: Path, df: pd.DataFrame, layout: str) -> pd.DataFrame:
    """The identifier, RNCP code and level, domains and NSF code of each row (module docstring)."""
    ids = df.url.fillna("").str.extract(_ONISEP_ID)[0]
    if ids.isna().any():
        i = ids.isna().idxmax()
        raise SourceError(path, f"identifiant Onisep (FOR.…) introuvable dans l'URL {df.at[i, 'url']!r}",
                          line=int(df.at[i, "_line"]))
    df["onisep_id"] = ids
    df["rncp"] = df.rncp.str.replace(r"^RNCP\s*", "", regex=True, case=False)
    bad = df.rncp.notna() & ~df.rncp.fillna("").str.fullmatch(r"\d+")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code RNCP invalide {df.at[i, 'rncp']!r}", line=int(df.at[i, "_line"]))
    df["rncp_level"] = [_level(path, label, code, layout, line)
                        for label, code, line in zip(df.rncp_level_label, df.level_code, df._line)]
    df["domains"] = df.domains.map(_domains)
    df["nsf"] = df.nsf.fillna("").str.extract(r"^\s*([0-9]{3})")[0]
    return df


def _level(path: Path, label: str | None, code: str | None, layout: str, line: int) -> int | None:
    label = label if isinstance(label, str) and label.strip() else None
    code = code.strip() if isinstance(code, str) and code.strip() else None
    if label:
        m = _LEVEL_LABEL.search(label)
        if m:
            return int(m.group(1))
        if normalise_name(label) in ("non inscrit au rncp", "non renseigne"):
            return None
        raise SourceError(path, f"libellé de niveau RNCP illisible {label!r}", line=line)
    if not code or code == "0":
        return None
    level = OLD_LEVELS.get(code) if layout == "2022" else (int(code) if code.isdigit() and 1 <= int(code) <= 8 else None)
    if level is None:
        raise SourceError(path, f"niveau RNCP inconnu {code!r}", line=line)
    return level


def _domains(value: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    names = []
    for part in value.split("|"):
        domain = part.strip().split("/", 1)[0].strip()
        if domain and domain not in names:
            names.append(domain)
    return "|".join(names) or None


# ---------------------------------------------------------------------------------------------
# Writing: the 2022 layout

# Fields written between quotes in the 2022 file (text fields); the others are written bare.
_QUOTED_HEADER = {0, 1, 2, 3, 4, 6, 7, 8, 10}
_QUOTED = {2, 3, 5, 8, 9, 11}


def _line(cells: list[str], quoted: set[int]) -> str:
    return ";".join(f'"{c}"' if i in quoted and c != "" else c for i, c in enumerate(cells))


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the 2022 layout, :data:`HEADER_2022`, in that order; text
    cells) as the 2022 file: UTF-8 with BOM, ``;``, LF, text fields quoted as in the real file
    (empty cells bare). :func:`read` derives its own columns (identifier, level, domains):
    ``read(write(frame))`` is that tidy table."""
    if list(frame.columns) != HEADER_2022:
        raise ValueError(f"colonnes de la structure 2022 attendues ({', '.join(HEADER_2022)})")
    text = "\n".join([_line(HEADER_2022, _QUOTED_HEADER)] + [_line(r, _QUOTED) for r in frame_rows(frame)]) + "\n"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
