"""Enquête Besoins en main-d'œuvre (BMO, France Travail with the Crédoc): recruitment projects by
bassin d'emploi and métier.

Format read here: the workbook ``Base_open_data_BMO_<AAAA>.xlsx``, alone or inside the zip that
data.gouv.fr serves (the member matching ``Base_open_data_BMO_*.xlsx`` is read). Two sheets:
``Description des variables`` (the dictionary, from B7; not needed to read the data) and
``BMO_<AAAA>_open_data``, header on row 1, columns ``annee, Code métier BMO, Nom métier BMO,
Famille_met, Lbl_fam_met, REG, NOM_REG, Dept, NomDept, BE<yy>, NOMBE<yy>, met, xmet, smet``
(headers matched by name; the bassin columns change name with the year and are found by the
patterns ``^BE\\d{2}$`` and ``^NOMBE\\d{2}$``). :func:`header` gives the data sheet's header row
(the check of a folder compares it with the declared columns).

Evidence (``SOURCE.evidence`` "réel"): ``../shared/data/real/Base_open_data_BMO_2024_pdl.xlsx``, the
region's rows of the national 2024 workbook (PROVENANCE.md §4: 53,443 rows nationally, same sheets,
cell positions and types), from ``dataforgoodfr/13_odis``
``data/emploi/Donnees_consolidees_2024/Base_open_data_BMO_2024.xlsx``.

Cell types as published: ``annee`` and ``BE<yy>`` are numbers; ``REG`` and ``Dept`` zero-padded
strings; ``met`` (recruitment projects), ``xmet`` (of which judged difficult) and ``smet`` (of which
seasonal) are strings, ``*`` marking a secret cell. Both are accepted for every column (an
integer ``REG`` is padded). ``*`` and empty cells are missing values, never 0: totals computed
from the frame are sums of the published cells. Any other non-numeric value, a negative count or
``xmet`` > ``met`` (both published) is an error naming the file and the row.

Needed columns (``SOURCE.needs``): ``annee``, ``Code métier BMO``, ``REG``, ``BE<yy>`` and ``met`` are
required; without ``xmet`` or ``smet`` the shares of difficult or seasonal projects are not computed
(a named warning, and the blocks say which column is missing), without ``Nom métier BMO`` the
métiers are named by their code. The other columns are read when present, never needed.

National file: the rows of the requested region (``REG``) are kept first, and only they are
checked — a row of another region never stops the build. A workbook with no row of the region
raises :class:`sources.common.NoRegionalRows` (the dataset is then left out, and its parts say why).
The national file has 53,443 rows, the Pays de la Loire 3,462 (26 bassins). When several files are
given, the most recent survey (year in the file name) is read, the workbook preferred to the zip of
the same year. ``Code métier BMO`` is a FAP-2021 code at the 228 level (see :mod:`sources.fap`).

:func:`write` writes the workbook from the frame of the data sheet's own columns: the read is lossy
(the region's rows, the columns read), so the round-trip test states the tidy result it expects.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd

from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, cell_number, cell_text, check_needs,
                     normalise_name, open_workbook, bassin_code, FIXED_CORE_XML, fixed_container)
from .common.writing import frame_rows

SOURCE = Source(
    id="bmo",
    family="employment",
    title="Enquête Besoins en main-d'œuvre (BMO) : projets de recrutement par bassin d'emploi et métier",
    producer="France Travail (enquête BMO, avec le Crédoc)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://www.data.gouv.fr/fr/datasets/r/4319f5e8-a8e6-476c-8da0-c0d3439ebb55",
    page="https://www.data.gouv.fr/fr/datasets/enquete-besoins-en-main-doeuvre-bmo/",
    file_patterns=("Base_open_data_BMO_*.xlsx", "Base_open_data_BMO_*.zip"),
    demo_file="Base_open_data_BMO_2024.xlsx",
    download_name="Base_open_data_BMO_2024.zip",
    description="Projets de recrutement des employeurs pour l'année, dont projets jugés difficiles et "
                "projets saisonniers, par bassin d'emploi et métier (FAP-2021).",
    notes=("Les effectifs couverts par le secret statistique (« * ») sont des valeurs manquantes : les "
           "totaux sont des sommes des cases publiées.",
           "Méthode : https://statistiques.francetravail.org/bmo/static/methode_2024"),
    needs=(
        Need("annee", ("bmo_projects", "bmo_projects_per_1000", "bmo_difficult_share", "bmo_seasonal_share",
                       "bmo_metiers", "training_needs")),
        Need("Code métier BMO", ("bmo_metiers", "training_needs", "fap_domains")),
        Need("REG", ("bmo_projects", "bmo_projects_per_1000", "bmo_difficult_share", "bmo_seasonal_share",
                     "bmo_metiers", "training_needs")),
        Need("BE{yy}", ("bmo_projects", "bmo_projects_per_1000", "bmo_difficult_share", "bmo_seasonal_share",
                        "bmo_metiers", "training_needs")),
        Need("met", ("bmo_projects", "bmo_projects_per_1000", "bmo_difficult_share", "bmo_seasonal_share",
                     "bmo_metiers", "training_needs")),
        Need("xmet", ("bmo_difficult_share", "bmo_metiers"), required=False),
        Need("smet", ("bmo_seasonal_share", "bmo_metiers"), required=False),
        Need("Nom métier BMO", ("bmo_metiers",), required=False),
    ),
    known_columns=("Famille_met", "Lbl_fam_met", "NOM_REG", "Dept", "NomDept", "NOMBE{yy}"),
    evidence="réel",
    evidence_where="../shared/data/real/Base_open_data_BMO_2024_pdl.xlsx (lignes de la région du classeur national "
                   "2024, mêmes feuilles et types de cellules)",
)

MEMBER_PATTERN = "Base_open_data_BMO_*.xlsx"
DATA_SHEET = re.compile(r"^BMO_\d{4}_open_data$", re.IGNORECASE)
DICTIONARY_SHEET = "Description des variables"
BASSIN = re.compile(r"^BE\d{2}$")
BASSIN_NAME = re.compile(r"^NOMBE\d{2}$")
# Official header → normalised name (headers compared with sources.common.normalise_name).
COLUMNS = {
    "annee": "year",
    "Code métier BMO": "fap_code",
    "Nom métier BMO": "fap_name",
    "Famille_met": "family_code",
    "Lbl_fam_met": "family_name",
    "REG": "reg",
    "Dept": "dep",
    "met": "projects",
    "xmet": "difficult",
    "smet": "seasonal",
}
COUNTS = {"projects": "met", "difficult": "xmet", "seasonal": "smet"}
OUTPUT = ["year", "bassin_code", "bassin_name", "fap_code", "fap_name", "family_code", "family_name", "dep",
          "projects", "difficult", "seasonal"]
FAP_CODE = re.compile(r"[A-Z][0-9A-Z]{2}[0-9]{2}")
_YEAR = re.compile(r"BMO_(\d{4})", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Reading

def _file_year(path: Path) -> int:
    m = _YEAR.search(path.name)
    return int(m.group(1)) if m else 0


def _open_workbook(path: Path):
    """The workbook of ``path`` (an xlsx, or a zip holding one: the latest survey year), opened
    read-only, and the prefix naming the zip member in messages."""
    return open_workbook(path, MEMBER_PATTERN, member_key=lambda n: (_file_year(Path(n)), n))


def _count(path: Path, prefix: str, value: object, column: str, line: int) -> float | None:
    """A published count: a number (or a string holding one); ``*`` (secret) and empty are None."""
    try:
        number = cell_number(value)
    except ValueError:
        raise SourceError(path, f"{prefix}valeur non numérique {value!r} dans la colonne {column}",
                          line=line) from None
    if number is None or number != number:   # empty, secret (*), NaN
        return None
    if number < 0:
        raise SourceError(path, f"{prefix}valeur négative {value!r} dans la colonne {column}", line=line)
    return number


def _data_sheet(path: Path, wb, prefix: str) -> str:
    sheets = [s for s in wb.sheetnames if DATA_SHEET.fullmatch(s.strip())]
    if not sheets:
        raise SourceError(path, f"{prefix}feuille de données BMO_<AAAA>_open_data absente "
                                f"(feuilles : {', '.join(wb.sheetnames)})")
    return sheets[0]


def header(path: Path) -> list[str]:
    """The column names of the data sheet ``BMO_<AAAA>_open_data`` (its first row), not of the
    dictionary sheet that comes first: what the check of a folder compares with the declared
    columns. ``path`` may be the zip of the download."""
    wb, prefix = _open_workbook(path)
    try:
        first = next(wb[_data_sheet(path, wb, prefix)].iter_rows(values_only=True, max_row=1), ())
    finally:
        wb.close()
    return [cell_text(c) for c in first if cell_text(c)]


def _header(path: Path, prefix: str, sheet: str, header: tuple, warnings: list[str],
            missing: list[dict]) -> dict[str, int]:
    """Column positions of the data sheet by normalised name (absent optional columns are left
    out; a required one absent is an error naming it, see :func:`sources.common.check_needs`)."""
    names = [cell_text(h) for h in header]
    check_needs(path, [n for n in names if n], SOURCE, warnings, missing)
    keys = {normalise_name(n): i for i, n in reversed(list(enumerate(names)))}
    index = {name: keys[normalise_name(official)] for official, name in COLUMNS.items()
             if normalise_name(official) in keys}
    for pattern, name, label in ((BASSIN, "bassin_code", "BE<aa>"), (BASSIN_NAME, "bassin_name", "NOMBE<aa>")):
        found = [i for i, n in enumerate(names) if pattern.fullmatch(n.upper())]
        if len(found) > 1:
            raise SourceError(path, f"{prefix}feuille {sheet} : plusieurs colonnes {label} "
                                    f"({', '.join(names[i] for i in found)})", line=1)
        if found:
            index[name] = found[0]
    return index


def _region(value: object) -> str:
    text = cell_text(value)
    return text.zfill(2) if text.isdigit() else text


def _read_one(path: Path, region: str, warnings: list[str], missing: list[dict]) -> pd.DataFrame:
    """The rows of ``region`` of the data sheet, checked (rows of other regions are skipped
    before any check)."""
    wb, prefix = _open_workbook(path)
    try:
        sheet = _data_sheet(path, wb, prefix)
        rows = wb[sheet].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SourceError(path, f"{prefix}feuille {sheet} vide", line=1)
        col = _header(path, prefix, sheet, header, warnings, missing)
        width = max(col.values()) + 1
        records = []
        seen_regions = set()
        for line, row in enumerate(rows, start=2):
            if row is None or all(v is None or cell_text(v) == "" for v in row):
                continue
            row = tuple(row) + (None,) * (width - len(row))
            reg = _region(row[col["reg"]])
            seen_regions.add(reg)
            if reg != region:
                continue
            records.append(_record(path, prefix, row, col, line))
    finally:
        wb.close()
    if not records:
        raise NoRegionalRows(path, f"{prefix}aucune ligne pour la région {region} (régions présentes : "
                                   f"{', '.join(sorted(seen_regions)) or 'aucune'})")
    return pd.DataFrame.from_records(records, columns=["_line", *OUTPUT])


def _record(path: Path, prefix: str, row: tuple, col: dict[str, int], line: int) -> tuple:
    def cell(name: str) -> object:            # None for a column the file does not have
        return row[col[name]] if name in col else None

    year = cell_text(cell("year"))
    if not re.fullmatch(r"\d{4}", year):
        raise SourceError(path, f"{prefix}année illisible {cell('year')!r} dans la colonne annee", line=line)
    fap_code = cell_text(cell("fap_code"))
    if not FAP_CODE.fullmatch(fap_code):
        raise SourceError(path, f"{prefix}code métier invalide {fap_code!r} (attendu un code FAP-2021 comme A0X40)",
                          line=line)
    code = bassin_code(cell_text(cell("bassin_code")))
    if not re.fullmatch(r"\d{4}", code):
        raise SourceError(path, f"{prefix}code bassin invalide {cell('bassin_code')!r}", line=line)
    counts = {name: _count(path, prefix, cell(name), official, line) for name, official in COUNTS.items()}
    if counts["projects"] is not None and counts["difficult"] is not None and counts["difficult"] > counts["projects"]:
        raise SourceError(path, f"{prefix}projets difficiles (xmet = {cell('difficult')}) supérieurs aux projets "
                                f"(met = {cell('projects')})", line=line)
    dep = cell_text(cell("dep"))
    dep = dep.zfill(2) if dep.isdigit() else dep
    texts = {name: cell_text(cell(name)) or None for name in ("bassin_name", "fap_name", "family_code", "family_name")}
    return (line, int(year), code, texts["bassin_name"], fap_code, texts["fap_name"], texts["family_code"],
            texts["family_name"], dep or None, counts["projects"], counts["difficult"], counts["seasonal"])


def read(paths: list[Path], communes: object = None, region: str = "52") -> Loaded:
    """Read the most recent survey among ``paths`` (workbooks or zips), keeping the rows of
    ``region`` (INSEE code; ``REG`` of the file). ``communes`` is accepted for the common
    interface and not used: the survey is published by bassin."""
    paths = [Path(p) for p in paths]
    path = max(paths, key=lambda p: (_file_year(p), p.suffix.lower() == ".xlsx", p.name))
    region = _region(region)
    warnings: list[str] = []
    missing: list[dict] = []
    df = _read_one(path, region, warnings, missing)
    others = [p.name for p in paths if p != path]
    if others:
        warnings.append(f"BMO : un seul millésime est lu ({path.name}) ; fichiers ignorés : {', '.join(others)}")
    if df.year.nunique() > 1:
        years = ", ".join(map(str, sorted(df.year.unique())))
        warnings.append(f"{path.name} : plusieurs années dans le fichier ({years})")
    # Rule: one row per bassin × métier; exact copies are dropped (reported), differing ones are errors.
    key = ["year", "bassin_code", "fap_code"]
    dup = df.duplicated(OUTPUT)
    if dup.any():
        warnings.append(f"{path.name} : {int(dup.sum())} lignes en double ignorées "
                        f"(lignes {', '.join(map(str, df._line[dup][:10]))})")
        df = df[~dup].reset_index(drop=True)
    twice = df.duplicated(key)
    if twice.any():
        i = twice.idxmax()
        raise SourceError(path, f"deux lignes différentes pour le bassin {df.at[i, 'bassin_code']} et le métier "
                                f"{df.at[i, 'fap_code']}", line=int(df.at[i, "_line"]))
    for name in COUNTS:
        df[name] = pd.array(df[name].tolist(), dtype="Float64")
    df["year"] = df.year.astype("int64")
    out = df[OUTPUT].sort_values(["bassin_code", "fap_code"], ignore_index=True)
    for name in ("bassin_code", "bassin_name", "fap_code", "fap_name", "family_code", "family_name", "dep"):
        out[name] = out[name].astype(object)
    return Loaded(SOURCE, out, vintage=f"enquête {int(out.year.max())}", files=[path.name], warnings=warnings,
                  missing=missing)


# ---------------------------------------------------------------------------------------------
# Writing: the official workbook

# The dictionary sheet as the real workbook writes it (texts, trailing spaces included: see the
# real extract named in the module docstring).
DICTIONARY = [
    ("annee", "Année de l'enquête"),          # the real sheet gives the survey year as a number here
    ("Code métier BMO", "Code métier BMO (FAP)"),
    ("Nom métier BMO", "libellé métier BMO "),
    ("Famille_met", "Code famille de métier"),
    ("Lbl_fam_met", "libellé famille de métier"),
    ("REG", "Code région Insee"),
    ("NOM_REG", "Nom de la région "),
    ("Dept", "N° de département "),
    ("NomDept", "Nom du département "),
    ("BE{yy}", "Code bassin d'emploi "),
    ("NOMBE{yy}", "Nom du bassin d'emploi"),
    ("met", "Nombre de projet de recrutement "),
    ("xmet", "Nombre de projets de recrutement jugés difficiles"),
    ("smet", "Nombre de projets de recrutement saisonniers"),
]
DICTIONARY_NOTE = 'Pour plus d\'information consulter la rubrique en savoir plus, en particulier "source et méthode" '


def data_header(year: int) -> list[str]:
    """The header row of the data sheet of the ``year`` survey (the bassin columns carry its last
    two digits: ``BE24``, ``NOMBE24``)."""
    yy = f"{year % 100:02d}"
    return ["annee", "Code métier BMO", "Nom métier BMO", "Famille_met", "Lbl_fam_met", "REG", "NOM_REG",
            "Dept", "NomDept", f"BE{yy}", f"NOMBE{yy}", "met", "xmet", "smet"]


def write(path: Path, frame: pd.DataFrame, year: int | None = None) -> None:
    """Write ``frame`` (the columns of the data sheet, :func:`data_header`, one row per bassin ×
    métier; ``*`` for a secret cell) as the official workbook: the dictionary sheet
    ``Description des variables`` (:data:`DICTIONARY`, from B7), then the data sheet
    ``BMO_<year>_open_data``; the container's timestamps fixed, so that the same frame gives the same
    bytes. ``year``: the survey year (by default the largest ``annee``). :func:`read` keeps the
    region's rows and the columns it reads: ``read(write(frame))`` is that tidy table."""
    year = int(frame["annee"].max()) if year is None else year
    yy = f"{year % 100:02d}"
    wb = openpyxl.Workbook()
    desc = wb.active
    desc.title = DICTIONARY_SHEET
    desc["B7"], desc["C7"] = "Variables ", "Description "
    for i, (name, text) in enumerate(DICTIONARY, start=8):
        desc.cell(row=i, column=2, value=name.format(yy=yy))
        desc.cell(row=i, column=3, value=year if name == "annee" else text)
    desc.cell(row=8 + len(DICTIONARY) + 1, column=1, value=DICTIONARY_NOTE)
    desc.cell(row=8 + len(DICTIONARY) + 2, column=1,
              value=f"https://statistiques.francetravail.org/bmo/static/methode_{year}")
    data = wb.create_sheet(f"BMO_{year}_open_data")
    data.append(list(frame.columns))
    for row in frame_rows(frame):
        data.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(fixed_container(buf.getvalue(), {"docProps/core.xml": FIXED_CORE_XML}))
