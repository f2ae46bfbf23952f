"""Indicateurs de tension par métier (Dares, France Travail): the tension of each métier (FAP) by
département, région and France, in five classes, with the six complementary indicators that
explain it.

Format read here (``SOURCE.evidence`` "code"): the Dares workbook
``dares_donnees_tensions_<AAAA>[_corrige].xlsx`` (or ``Dares_données_tensions_<AAAA>_.xlsx``), one
sheet per FAP level × geography: ``FAP 225 x Dep``, ``FAP 225 x Reg``, ``FAP 225 x Nat`` and the
same for ``FAP 87`` (sheets found by the pattern ``FAP <n> x Dep|Reg|Nat``, other sheets
ignored). Header on row 1, columns matched by name (accents, case, spaces and ``œ``/``oe``
ignored): ``Code FAP <n>`` (and ``Libellé FAP <n>``), ``Code département`` or ``Code région`` (or
``reg``) on the local sheets, ``Année``, ``Emploi moyen``, the tension ``Tension`` (national
sheet, published ``Tension `` with a trailing space) or ``Tension (Valeurs imputées: volumétrie
insuffisantes)`` (local sheets), its class ``Tension - discret`` (1 to 5, the quintiles of the
reference years: 1 très faible … 5 très forte), and for each complementary indicator its value and
its ``… - discret`` class: ``Intensité d'embauches``, ``Manque de main-d'œuvre disponible``,
``Non-durabilité de l'emploi``, ``Conditions de travail contraignantes``, ``Inadéquation
géographique``, ``Lien formation-emploi`` (``-discret`` and `` -discret`` accepted too). ``n.d.``
and empty cells are missing values. Years 2011 to the edition's year, one row per year: only the
latest ``Année`` of the file is kept (the vintage).

Evidence: no public copy of the workbook and no direct download URL were found (searches of public
code and pages, December 2026); its licence is not confirmed. The layout is that read by the Dares'
own code, ``StatDares/PortraitStatMetiers`` (commit 3d7e055, ``scripts/tensions2screenjob.py``
lines 18–69: the file name, the sheets selected by ``"225"``/``"87"`` and split on ``" x "``, the
column names above, the imputed-values header of the local sheets, ``n.d.`` replaced by missing,
``Année``), whose derived real table ``inputs/tensions/tensions.csv`` (31,034 rows: France, 17
régions, 100 départements, FAP 225 and 87, classes 1–5, the local classes missing where the
national sheet has them) confirms the values; and the 2022 edition read by
``gabriel92320/Applied-labor-economics-Project-ENSAE-`` (commit e7a104c,
``macro_strat_normalize_precis.R``: ``Dares_données_tensions_2022_.xlsx``, sheet 4 = FAP 87 ×
région, ``Code FAP 87``, ``Libellé FAP 87``, ``Code région``, ``Tension``, ``Tension - discret``).

Nomenclature: the 2019 and 2022 editions are in FAP-2009 (225 and 87 posts; codes such as
``A0Z40``, third character mostly ``Z``), while the BMO survey codes its métiers in FAP-2021
(``A0X40``, third character mostly ``X``). The editions since 2023 are in FAP-2021 and add a
seventh indicator (non-attractivité salariale); their layout was not found: it is assumed to keep
the sheet and column names above with the FAP-2021 levels (``FAP 228 x Dep``, ``FAP 86 x Reg``…).
The seventh indicator is not read. A sheet without one of the required columns (``Code FAP <n>``,
``Année``, ``Tension - discret``, its geography's code) is an error naming the file, the sheet and
the column; without a complementary class column the explanation of the tension goes without it (a
named warning). The nomenclature is told by the codes (``nomenclature`` column); a FAP-2009 file
gives a warning: its métiers cannot be matched with the BMO's.

National file: the rows of the requested région, of its départements (those of ``communes``) and
of France are kept; the others are skipped before any check. Output: one row per geography × FAP
code × indicator with a value or a class (:data:`OUTPUT`).

:func:`write` writes the workbook from one frame per sheet (its official columns): the read is
lossy (the region's rows, the latest year, tidy), so the round-trip test states the rows it expects.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd

from .common import (FIXED_CORE_XML, Loaded, Need, OneOf, Source, SourceError, cell_number, cell_text, check_needs,
                     fixed_container, normalise_name, open_workbook, region_departements)
from .common.writing import frame_rows

PAGE = "https://dares.travail-emploi.gouv.fr/publications/les-tensions-sur-le-marche-du-travail-en-2019"
# The complementary indicators: id → official name (the class column adds " - discret").
FACTORS = {
    "intensite_embauches": "Intensité d'embauches",
    "manque_main_oeuvre": "Manque de main-d'œuvre disponible",
    "non_durabilite": "Non-durabilité de l'emploi",
    "conditions_travail": "Conditions de travail contraignantes",
    "inadequation_geo": "Inadéquation géographique",
    "lien_formation_emploi": "Lien formation-emploi",
}
TENSION_IMPUTED = "Tension (Valeurs imputées: volumétrie insuffisantes)"
FEEDS = ("metiers_tension",)
FACTOR_FEEDS = ("metiers_tension_factors",)

SOURCE = Source(
    id="tension",
    family="employment",
    title="Indicateurs de tension par métier (FAP), par département et région",
    producer="Dares et France Travail",
    licence="non confirmée (fichier déposé par l'analyste)",
    # No direct download link is known: the analyst drops the workbook in the inputs folder. The
    # page is the one the Dares' own code names as the data's source (see the docstring).
    url=PAGE,
    page=PAGE,
    file_patterns=("[Dd]ares_donn*es_tensions*.xlsx",),
    demo_file="dares_donnees_tensions_2023.xlsx",
    download_name="dares_donnees_tensions.xlsx",
    description="Tension sur le marché du travail par métier (famille professionnelle), en cinq classes, et "
                "les indicateurs complémentaires qui l'expliquent (intensité d'embauches, manque de main-d'œuvre "
                "disponible, conditions de travail, non-durabilité de l'emploi, inadéquation géographique, lien "
                "formation-emploi).",
    notes=("Aucune copie publique ni lien de téléchargement direct du classeur n'ont été trouvés : le fichier est "
           "déposé dans le dossier des données par l'analyste.",
           "Classes de 1 (très faible) à 5 (très forte) : quintiles de l'indicateur sur les années de référence "
           "(Dares).",
           "Les éditions 2019 et 2022 sont en FAP-2009 : elles ne peuvent pas être rapprochées des métiers de "
           "l'enquête BMO (FAP-2021)."),
    needs=(
        OneOf("Code FAP <n>", FEEDS, regex=r"code fap \d{2,3}"),
        Need("Année", FEEDS),
        Need("Tension - discret", FEEDS),
        OneOf("Tension", FEEDS, required=False, names=("Tension", TENSION_IMPUTED)),
        *(Need(f"{name} - discret", FACTOR_FEEDS, required=False) for name in FACTORS.values()),
        OneOf("Libellé FAP <n>", FEEDS, required=False, regex=r"libelle fap \d{2,3}"),
    ),
    # The geography's code is required of each local sheet (checked sheet by sheet), not of the file.
    known_columns=("Code département", "Code région", "reg", "Emploi moyen", "Libellé département", "Libellé région",
                   *FACTORS.values()),
    evidence="code",
    evidence_where="StatDares/PortraitStatMetiers (commit 3d7e055) scripts/tensions2screenjob.py lignes 18-69 et "
                   "inputs/tensions/tensions.csv ; gabriel92320/Applied-labor-economics-Project-ENSAE- (commit "
                   "e7a104c) macro_strat_normalize_precis.R",
)

SHEET = re.compile(r"^FAP\s*(\d{2,3})\s*x\s*(dep|reg|nat)[a-z]*\.?$", re.IGNORECASE)
GEO_COLUMN = {"dep": "Code département", "reg": "Code région"}
GEO_NAMES = {"dep": {"code departement", "dep"}, "reg": {"code region", "reg"}}
MISSING = ("", "n.d.", "n.d", "nd", "*")
OUTPUT = ["geo_level", "geo_code", "fap_level", "fap_code", "fap_name", "nomenclature", "year", "indicator", "value",
          "quintile"]
CLASS_LABELS = {1: "très faible", 2: "faible", 3: "moyenne", 4: "forte", 5: "très forte"}
_YEAR = re.compile(r"(20\d{2})")
_DISCRET = re.compile(r"\s*-\s*discret$")
_CODE = {3: re.compile(r"[A-Z][0-9A-Z]{2}"), 5: re.compile(r"[A-Z][0-9A-Z]{2}[0-9]{2}")}


# ---------------------------------------------------------------------------------------------
# Reading

def _key(name: str) -> str:
    return normalise_name(name).replace("œ", "oe")


_INDICATOR_KEYS = {_key(v): k for k, v in {"tension": "Tension", **FACTORS}.items()}


def _canonical(name: str) -> tuple[str, str] | None:
    """A header cell → (what it holds, its official name): ``("fap", …)``, ``("value:<id>", …)``,
    ``("class:<id>", …)``…; None for a column not read."""
    k = _key(name)
    if re.fullmatch(r"code fap \d{2,3}", k):
        return "fap", name.strip()
    if re.fullmatch(r"libelle fap \d{2,3}", k):
        return "fap_name", name.strip()
    if k == "annee":
        return "year", "Année"
    for level, names in GEO_NAMES.items():
        if k in names:
            return f"geo:{level}", GEO_COLUMN[level]
    if k.startswith("tension (") and "discret" not in k:
        return "value:tension", TENSION_IMPUTED
    base = _DISCRET.sub("", k)
    if base in _INDICATOR_KEYS:
        ind = _INDICATOR_KEYS[base]
        official = "Tension" if ind == "tension" else FACTORS[ind]
        return (f"class:{ind}", f"{official} - discret") if base != k else (f"value:{ind}", official)
    return None


def _open(path: Path):
    return open_workbook(path)


def data_sheets(path: Path, wb) -> list[tuple[str, int, str]]:
    """The data sheets of the workbook: (sheet name, FAP level, geography ``dep|reg|nat``)."""
    found = []
    for s in wb.sheetnames:
        m = SHEET.fullmatch(s.strip())
        if m:
            found.append((s, int(m.group(1)), m.group(2).lower()))
    if not found:
        raise SourceError(path, f"aucune feuille « FAP <n> x Dep|Reg|Nat » (feuilles : {', '.join(wb.sheetnames)})")
    return found


def header(path: Path) -> list[str]:
    """The column names of all the data sheets, each once (what the check of a folder compares
    with the declared columns)."""
    wb, _ = _open(path)
    out: list[str] = []
    try:
        for sheet, _, _ in data_sheets(path, wb):
            first = next(wb[sheet].iter_rows(values_only=True, max_row=1), ())
            out += [cell_text(c) for c in first if cell_text(c) and cell_text(c) not in out]
    finally:
        wb.close()
    return out


def _columns(path: Path, sheet: str, level: int, geo: str, names: list[str]) -> dict[str, int]:
    """What each column of a sheet holds → its position (the code and label of the sheet's own FAP
    level first: a sheet may also carry its parent's code); a required one absent is an error
    naming the file, the sheet and the column."""
    col: dict[str, int] = {}
    own = [i for i, n in enumerate(names) if _key(n) in (f"code fap {level}", f"libelle fap {level}")]
    for i in [*own, *range(len(names))]:
        c = _canonical(names[i]) if names[i] else None
        if c and c[0] not in col:
            col[c[0]] = i
    required = {"fap": "Code FAP <n>", "year": "Année", "class:tension": "Tension - discret"}
    if geo != "nat":
        required[f"geo:{geo}"] = GEO_COLUMN[geo]
    absent = [official for what, official in required.items() if what not in col]
    if absent:
        raise SourceError(path, f"feuille {sheet} : colonne(s) nécessaire(s) absente(s) : {', '.join(absent)} "
                                f"(en-tête lu : {', '.join(n for n in names[:20] if n)})", line=1)
    return col


def _geo_code(value: object, geo: str) -> str:
    text = cell_text(value).upper()
    return text.zfill(2) if text.isdigit() else text


def _number(path: Path, sheet: str, value: object, column: str, line: int) -> float | None:
    try:
        number = cell_number(value, MISSING)
    except ValueError:
        raise SourceError(path, f"feuille {sheet} : valeur non numérique {value!r} dans la colonne {column}",
                          line=line) from None
    return None if number is None or number != number else number


def _quintile(path: Path, sheet: str, value: object, column: str, line: int) -> int | None:
    number = _number(path, sheet, value, column, line)
    if number is None:
        return None
    if number not in (1, 2, 3, 4, 5):
        raise SourceError(path, f"feuille {sheet} : classe {value!r} hors de 1 à 5 dans la colonne {column}", line=line)
    return int(number)


def _sheet_rows(path: Path, wb, sheet: str, level: int, geo: str, keep: set[str] | None,
                headers: list[str]) -> list[tuple]:
    """The tidy rows of one sheet (``keep``: the geographic codes kept; None: all)."""
    rows = wb[sheet].iter_rows(values_only=True)
    names = [cell_text(h) for h in (next(rows, None) or ())]
    headers += [n for n in names if n]
    col = _columns(path, sheet, level, geo, names)
    official = {what: names[i] for what, i in col.items()}
    indicators = [k for k in ("tension", *FACTORS) if f"value:{k}" in col or f"class:{k}" in col]
    out = []
    for line, row in enumerate(rows, start=2):
        if row is None or all(v is None or cell_text(v) == "" for v in row):
            continue
        row = tuple(row) + (None,) * (len(names) - len(row))
        code = "FR" if geo == "nat" else _geo_code(row[col[f"geo:{geo}"]], geo)
        if keep is not None and geo != "nat" and code not in keep:
            continue
        fap = cell_text(row[col["fap"]]).upper()
        if len(fap) not in _CODE or not _CODE[len(fap)].fullmatch(fap):
            raise SourceError(path, f"feuille {sheet} : code FAP invalide {fap!r} dans la colonne {official['fap']}",
                              line=line)
        year = cell_text(row[col["year"]])
        if not re.fullmatch(r"\d{4}", year):
            raise SourceError(path, f"feuille {sheet} : année illisible {row[col['year']]!r} dans la colonne Année",
                              line=line)
        name = cell_text(row[col["fap_name"]]) or None if "fap_name" in col else None
        for ind in indicators:
            value = (_number(path, sheet, row[col[f"value:{ind}"]], official[f"value:{ind}"], line)
                     if f"value:{ind}" in col else None)
            quintile = (_quintile(path, sheet, row[col[f"class:{ind}"]], official[f"class:{ind}"], line)
                        if f"class:{ind}" in col else None)
            if value is not None or quintile is not None:
                out.append((sheet, line, geo, code, level, fap, name, int(year), ind, value, quintile))
    return out


def nomenclature(codes: pd.Series, levels: set[int]) -> str:
    """FAP-2009 or FAP-2021, told by the codes (third character ``Z`` in FAP-2009, ``X`` in
    FAP-2021), else by the sheets' levels (225/87: FAP-2009; 228/86: FAP-2021)."""
    third = codes.str[2]
    z, x = int((third == "Z").sum()), int((third == "X").sum())
    if z != x:
        return "FAP-2009" if z > x else "FAP-2021"
    return "FAP-2009" if levels & {225, 87} else "FAP-2021"


def _file_year(path: Path) -> int:
    m = _YEAR.search(path.name)
    return int(m.group(1)) if m else 0


def read(paths: list[Path], communes: object = None, region: str = "52") -> Loaded:
    """Read the most recent workbook among ``paths`` (year in the file name), keeping the rows of
    ``region``, of its départements (those of the ``communes`` codes; all when None) and of France,
    for the latest ``Année`` of the file."""
    paths = [Path(p) for p in paths]
    path = max(paths, key=lambda p: (_file_year(p), p.name))
    region = region.zfill(2)
    keep_dep = region_departements(communes) if communes is not None else None
    warnings: list[str] = []
    missing: list[dict] = []
    wb, _ = _open(path)
    records: list[tuple] = []
    headers: list[str] = []
    try:
        sheets = data_sheets(path, wb)
        for sheet, level, geo in sheets:
            keep = {region} if geo == "reg" else keep_dep
            records += _sheet_rows(path, wb, sheet, level, geo, keep, headers)
    finally:
        wb.close()
    canonical = [c[1] for c in map(_canonical, headers) if c]
    check_needs(path, canonical, SOURCE, warnings, missing, needs=[n for n in SOURCE.needs if not n.required])
    df = pd.DataFrame.from_records(records, columns=["_sheet", "_line", *OUTPUT[:4], "fap_name", "year", "indicator",
                                                     "value", "quintile"])
    if df.empty:
        raise SourceError(path, f"aucune ligne de tension pour la région {region}, ses départements ou la France")
    latest = int(df.year.max())
    df = df[df.year == latest].reset_index(drop=True)
    df["nomenclature"] = nomenclature(df.fap_code, {lvl for _, lvl, _ in sheets})
    if df.nomenclature.iat[0] == "FAP-2009":
        warnings.append(f"{path.name} : indicateurs de tension en FAP-2009 ; les métiers de l'enquête BMO sont en "
                        "FAP-2021 : ils ne peuvent pas être rapprochés, la tension des métiers n'est pas présentée")
    df = _deduplicated(path, df, warnings)
    df["value"] = pd.array(df.value.tolist(), dtype="Float64")
    df["quintile"] = pd.array(df.quintile.tolist(), dtype="Int64")
    df["fap_level"] = df.fap_level.astype("int64")
    df["year"] = df.year.astype("int64")
    out = df[OUTPUT].sort_values(["geo_level", "geo_code", "fap_level", "fap_code", "indicator"], ignore_index=True)
    for name in ("geo_level", "geo_code", "fap_code", "fap_name", "nomenclature", "indicator"):
        out[name] = out[name].astype(object)
    others = [p.name for p in paths if p != path]
    if others:
        warnings.append(f"tensions : un seul fichier est lu ({path.name}) ; fichiers ignorés : {', '.join(others)}")
    return Loaded(SOURCE, out, vintage=f"{latest}, {out.nomenclature.iat[0]}", files=[path.name],
                  warnings=warnings, missing=missing)


def _deduplicated(path: Path, df: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Rule: one row per geography × FAP code × indicator; exact copies are dropped (reported),
    differing ones are errors naming the sheet and the line."""
    key = ["geo_level", "geo_code", "fap_code", "indicator"]
    dup = df.duplicated([*key, "value", "quintile"])
    if dup.any():
        warnings.append(f"{path.name} : {int(df[dup]._line.nunique())} lignes en double ignorées")
        df = df[~dup].reset_index(drop=True)
    twice = df.duplicated(key)
    if twice.any():
        i = twice.idxmax()
        raise SourceError(path, f"feuille {df.at[i, '_sheet']} : deux lignes différentes pour le métier "
                                f"{df.at[i, 'fap_code']} et la zone {df.at[i, 'geo_code']}", line=int(df.at[i, "_line"]))
    return df


# ---------------------------------------------------------------------------------------------
# Writing: the official workbook

def sheet_header(level: int, geo: str) -> list[str]:
    """The columns of a data sheet as the 2019 workbook names them (their order is assumed: the
    public code reads them by name, apart from the code FAP second and the geography fourth)."""
    first = ["Année", f"Code FAP {level}", f"Libellé FAP {level}"]
    if geo == "nat":
        first += ["Emploi moyen", "Tension "]
    else:
        label = "Libellé département" if geo == "dep" else "Libellé région"
        first += [GEO_COLUMN[geo], label, "Emploi moyen", TENSION_IMPUTED]
    factors = [c for name in FACTORS.values() for c in (name, f"{name} - discret")]
    return [*first, "Tension - discret", *factors]


def write(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Write the workbook: one sheet per entry of ``sheets`` (name such as ``FAP 228 x Dep`` →
    frame of its official columns, :func:`sheet_header`; ``n.d.`` for a missing cell), the
    container's timestamps fixed so that the same frames give the same bytes. :func:`read` keeps the
    region's rows of the latest year, tidy: ``read(write(sheets))`` is that table."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        for row in frame_rows(frame):
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(fixed_container(buf.getvalue(), {"docProps/core.xml": FIXED_CORE_XML}))
