"""ONISEP, Idéo – Actions de formation initiale, univers lycée: the school-status training offer,
one row per *action de formation* (a formation given in one establishment).

National CSV, ``ideo-actions_de_formation_initiale-univers_lycee.csv`` (data.gouv.fr), also
published by the ONISEP open-data platform as ``605340ddc19a9.csv`` (dataset id ``605340ddc19a9``,
download URL pattern ``https://api.opendata.onisep.fr/downloads/<id>/<id>.csv``).

Evidence: code (no real copy of this file was available to this project; FORMATS.md 2.2 "Known
columns"):

- header names: ggasnier/education-annuaire
  ``shell/src/main/java/com/guillaumegasnier/education/shell/datasets/formations/OnisepFormationDataset.java``
  binds the columns by name (opencsv ``@CsvBindByName``) and lists the 31 of :data:`HEADER` in this
  order: ``Formation (FOR) libellé``, ``FOR URL et ID Onisep``, ``FOR indexation domaine web
  Onisep``, ``FOR type``, ``FOR nature du certificat``, ``FOR URL référentiel``, ``FOR niveau de
  sortie``, ``Lieu d'enseignement (ENS) libellé``, ``ENS URL et ID Onisep``, ``ENS code UAI``,
  ``ENS statut``, ``ENS adresse``, ``ENS code postal``, ``ENS commune``, ``Action de Formation (AF)
  identifiant Onisep``, ``ENS département``, ``ENS académie``, ``ENS région``, ``ENS latitude``,
  ``ENS longitude``, ``ENS n° téléphone``, ``ENS site web``, ``ENS hébergement``, ``ENS
  accessibilité``, ``AF durée cycle standard``, ``AF modalités scolarité``, ``AF éléments
  d'enseignement``, ``AF coût scolarité``, ``AF modalités accueil``, ``AF page web``, ``AF date de
  modification``. Headers are matched by name anyway: another order reads the same;
- UTF-8 with BOM and ``;``: ntec19/CAFORCYS ``build.py`` (``encoding='utf-8-sig'``,
  ``delimiter=';'`` on the downloaded ``605340ddc19a9.csv``), and other public scripts reading it
  with ``csv.DictReader``; ``ENS code UAI`` may be empty there (a place of teaching without UAI);
- AF identifiers of the form ``AF.5992``; ``FOR URL et ID Onisep`` holds the same ``…/FOR.<n>``
  URL as the formations referential (``sources.onisep``), which public R code joins on
  (``by = c("FOR URL et ID Onisep" = "URL et ID Onisep")``); ``ENS statut`` values ``public``,
  ``privé sous contrat``; ``AF date de modification`` as ``JJ/MM/AAAA``.

Not checked: the exact spelling of ``FOR niveau de sortie`` values (kept as text, never used for
the level: the level comes from the formations referential); whether text fields are quoted;
the licence (declared as the other Idéo files, Licence Ouverte; a third-party note reports ODbL for
the *enseignement supérieur* universe file — to confirm on the dataset page before republishing
rows). Since September 2022 the file no longer lists apprenticeship (FORMATS.md): the routes of
the portraits take apprenticeship from the Carif-Oref offer.

Rules:
- required columns (``SOURCE.needs``): ``ENS code UAI``, ``FOR URL et ID Onisep``, ``Action de
  Formation (AF) identifiant Onisep``; the others named above are read when present (not shown:
  the establishments come from the annuaire de l'éducation, levels and domains from the
  referential of formations).
- ``action_id``: ``AF.<n>`` found in the AF cell (an identifier or a URL ending with it);
  ``onisep_id``: ``FOR.<n>`` at the end of the formation URL. Either missing: an error naming the
  line.
- ``uai``: 7 digits and a letter; a malformed code is an error naming the line; an empty cell
  (a place of teaching without UAI) is dropped and counted in a warning.
- National file: the region's rows are kept first (``region``: INSEE code, else the départements
  of ``communes``; every row when both are None), then checked. A row is of the region when its
  UAI (7 digits and a letter) is of one of the region's départements (the 3 first characters of a
  UAI are the département: ``044`` = Loire-Atlantique, ``620``/``720`` = Corse, ``97x`` overseas);
  a row without a well-formed UAI, by its ``ENS code postal`` (its département) or its ``ENS
  région`` (the region's name). A malformed UAI of another region never stops the build; one in
  the region does. A file without a row of the region leaves the dataset out (``NoRegionalRows``).
- A UAI absent from the annuaire de l'éducation is reported by code (:func:`unknown_uai`, called
  when the warehouse is built with both files); its actions stay in the table but are placed in
  no territory.
- Duplicate AF identifiers: the first row is kept, the others reported.
- Vintage: the latest ``AF date de modification``, else the year in the file name.

:func:`write` writes the file from the frame of its own columns (:data:`HEADER`): the read is lossy
(the region's rows, identifiers derived), so the round-trip test states the tidy result it expects.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .common import (Loaded, Need, NoRegionalRows, Source, SourceError, check_needs, normalise_name, read_official_csv,
                     read_text, region_key, sniff_separator)
from .common.writing import frame_rows
from .datafrance import region_scope

HEADER = ["Formation (FOR) libellé", "FOR URL et ID Onisep", "FOR indexation domaine web Onisep", "FOR type",
          "FOR nature du certificat", "FOR URL référentiel", "FOR niveau de sortie",
          "Lieu d'enseignement (ENS) libellé", "ENS URL et ID Onisep", "ENS code UAI", "ENS statut", "ENS adresse",
          "ENS code postal", "ENS commune", "Action de Formation (AF) identifiant Onisep", "ENS département",
          "ENS académie", "ENS région", "ENS latitude", "ENS longitude", "ENS n° téléphone", "ENS site web",
          "ENS hébergement", "ENS accessibilité", "AF durée cycle standard", "AF modalités scolarité",
          "AF éléments d'enseignement", "AF coût scolarité", "AF modalités accueil", "AF page web",
          "AF date de modification"]
_ACTIONS = ("initial_actions", "initial_actions_per_10k", "initial_establishments", "training_initial",
            "training_needs")
NEEDS = (Need("ENS code UAI", _ACTIONS),
         # the formation: its level, domain and NSF speciality come from the referential of formations
         Need("FOR URL et ID Onisep", ("training_initial", "training_needs")),
         Need("Action de Formation (AF) identifiant Onisep", _ACTIONS))

SOURCE = Source(
    id="onisep_actions",
    family="training",
    title="Idéo – Actions de formation initiale, univers lycée",
    producer="Onisep",
    licence="Licence Ouverte v2.0 (Etalab)",
    url="https://api.opendata.onisep.fr/downloads/605340ddc19a9/605340ddc19a9.csv",
    page="https://www.data.gouv.fr/fr/datasets/ideo-actions-de-formation-initiale-univers-lycee/",
    file_patterns=("*ideo-actions_de_formation_initiale-univers_lycee*.csv", "605340ddc19a9*.csv"),
    demo_file="ideo-actions_de_formation_initiale-univers_lycee.csv",
    download_name="ideo-actions_de_formation_initiale-univers_lycee.csv",
    description="Offre de formation initiale sous statut scolaire : chaque formation (CAP, bac, BTS…) "
                "proposée dans chaque établissement (UAI).",
    needs=NEEDS,
    known_columns=tuple(HEADER),
    evidence="code",
    evidence_where="ggasnier/education-annuaire shell/src/main/java/com/guillaumegasnier/education/shell/datasets/"
                   "formations/OnisepFormationDataset.java (noms des colonnes) ; ntec19/CAFORCYS build.py (UTF-8 avec "
                   "BOM, « ; »)",
    notes=("Sans l'apprentissage depuis septembre 2022 : il vient de l'offre des Carif-Oref.",),
)

REQUIRED = {"ENS code UAI": "uai", "FOR URL et ID Onisep": "for_url",
            "Action de Formation (AF) identifiant Onisep": "af"}
OPTIONAL = {"Formation (FOR) libellé": "title", "FOR type": "type", "FOR niveau de sortie": "exit_level",
            "Lieu d'enseignement (ENS) libellé": "establishment", "ENS commune": "town",
            "ENS code postal": "postcode", "ENS statut": "status", "AF date de modification": "modified",
            "ENS région": "region_label"}
COLUMNS = ["action_id", "onisep_id", "uai", "title", "type", "exit_level", "establishment", "town", "postcode",
           "status"]
_AF = re.compile(r"(AF\.\d+)")
_FOR = re.compile(r"(FOR\.\d+)")
_UAI = re.compile(r"[0-9]{7}[A-Z]")
_YEAR = re.compile(r"(20\d{2})")


def _header(path: Path) -> list[str]:
    first = read_text(path).splitlines()[0]
    return [h.strip().strip('"') for h in first.split(sniff_separator(first))]


def _postcode_in(postcode: str | None, deps: set[str]) -> bool:
    """Whether a postcode is of one of ``deps``: ``44000`` → 44, ``97400`` → 974, ``20000`` → Corse."""
    pc = postcode.strip() if isinstance(postcode, str) else ""
    if not re.fullmatch(r"[0-9]{5}", pc):
        return False
    if pc.startswith("97"):
        return pc[:3] in deps
    if pc.startswith("20"):
        return bool({"2A", "2B"} & deps)
    return pc[:2] in deps


def _of_region(df: pd.DataFrame, deps: set[str], label: str | None) -> pd.Series:
    """The rows of the region (see the module's docstring)."""
    uai = df.uai.fillna("").str.upper()
    wellformed = uai.str.fullmatch(_UAI.pattern)
    by_uai = wellformed & uai.map(uai_departement).isin(deps)
    other = df.postcode.map(lambda pc: _postcode_in(pc, deps))
    if label is not None:
        other |= df.region_label.fillna("").map(region_key) == label
    return by_uai | (~wellformed & other)


def uai_departement(uai: str) -> str:
    """Département of a UAI: ``0441234X`` → ``44``; ``6200001A`` → ``2A``; ``9741234Z`` → ``974``."""
    head = uai[:3]
    if head == "620":
        return "2A"
    if head == "720":
        return "2B"
    return head if head.startswith("97") else head[1:]


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None, region: str | None = None) -> Loaded:
    """Read the latest file given (name order), keeping the rows of the region (``region``: INSEE
    code; else the départements of ``communes``; every row when both are None)."""
    path = Path(sorted(paths, key=lambda p: Path(p).name)[-1])
    warnings, missing = [], []
    if len(paths) > 1:
        warnings.append(f"plusieurs fichiers d'actions Idéo ; seul {path.name} est lu")
    header = _header(path)
    check_needs(path, header, SOURCE, warnings, missing)
    keys = {normalise_name(h) for h in header}
    df = read_official_csv(path, {**REQUIRED, **{k: v for k, v in OPTIONAL.items() if normalise_name(k) in keys}})
    for col in OPTIONAL.values():
        if col not in df.columns:
            df[col] = None
    df = df.map(lambda v: v if not isinstance(v, str) or v.strip() else None)
    deps, label = region_scope(region, communes)
    if deps is not None:
        df = df[_of_region(df, deps, label)]
        if df.empty:
            raise NoRegionalRows(path, f"aucune action dans les départements de la région "
                                       f"({', '.join(sorted(deps))})")

    for col, pattern, what in (("af", _AF, "identifiant d'action (AF.…)"), ("for_url", _FOR, "identifiant de formation (FOR.…)")):
        found = df[col].fillna("").str.extract(pattern)[0]
        if found.isna().any():
            i = found.isna().idxmax()
            raise SourceError(path, f"{what} introuvable dans {df.at[i, col]!r}", line=int(df.at[i, "_line"]))
        df[col] = found
    no_uai = df.uai.isna()
    if no_uai.any():
        k = int(no_uai.sum())
        plural = "s" if k > 1 else ""
        warnings.append(f"{path.name} : {k} action{plural} sans UAI (lieu d'enseignement non immatriculé), "
                        f"non comptée{plural} (ligne{plural} {', '.join(str(x) for x in df._line[no_uai][:5])}"
                        f"{' …' if k > 5 else ''})")
        df = df[~no_uai]
    df["uai"] = df.uai.str.upper()
    bad = ~df.uai.str.fullmatch(_UAI)
    if bad.any():
        i = bad.idxmax()
        raise SourceError(path, f"UAI invalide {df.at[i, 'uai']!r}", line=int(df.at[i, "_line"]))
    dup = df.af.duplicated()
    if dup.any():
        warnings.append(f"{path.name} : identifiants d'action en double ({', '.join(sorted(set(df.af[dup]))[:5])}) ; "
                        f"la première ligne est retenue")
        df = df[~dup]
    dates = pd.to_datetime(df.modified, errors="coerce", format="%d/%m/%Y")
    if dates.notna().any():
        vintage = f"mise à jour du {dates.max():%d/%m/%Y}"
    else:
        m = _YEAR.search(path.name)
        vintage = f"extraction {m.group(1)}" if m else "extraction non datée"
    out = df.rename(columns={"af": "action_id", "for_url": "onisep_id"})[COLUMNS].reset_index(drop=True)
    out = out.astype(object).where(out.notna(), None)
    return Loaded(SOURCE, out, vintage=vintage, files=[path.name], warnings=warnings, missing=missing)


def unknown_uai(frame: pd.DataFrame, known: set[str]) -> str | None:
    """The warning naming the UAI of the actions that the annuaire de l'éducation does not list
    (closed, or not a school of the directory): such actions are in no territory."""
    unknown = sorted(set(frame.uai) - set(known))
    if not unknown:
        return None
    n = int(frame.uai.isin(unknown).sum())
    plural = "s" if len(unknown) > 1 else ""
    return (f"actions Idéo : UAI absent{plural} de l'annuaire de l'éducation : {', '.join(unknown[:10])}"
            f"{' …' if len(unknown) > 10 else ''} ({len(unknown)} établissement{plural}, {n} action{'s' if n > 1 else ''} "
            f"placée{'s' if n > 1 else ''} dans aucun territoire)")


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` (the columns of the file, :data:`HEADER`, in that order; text cells) in the
    official layout: UTF-8 with BOM, ``;``, LF, every field quoted except empty ones. :func:`read`
    keeps the region's rows and derives its own columns: ``read(write(frame))`` is that tidy table."""
    lines = [";".join(f'"{h}"' for h in frame.columns)]
    lines += [";".join(f'"{c}"' if c != "" else "" for c in r) for r in frame_rows(frame)]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
