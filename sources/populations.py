"""INSEE populations légales by commune (population municipale and population totale).

Format read here: ``donnees_communes.csv`` of the official ``ensemble.zip`` (the zip itself is read
too: its member ``donnees_communes.csv``; the other members — arrondissements, cantons, communes
déléguées… — are not): ``;`` separator, UTF-8, CRLF, header
``REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT`` matched by name. ``COM`` is the
commune code; ``PMUN`` the population municipale (the population légale used everywhere),
``PCAP`` the population comptée à part, ``PTOT = PMUN + PCAP`` (checked). ``CODCAN`` is ``NA``
for communes split between several cantons (Nantes…): it is not read.

Millésime: the 4-digit year in the file name (``…populations-legales-2022-communes…``), else
the INSEE page id in the name, else — for the official names without a year (``ensemble.zip``,
``donnees_communes.csv``) — the edition that :data:`SOURCE` downloads, from the table
:data:`MILLESIMES` of known page ids (8290591 → 2022). The ``year`` parameter overrides all of
these (a disagreement with the file name is reported). The populations légales of millésime N are
in force from 1 January N+3.

National file (about 35,000 communes, all régions). The région's rows are kept first — those
whose ``REG`` is the région (when ``region`` is given), and whose département
(``departement_of``: ``2A``, ``971``…) is one of the région's communes' or whose code is a known
former code — and only they are checked (codes, numbers, duplicates, ``PTOT``): a row of another
région (Deux-Sèvres 79xxx, Corsica, overseas) never stops the build. A malformed code of the
région's rows is an error naming it. A file with rows but none of the région raises
:class:`sources.common.NoRegionalRows` (several files: that one is left out with a warning; all of
them: the dataset is left out of the refresh and the population légale says why). Codes of former
communes are brought to their current commune and their populations ADDED. A code of the région
unknown to the mapping is an error naming it. Several files: one per millésime (a second file of
the same millésime is reported and ignored).

The communes déléguées file of the same archive (real extract
``insee-populations-legales-2022-communes-deleguees_pdl.csv``: ``DEPP;CODCOMP;COMP;Commune pôle;
DEP;CODCOM;COM;Commune;PMUN;PCAP;PTOT``) is not read, by design: the population of a commune
nouvelle in ``donnees_communes.csv`` already includes that of its communes déléguées (reading both
would count them twice), and the former codes are brought to their commune by the COG tables. Its
name does not match :data:`SOURCE`'s patterns, so a folder holding it builds as without it; given
to the loader anyway, it is refused (no ``REG`` column).

Needed columns (``SOURCE.needs``): ``REG``, ``DEP``, ``COM``, ``PMUN``, ``PCAP``, ``PTOT``, all
required (an error naming the file and the column); ``Région``, ``CODARR``, ``CODCAN``,
``CODCOM`` and ``Commune`` are known and not read.

Evidence: the real ``insee-populations-legales-2022-communes_pdl.csv`` (and the communes
déléguées file) of ../shared/data/real, untouched files of the official ``ensemble.zip``
(PROVENANCE.md 2.2, 2.3).

:func:`write` writes the official file from the frame of its own columns (:data:`HEADER`): the read
is lossy (rows summed by current commune, names and arrondissements dropped), so the round-trip
test states the tidy result it expects.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .common import (check_commune_codes, check_needs, csv_header, in_region, Loaded, Need, NoRegionalRows,
                     read_official_csv, Source, SourceError, to_number, source_text)
from .common.writing import write_frame

SOURCE = Source(
    id="populations",
    family="employment",
    title="Populations légales des communes",
    producer="Insee",
    licence="Licence Ouverte v2.0 (Etalab) — Source : Insee",
    url="https://www.insee.fr/fr/statistiques/fichier/8290591/ensemble.zip",
    page="https://www.insee.fr/fr/statistiques/8290591",
    # Not "donnees_communes*.csv" nor "*populations-legales*communes*.csv": those would also match
    # the communes déléguées file of the same archive (…-communes-deleguees….csv).
    file_patterns=("donnees_communes.csv", "donnees_communes_[0-9]*.csv", "ensemble*.zip",
                   "*populations-legales*communes.csv", "*populations-legales*communes_*.csv"),
    demo_file="donnees_communes.csv",
    download_name="ensemble.zip",
    description="Population municipale et population totale de chaque commune, au sens des populations "
                "légales (millésime N, en vigueur au 1er janvier N+3).",
    needs=(Need("REG", ("population_legal",)), Need("DEP", ("population_legal",)),
           Need("COM", ("population_legal",)), Need("PMUN", ("population_legal",)),
           Need("PCAP", ("population_legal",)), Need("PTOT", ("population_legal",))),   # PTOT = PMUN + PCAP, checked
    known_columns=("Région", "CODARR", "CODCAN", "CODCOM", "Commune"),
    evidence="réel",
    evidence_where="../shared/data/real/insee-populations-legales-2022-communes_pdl.csv (donnees_communes.csv "
                   "de ensemble.zip, non modifié)",
)

# INSEE page / file id of an edition of ensemble.zip → millésime of its populations légales.
MILLESIMES = {"8290591": 2022}
COLUMNS = {"REG": "region", "DEP": "dep", "COM": "commune_code", "PMUN": "population",
           "PCAP": "population_apart", "PTOT": "population_total"}
HEADER = ["REG", "Région", "DEP", "CODARR", "CODCAN", "CODCOM", "COM", "Commune", "PMUN", "PCAP", "PTOT"]
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_PAGE_ID = re.compile(r"(?<!\d)(\d{7})(?!\d)")


def millesime(path: Path, year: int | None = None) -> tuple[int, str | None]:
    """Millésime of a file (see the module docstring) and a warning when ``year`` contradicts the
    file name."""
    name = Path(path).name
    m = _YEAR.search(name)
    from_name = int(m.group(1)) if m else None
    if from_name is None:
        page = _PAGE_ID.search(name)
        if page and page.group(1) in MILLESIMES:
            from_name = MILLESIMES[page.group(1)]
    if year is not None:
        warning = (f"{name} : millésime {year} imposé, alors que le nom du fichier indique {from_name}"
                   if from_name is not None and from_name != int(year) else None)
        return int(year), warning
    if from_name is not None:
        return from_name, None
    official = _PAGE_ID.search(SOURCE.url)
    if official and official.group(1) in MILLESIMES:
        return MILLESIMES[official.group(1)], None
    raise SourceError(path, "millésime introuvable (ni dans le nom du fichier, ni dans la table des éditions "
                            "connues) : précisez-le avec le paramètre year")


def _frame(path: Path, text: str) -> pd.DataFrame:
    """The official columns of ``text`` (headers matched by name), every cell as a string."""
    return read_official_csv(path, COLUMNS, text=text)


def _read_one(path: Path, communes, region: str | None) -> tuple[pd.DataFrame, list[str], list[dict]]:
    """One file: its région's rows, checked (see the module docstring); the warnings and the
    needed columns missing (none can be: all are required)."""
    text, _ = source_text(path, ("donnees_communes.csv",))
    df = _frame(path, text)
    warnings, missing = [], []
    check_needs(path, csv_header(path, text), SOURCE, warnings, missing)
    if region is not None:
        df = df[df.region == str(region)]
    if communes is not None:
        malformed = ~df.commune_code.str.fullmatch(r"[0-9][0-9AB][0-9]{3}")     # reported below, not dropped
        df = df[in_region(df.commune_code, communes) | malformed]
    df = df.reset_index(drop=True)
    if df.empty:
        where = f"de la région {region}" if region is not None else "de la région"
        raise NoRegionalRows(path, f"aucune commune {where} dans ce fichier")
    dup = df.commune_code.duplicated()
    if dup.any():
        i = dup.idxmax()
        raise SourceError(path, f"code commune en double {df.at[i, 'commune_code']!r}", line=int(df.at[i, "_line"]))
    for col in ("population", "population_apart", "population_total"):
        df[col] = to_number(path, df, col, integer=True, minimum=0)
    if df[["population", "population_apart", "population_total"]].isna().any().any():
        i = df[["population", "population_apart", "population_total"]].isna().any(axis=1).idxmax()
        raise SourceError(path, "population manquante", line=int(df.at[i, "_line"]))
    incoherent = df.population_total != df.population + df.population_apart
    if incoherent.any():
        i = incoherent.idxmax()
        raise SourceError(path, f"PTOT ({df.at[i, 'population_total']}) différente de PMUN + PCAP "
                                f"({df.at[i, 'population']} + {df.at[i, 'population_apart']})",
                          line=int(df.at[i, "_line"]))
    former = check_commune_codes(path, df, "commune_code", communes)
    if former:
        warnings.append(f"{path.name} : anciens codes communes rapportés à leur commune actuelle et additionnés : "
                        f"{', '.join(former)}")
    out = df.groupby("commune_code", as_index=False, sort=True)[["population", "population_total"]].sum()
    return out, warnings, missing


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None, year: int | None = None,
         region: str | None = None) -> Loaded:
    """Read the populations légales. ``communes``: accepted commune codes (a mapping brings former
    codes to current ones, see :func:`sources.common.check_commune_codes`) — rows of other
    départements are dropped; ``year``: millésime, when the file name does not give it;
    ``region``: keep only ``REG == region``."""
    frames, warnings, names, seen, missing, outside = [], [], [], {}, [], []
    for path in paths:
        path = Path(path)
        names.append(path.name)
        y, warning = millesime(path, year)
        if warning:
            warnings.append(warning)
        if y in seen:
            warnings.append(f"{path.name} : millésime {y} déjà lu dans {seen[y]} ; fichier ignoré")
            continue
        try:
            df, more, absent = _read_one(path, communes, region)
        except NoRegionalRows as exc:
            outside.append(exc)
            continue
        seen[y] = path.name
        warnings.extend(more)
        missing.extend(absent)
        df["year"] = y
        frames.append(df)
    if not frames:
        if outside:
            raise outside[-1]
        raise SourceError(Path("populations"), "aucun fichier de populations légales")
    warnings.extend(f"{exc} ; fichier ignoré" for exc in outside)
    out = pd.concat(frames, ignore_index=True).sort_values(["year", "commune_code"], ignore_index=True)
    out["population"] = out.population.astype("Int64")
    out["population_total"] = out.population_total.astype("Int64")
    out["year"] = out.year.astype("int64")
    latest = int(out.year.max())
    return Loaded(SOURCE, out[["commune_code", "population", "population_total", "year"]],
                  vintage=f"populations légales {latest} (en vigueur au 1er janvier {latest + 3})",
                  files=names, warnings=warnings, missing=missing)


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of ``donnees_communes.csv``, :data:`HEADER`) in its official
    layout: ``;``, UTF-8, CRLF. :func:`read` sums the rows by current commune and keeps the
    populations: ``read(write(frame))`` is that tidy table."""
    write_frame(path, frame, sep=";", crlf=True)
