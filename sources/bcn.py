"""BCN (Base centrale des nomenclatures, MENJ): the code lists that label training codes.

Three tables are read, each from its own file, recognised by its header (never by its name):

- ``N_FORMATION_DIPLOME`` (diplomas, keyed by the CFD, ``FORMATION_DIPLOME``, 8 characters):
  **Windows-1252** in the copies seen, ``;``, LF; ``FORMATION_DIPLOME;NIVEAU_FORMATION_DIPLOME;
  GROUPE_SPECIALITE;LETTRE_SPECIALITE;ANCIEN_RECME;LIBELLE_COURT;LIBELLE_STAT_33;LIBELLE_LONG_200;
  DATE_OUVERTURE;DATE_FERMETURE;ANCIEN_DIPLOME_1..7;NOUVEAU_DIPLOME_1..7;…;NIVEAU_QUALIFICATION_RNCP``
  (52 columns). The first three characters of a CFD are its ``NIVEAU_FORMATION_DIPLOME``;
- ``N_MEF`` (modules élémentaires de formation: one line per year of a course; ``MEF_STAT_11``
  decodes the InserJeunes ``mefstat11``): UTF-8 **with BOM**, ``;``; ``MEF;DISPOSITIF_FORMATION;
  FORMATION_DIPLOME;DUREE_DISPOSITIF;ANNEE_DISPOSITIF;LIBELLE_COURT;LIBELLE_LONG;DATE_OUVERTURE;
  DATE_FERMETURE;…;MEF_STAT_11;MEF_STAT_9;…;LIBELLE_EDITION;N_COMMENTAIRE``;
- ``N_NIVEAU_FORMATION_DIPLOME`` (diploma types: ``500`` CAP, ``400`` BAC PRO, ``320`` BTS, ``56T``
  titre professionnel de niveau 5 du ministère du Travail…): UTF-8 without BOM, ``;``;
  ``NIVEAU_FORMATION_DIPLOME;NIVEAU_INTERMINISTERIEL;LIBELLE_COURT;LIBELLE_100;ANCIEN_NIVEAU;
  DATE_OUVERTURE;DATE_FERMETURE;DATE_INTERVENTION;N_COMMENTAIRE;NIVEAU_QUALIFICATION_RNCP``.

Encodings are sniffed (UTF-8 with or without BOM, else Windows-1252); dates are ``dd/mm/yyyy``.

Output (:func:`formation_labels`, the ``bcn`` table): one line per code, with ``code``,
``code_kind`` (``cfd`` for a diploma, ``mefstat11`` for a MEF statistical code, and ``niveau`` for a
diploma type: a CFD absent from N_FORMATION_DIPLOME — about a quarter of the apprentissage CFDs of
InserJeunes: titres professionnels, agricultural diplomas — can still be typed by joining
``left(cfd, 3)`` to the ``niveau`` lines), ``cfd`` (the diploma of a MEF), ``label`` (the
diploma's ``LIBELLE_LONG_200``, e.g. ``CUISINE (CAP)``; for a MEF whose diploma is unknown, the MEF
label), ``diploma_type`` (``LIBELLE_COURT`` of the niveau: ``CAP``, ``BAC PRO``, ``BTS``…),
``diploma_type_label`` (its ``LIBELLE_100``), ``rncp_level`` (Int64, 1–8, NA when none),
``level_label`` (``niveau 3 (CAP, BEP)`` …), ``nsf_group`` (``GROUPE_SPECIALITE``), ``duration``
(Int64, years of the course, MEF only), ``closed`` (date the code was closed, or NA).
A ``MEF_STAT_11`` shared by several MEF takes the most recently opened one.

National code lists: no region filter. Needed columns (``SOURCE.needs``; per table
:data:`TABLE_NEEDS`, checked on each file's header): the codes and the diploma label are required,
the other columns read (short label, NSF group, RNCP level, dates) are optional: a named warning,
and the labels go without them. A file is recognised by its key column (``MEF``, else
``FORMATION_DIPLOME``, else ``NIVEAU_FORMATION_DIPLOME``), so that a missing column is named.

Evidence (réel): ../shared/data/real/bcn-n_formation_diplome.csv, bcn-n_mef.csv and
bcn-n_niveau_formation_diplome.csv (the national tables, copies of mission-apprentissage/tjp-pilotage
``server/static/files/{nFormationDiplome_.csv, nMef.csv, nNiveauFormationDiplome_.csv}``,
PROVENANCE.md §13): their headers are :data:`FORMATION_HEADER`, :data:`MEF_HEADER` and
:data:`NIVEAU_HEADER`, which the demo writes.

:func:`write` writes the tables from the frames of their own columns: the read is lossy (three tables
merged into labels), so the round-trip test states the tidy result it expects.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .common import (Loaded, Need, Source, SourceError, check_needs, csv_header, normalise_name, read_official_csv,
                     read_text, union_needs)
from .common.writing import write_frame

TABLE_FORMATION = "N_FORMATION_DIPLOME"
TABLE_MEF = "N_MEF"
TABLE_NIVEAU = "N_NIVEAU_FORMATION_DIPLOME"
_LABELS = ("trajectories_labels",)
TABLE_NEEDS = {
    TABLE_FORMATION: (Need("FORMATION_DIPLOME", _LABELS), Need("NIVEAU_FORMATION_DIPLOME", _LABELS),
                      Need("LIBELLE_LONG_200", _LABELS), Need("LIBELLE_COURT", _LABELS, required=False),
                      Need("GROUPE_SPECIALITE", _LABELS, required=False),
                      Need("DATE_FERMETURE", _LABELS, required=False),
                      Need("NIVEAU_QUALIFICATION_RNCP", _LABELS, required=False),
                      Need("DATE_INTERVENTION", _LABELS, required=False)),
    TABLE_MEF: (Need("MEF", _LABELS), Need("FORMATION_DIPLOME", _LABELS), Need("MEF_STAT_11", _LABELS),
                Need("LIBELLE_LONG", _LABELS, required=False), Need("DUREE_DISPOSITIF", _LABELS, required=False),
                Need("DATE_OUVERTURE", _LABELS, required=False), Need("DATE_FERMETURE", _LABELS, required=False),
                Need("DATE_INTERVENTION", _LABELS, required=False)),
    TABLE_NIVEAU: (Need("NIVEAU_FORMATION_DIPLOME", _LABELS), Need("LIBELLE_COURT", _LABELS, required=False),
                   Need("LIBELLE_100", _LABELS, required=False),
                   Need("NIVEAU_QUALIFICATION_RNCP", _LABELS, required=False),
                   Need("DATE_INTERVENTION", _LABELS, required=False)),
}

# The official headers (the real tables of ../shared/data/real); the demo writes them.
FORMATION_HEADER = (
    ["FORMATION_DIPLOME", "NIVEAU_FORMATION_DIPLOME", "GROUPE_SPECIALITE", "LETTRE_SPECIALITE", "ANCIEN_RECME",
     "LIBELLE_COURT", "LIBELLE_STAT_33", "LIBELLE_LONG_200", "DATE_OUVERTURE", "DATE_FERMETURE"]
    + [f"ANCIEN_DIPLOME_{i}" for i in range(1, 8)] + [f"NOUVEAU_DIPLOME_{i}" for i in range(1, 8)]
    + ["UNITE_CAPITALISABLE", "DATE_PREMIERE_SESSION", "DATE_DERNIERE_SESSION", "DATE_ARRETE_CREATION",
       "DATE_ARRETE_ABROGATION"] + [f"DATE_ARRETE_MODIFICATION_{i}" for i in range(1, 11)]
    + ["COMMENTAIRE", "NATURE_FORMATION_DIPLOME", "GESTIONNAIRE_FORMATION_DIPLOME", "DATE_INTERVENTION",
       "NB_MEF_OUVERT", "NB_MEF_FERME", "ID_DOCUMENT", "CITE_DOMAINE_FORMATION", "DATE_SESSION_RATTRAPAGE",
       "OBSERVATION", "N_COMMENTAIRE", "CITE_DOMAINE_DETAILLE", "NIVEAU_QUALIFICATION_RNCP"]
)
MEF_HEADER = ["MEF", "DISPOSITIF_FORMATION", "FORMATION_DIPLOME", "DUREE_DISPOSITIF", "ANNEE_DISPOSITIF",
              "LIBELLE_COURT", "LIBELLE_LONG", "DATE_OUVERTURE", "DATE_FERMETURE", "STATUT_MEF",
              "NB_OPTION_OBLIGATOIRE", "NB_OPTION_FACULTATIF", "RENFORCEMENT_LANGUE", "DUREE_PROJET", "DUREE_STAGE",
              "HORAIRE", "MEF_INSCRIPTION_SCOLARITE", "MEF_STAT_11", "MEF_STAT_9", "DATE_INTERVENTION",
              "LIBELLE_EDITION", "N_COMMENTAIRE"]
NIVEAU_HEADER = ["NIVEAU_FORMATION_DIPLOME", "NIVEAU_INTERMINISTERIEL", "LIBELLE_COURT", "LIBELLE_100",
                 "ANCIEN_NIVEAU", "DATE_OUVERTURE", "DATE_FERMETURE", "DATE_INTERVENTION", "N_COMMENTAIRE",
                 "NIVEAU_QUALIFICATION_RNCP"]

SOURCE = Source(
    id="bcn",
    family="training",
    title="Base centrale des nomenclatures (BCN) : diplômes (N_FORMATION_DIPLOME), formations (N_MEF) "
          "et types de diplômes (N_NIVEAU_FORMATION_DIPLOME)",
    producer="MENJ (DEPP, DNE), Base centrale des nomenclatures",
    licence="Licence Ouverte v2.0 (Etalab)",
    # The BCN exports each table from its own page (no stable direct file link): download by hand
    # the three tables named in the notes.
    url="https://bcn.depp.education.fr/bcn/workspace/viewTable/n/N_FORMATION_DIPLOME",
    page="https://bcn.depp.education.fr/bcn/workspace/viewTable/n/N_FORMATION_DIPLOME",
    file_patterns=("*n_formation_diplome*.csv", "*N_FORMATION_DIPLOME*.csv", "*nFormationDiplome*.csv",
                   "*n_mef*.csv", "*N_MEF*.csv", "*nMef*.csv",
                   "*n_niveau_formation_diplome*.csv", "*N_NIVEAU_FORMATION_DIPLOME*.csv",
                   "*nNiveauFormationDiplome*.csv"),
    demo_file="bcn-n_formation_diplome.csv",
    download_name="bcn-n_formation_diplome.csv",
    description="Nomenclatures de l'Éducation nationale : libellés des diplômes (code CFD), des formations "
                "(codes MEF et MEFSTAT11) et des types de diplômes, avec leur niveau de qualification.",
    # Three complementary tables: required of the dataset are the columns required in
    # N_FORMATION_DIPLOME, the one table it cannot go without.
    needs=union_needs(*TABLE_NEEDS.values(), required_from=TABLE_NEEDS[TABLE_FORMATION]),
    known_columns=tuple(dict.fromkeys(FORMATION_HEADER + MEF_HEADER + NIVEAU_HEADER)),
    evidence="réel",
    evidence_where="../shared/data/real/bcn-n_formation_diplome.csv, bcn-n_mef.csv, bcn-n_niveau_formation_diplome.csv "
                   "(tables nationales, copies de mission-apprentissage/tjp-pilotage server/static/files/)",
    notes=("Trois tables à exporter depuis la BCN et à déposer ensemble : "
           "https://bcn.depp.education.fr/bcn/workspace/viewTable/n/N_FORMATION_DIPLOME, "
           "https://bcn.depp.education.fr/bcn/workspace/viewTable/n/N_MEF, "
           "https://bcn.depp.education.fr/bcn/workspace/viewTable/n/N_NIVEAU_FORMATION_DIPLOME.",),
)

FORMATION_COLUMNS = {
    "FORMATION_DIPLOME": "cfd",
    "NIVEAU_FORMATION_DIPLOME": "level_code",
    "GROUPE_SPECIALITE": "nsf_group",
    "LIBELLE_COURT": "short_label",
    "LIBELLE_LONG_200": "label",
    "DATE_FERMETURE": "closed",
    "NIVEAU_QUALIFICATION_RNCP": "rncp_code",
    "DATE_INTERVENTION": "updated",
}
MEF_COLUMNS = {
    "MEF": "mef",
    "FORMATION_DIPLOME": "cfd",
    "DUREE_DISPOSITIF": "duration",
    "LIBELLE_LONG": "mef_label",
    "DATE_OUVERTURE": "opened",
    "DATE_FERMETURE": "closed",
    "MEF_STAT_11": "mefstat11",
    "DATE_INTERVENTION": "updated",
}
NIVEAU_COLUMNS = {
    "NIVEAU_FORMATION_DIPLOME": "level_code",
    "LIBELLE_COURT": "diploma_type",
    "LIBELLE_100": "diploma_type_label",
    "NIVEAU_QUALIFICATION_RNCP": "rncp_code",
    "DATE_INTERVENTION": "updated",
}
# What recognises each table in a header (a normalised name), in this order: N_MEF also has
# FORMATION_DIPLOME, N_FORMATION_DIPLOME also has NIVEAU_FORMATION_DIPLOME.
_SIGNATURES = ((TABLE_MEF, "mef"), (TABLE_FORMATION, "formation_diplome"), (TABLE_NIVEAU, "niveau_formation_diplome"))
RNCP_LEVELS = {
    1: "niveau 1 (savoirs de base)", 2: "niveau 2 (CléA)", 3: "niveau 3 (CAP, BEP)", 4: "niveau 4 (bac)",
    5: "niveau 5 (bac + 2)", 6: "niveau 6 (bac + 3 ou 4)", 7: "niveau 7 (bac + 5)", 8: "niveau 8 (doctorat)",
}
OUTPUT_COLUMNS = ["code", "code_kind", "cfd", "label", "diploma_type", "diploma_type_label", "rncp_level",
                  "level_label", "nsf_group", "duration", "closed"]


def table_of(path: Path, header: list[str] | None = None) -> str:
    """Which BCN table a file holds, from its header (read from the file when not given)."""
    header = csv_header(path) if header is None else header
    keys = {normalise_name(h) for h in header}
    for table, key in _SIGNATURES:
        if key in keys:
            return table
    raise SourceError(path, "table BCN non reconnue (en-tête attendu : N_FORMATION_DIPLOME, N_MEF ou "
                            f"N_NIVEAU_FORMATION_DIPLOME) ; en-tête lu : {', '.join(header)[:200]}", line=1)


def _read_table(path: Path, table: str, columns: dict[str, str], warnings: list[str] | None,
                missing: list[dict] | None) -> pd.DataFrame:
    """The columns of ``columns`` that the file has (its needs checked); the others, optional,
    are empty."""
    text = read_text(path)
    header = csv_header(path, text)
    check_needs(path, header, SOURCE, [] if warnings is None else warnings, [] if missing is None else missing,
                needs=TABLE_NEEDS[table])
    keys = {normalise_name(h) for h in header}
    df = read_official_csv(path, {k: v for k, v in columns.items() if normalise_name(k) in keys}, text=text)
    for v in columns.values():
        if v not in df:
            df[v] = ""
    return df


def _dates(path: Path, df: pd.DataFrame, column: str) -> pd.Series:
    """``dd/mm/yyyy`` dates (empty = none); anything else is an error naming the line."""
    raw = df[column].astype(str).str.strip()
    parsed = pd.to_datetime(raw.where(raw != ""), format="%d/%m/%Y", errors="coerce")
    bad = parsed.isna() & (raw != "")
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"date illisible {df.at[i, column]!r} dans la colonne {column} (attendu jj/mm/aaaa)",
                          line=int(df.at[i, "_line"]))
    return parsed.dt.date.astype(object).where(parsed.notna(), None)


def _codes(path: Path, df: pd.DataFrame, column: str, pattern: str, what: str) -> None:
    bad = ~df[column].str.fullmatch(pattern)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"{what} invalide {df.at[i, column]!r}", line=int(df.at[i, "_line"]))


def _rncp(series: pd.Series) -> pd.Series:
    """``03`` → 3; ``00``, ``99``, ``XX`` and empty → NA."""
    num = pd.to_numeric(series.where(series.str.fullmatch(r"0?[1-8]")), errors="coerce")
    return num.astype("Int64")


def read_formation_diplome(path: Path, warnings: list[str] | None = None, missing: list[dict] | None = None
                           ) -> pd.DataFrame:
    df = _read_table(path, TABLE_FORMATION, FORMATION_COLUMNS, warnings, missing)
    _codes(path, df, "cfd", r"[0-9A-Z]{8}", "code formation diplôme (CFD)")
    for col in ("closed", "updated"):
        df[col] = _dates(path, df, col)
    dup = df.duplicated("cfd")
    if dup.any():
        i = dup.idxmax()
        raise SourceError(path, f"code formation diplôme en double {df.at[i, 'cfd']!r}", line=int(df.at[i, "_line"]))
    return df


def read_mef(path: Path, warnings: list[str] | None = None, missing: list[dict] | None = None) -> pd.DataFrame:
    df = _read_table(path, TABLE_MEF, MEF_COLUMNS, warnings, missing)
    _codes(path, df, "mef", r"[0-9A-Z]{10}", "code MEF")
    _codes(path, df, "mefstat11", r"[0-9A-Z]{11}", "code MEF_STAT_11")
    for col in ("opened", "closed", "updated"):
        df[col] = _dates(path, df, col)
    df["duration"] = pd.to_numeric(df.duration.where(df.duration.str.fullmatch(r"[0-9]+")), errors="coerce"
                                   ).astype("Int64")
    return df


def read_niveau(path: Path, warnings: list[str] | None = None, missing: list[dict] | None = None) -> pd.DataFrame:
    df = _read_table(path, TABLE_NIVEAU, NIVEAU_COLUMNS, warnings, missing)
    _codes(path, df, "level_code", r"[0-9A-Z]{3}", "code niveau formation diplôme")
    df["updated"] = _dates(path, df, "updated")
    return df


def formation_labels(formation_diplome: pd.DataFrame, mef: pd.DataFrame | None = None,
                     niveau: pd.DataFrame | None = None) -> pd.DataFrame:
    """Labels of every CFD (``code_kind`` ``cfd``), every MEF_STAT_11 (``mefstat11``) and every
    diploma type (``niveau``) of the three tables (frames of :func:`read_formation_diplome`,
    :func:`read_mef`, :func:`read_niveau`), columns :data:`OUTPUT_COLUMNS`."""
    niv = (niveau if niveau is not None else pd.DataFrame(columns=list(NIVEAU_COLUMNS.values())))
    niv = niv.drop_duplicates("level_code").set_index("level_code")
    fd = formation_diplome.copy()
    fd["diploma_type"] = fd.level_code.map(niv.diploma_type)
    fd["diploma_type_label"] = fd.level_code.map(niv.diploma_type_label)
    own = _rncp(fd.rncp_code)
    fd["rncp_level"] = own.fillna(_rncp(fd.level_code.map(niv.rncp_code).astype("string").fillna("")))
    fd["label"] = fd.label.where(fd.label != "", fd.short_label)
    cfd_rows = pd.DataFrame({
        "code": fd.cfd, "code_kind": "cfd", "cfd": fd.cfd, "label": fd.label,
        "diploma_type": fd.diploma_type, "diploma_type_label": fd.diploma_type_label,
        "rncp_level": fd.rncp_level, "nsf_group": fd.nsf_group,
        "duration": pd.array([pd.NA] * len(fd), dtype="Int64"), "closed": fd.closed,
    })
    frames = [cfd_rows]
    if mef is not None and len(mef):
        m = mef.copy()
        m["_opened"] = pd.to_datetime(m.opened)
        m = m.sort_values(["mefstat11", "_opened", "mef"], ascending=[True, False, True], na_position="last")
        m = m.drop_duplicates("mefstat11")
        by_cfd = cfd_rows.set_index("cfd")
        level_code = m.cfd.str[:3]
        rncp_fallback = _rncp(level_code.map(niv.rncp_code).astype("string").fillna(""))
        known = m.cfd.isin(by_cfd.index)
        frames.append(pd.DataFrame({
            "code": m.mefstat11, "code_kind": "mefstat11", "cfd": m.cfd,
            "label": m.cfd.map(by_cfd.label).where(known, m.mef_label),
            "diploma_type": m.cfd.map(by_cfd.diploma_type).where(known, level_code.map(niv.diploma_type)),
            "diploma_type_label": m.cfd.map(by_cfd.diploma_type_label).where(
                known, level_code.map(niv.diploma_type_label)),
            "rncp_level": m.cfd.map(by_cfd.rncp_level).astype("Int64").where(known, rncp_fallback),
            "nsf_group": m.cfd.map(by_cfd.nsf_group),
            "duration": m.duration, "closed": m.closed,
        }))
    if len(niv):
        frames.append(pd.DataFrame({
            "code": niv.index, "code_kind": "niveau", "cfd": None, "label": niv.diploma_type_label.values,
            "diploma_type": niv.diploma_type.values, "diploma_type_label": niv.diploma_type_label.values,
            "rncp_level": _rncp(niv.rncp_code).values, "nsf_group": None,
            "duration": pd.array([pd.NA] * len(niv), dtype="Int64"), "closed": None,
        }))
    out = pd.concat(frames, ignore_index=True)
    for col in ("code", "code_kind", "cfd", "label", "diploma_type", "diploma_type_label", "nsf_group"):
        out[col] = out[col].astype("string").replace("", pd.NA)
    out["rncp_level"] = out.rncp_level.astype("Int64")
    out["duration"] = out.duration.astype("Int64")
    out["level_label"] = out.rncp_level.map(RNCP_LEVELS, na_action="ignore").astype("string")
    out["closed"] = out.closed.astype(object).where(out.closed.notna(), None)
    return out[OUTPUT_COLUMNS].reset_index(drop=True)


def read(paths: list[Path], communes=None) -> Loaded:
    """Read the BCN tables given (each recognised by its header; N_FORMATION_DIPLOME is required,
    N_MEF and N_NIVEAU_FORMATION_DIPLOME are used when present) into :func:`formation_labels`.
    ``communes`` is not used (national code lists)."""
    tables: dict[str, tuple[Path, pd.DataFrame]] = {}
    readers = {TABLE_FORMATION: read_formation_diplome, TABLE_MEF: read_mef, TABLE_NIVEAU: read_niveau}
    warnings, missing = [], []
    for path in map(Path, paths):
        table = table_of(path)
        if table in tables:
            warnings.append(f"BCN : deux fichiers pour la table {table} ({tables[table][0].name}, {path.name}) ; "
                            f"le second est retenu")
        tables[table] = (path, readers[table](path, warnings, missing))
    if TABLE_FORMATION not in tables:
        raise SourceError(Path(paths[-1]) if paths else Path("bcn"),
                          "table N_FORMATION_DIPLOME absente (fichier bcn-n_formation_diplome.csv attendu)")
    for table in (TABLE_MEF, TABLE_NIVEAU):
        if table not in tables:
            warnings.append(f"BCN : table {table} absente ; "
                            + ("les codes MEFSTAT11 ne sont pas libellés" if table == TABLE_MEF
                               else "les types de diplômes ne sont pas libellés"))
    frame = formation_labels(tables[TABLE_FORMATION][1],
                             tables[TABLE_MEF][1] if TABLE_MEF in tables else None,
                             tables[TABLE_NIVEAU][1] if TABLE_NIVEAU in tables else None)
    # Vintage: the latest change (DATE_INTERVENTION) recorded in the tables read.
    dates = [d for _, df in tables.values() for d in df.updated if d is not None]
    vintage = f"BCN, mise à jour du {max(dates):%d/%m/%Y}" if dates else "BCN"
    return Loaded(SOURCE, frame, vintage=vintage, files=[p.name for p, _ in tables.values()], warnings=warnings,
                  missing=missing)


# ---------------------------------------------------------------------------------------------
# Writing: each table in the layout of the copies seen (``;``, LF).

# Table → the file name it is written under and its encoding (see the module docstring).
LAYOUTS = {TABLE_FORMATION: ("bcn-n_formation_diplome.csv", {"encoding": "cp1252"}),
           TABLE_MEF: ("bcn-n_mef.csv", {"bom": True}),
           TABLE_NIVEAU: ("bcn-n_niveau_formation_diplome.csv", {})}


def write(folder: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write each table of ``tables`` (table name, e.g. :data:`TABLE_FORMATION` → the frame of its
    own columns, e.g. :data:`FORMATION_HEADER`) into ``folder`` in its official layout:
    N_FORMATION_DIPLOME in Windows-1252, N_MEF in UTF-8 with BOM, N_NIVEAU_FORMATION_DIPLOME in
    UTF-8; ``;`` and LF. Returns the paths written, in the order of ``tables``."""
    paths = []
    for table, frame in tables.items():
        name, encoding = LAYOUTS[table]
        path = Path(folder) / name
        write_frame(path, frame, sep=";", **encoding)
        paths.append(path)
    return paths
