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
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .common import (Loaded, Need, Source, SourceError, check_needs, normalise_name, read_official_csv, read_text,
                     sniff_separator, union_needs)

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
    df = read_official_csv(path, columns)
    for col in ("level_code", "rncp_level_label", "cfd", "nsf", *OPTIONAL.values()):
        if col not in df.columns:
            df[col] = ""
    df = df.map(lambda v: v if not isinstance(v, str) or v.strip() else None)

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
# Demo profile (2022 layout), on the certifications of the training-offer demo.

# Fields written between quotes in the 2022 file (text fields); the others are written bare.
_QUOTED_HEADER = {0, 1, 2, 3, 4, 6, 7, 8, 10}
_QUOTED = {2, 3, 5, 8, 9, 11}
LEVEL_LABELS_2022 = {3: "niveau 3 (niveau CAP)", 4: "niveau 4 (bac ou équivalent)", 5: "niveau 5 (bac + 2)",
                     6: "niveau 6 (bac + 3)", 7: "niveau 7 (bac + 5)", 8: "niveau 8 (doctorat)"}
NEW_TO_OLD = {v: k for k, v in OLD_LEVELS.items()}
_TUTELLES = {"CAP": "Ministère chargé de l'Éducation nationale et de Jeunesse",
             "Bac pro": "Ministère chargé de l'Éducation nationale et de Jeunesse",
             "BTS": "Ministère chargé de l'Éducation nationale et de Jeunesse",
             "BTSA": "Ministère de l'Agriculture et de l'Alimentation",
             "CAP agricole": "Ministère de l'Agriculture et de l'Alimentation",
             "BUT": "Ministère chargé de l'Enseignement supérieur de la Recherche et de l'Innovation",
             "TP": "Ministère du travail, de l'emploi et du dialogue social"}
_EXTRA = [  # formations without RNCP registration, as the real file has many
    ("31", "", "formation d'école spécialisée", "Développeur web (formation d'école)", "3 ans"),
    ("34", "", "formation d'école spécialisée", "Chargé de clientèle (formation d'école)", "1 an"),
    ("42", "FCIL", "formation complémentaire d'initiative locale", "FCIL Accueil en structure de santé", "1 an"),
    ("22", "MC", "mention complémentaire", "MC Plaquiste", "1 an"),
    ("35", "MC", "mention complémentaire", "MC Cuisinier en desserts de restaurant", "1 an"),
    ("23", "", "formation d'école spécialisée", "Technicien de maintenance industrielle (école)", "2 ans"),
]
_SUBDOMAINS = ["métiers", "techniques", "encadrement"]


def demo_rows(demo_domains: list[tuple], certs: pd.DataFrame, rng: np.random.Generator) -> list[list[str]]:
    """About 60 formations: the certifications of the training-offer demo (``demo_domains`` and
    ``certs``: :data:`sources.training_offer.DEMO_DOMAINS` and
    :func:`sources.training_offer.demo_certifications`), some of them twice (another speciality),
    and formations not registered at the RNCP. Rows in the layout :data:`HEADER_2022`."""
    domains = {d[0]: d for d in demo_domains}
    ids = rng.permutation(np.arange(1000, 9999))[: len(certs) * 2 + len(_EXTRA)]
    rows, n = [], 0

    def domain_value(prefix: str) -> str:
        first = domains[prefix][2]
        parts = [f"{first}/{_SUBDOMAINS[int(rng.integers(len(_SUBDOMAINS)))]}"]
        if rng.random() < 0.35:       # several values, as in the real file
            other = domains[list(domains)[int(rng.integers(len(domains)))]][2]
            parts.append(f"{other}/{_SUBDOMAINS[int(rng.integers(len(_SUBDOMAINS)))]}")
        return "| ".join(dict.fromkeys(parts))

    for c in certs.itertuples():
        for variant in range(2 if rng.random() < 0.35 else 1):
            title = c.title if variant == 0 else f"{c.title} option B"
            rows.append([domains[c.domain][3], c.type_code if c.type_code != "TP" or rng.random() < 0.5 else "",
                         c.type_label, title, "", c.duration, c.rncp, NEW_TO_OLD[int(c.level)],
                         LEVEL_LABELS_2022[int(c.level)], _TUTELLES.get(c.type_code, "non renseigné"),
                         f"http://www.onisep.fr/http/redirection/formation/slug/FOR.{ids[n]}", domain_value(c.domain)])
            n += 1
    for prefix, type_code, type_label, title, duration in _EXTRA:
        rows.append(["", type_code, type_label, title, "", duration, "", "0", "non inscrit au RNCP", "non renseigné",
                     f"http://www.onisep.fr/http/redirection/formation/slug/FOR.{ids[n]}", domain_value(prefix)])
        n += 1
    # one formation whose level is not filled in (empty "niveau RNCP", label "non renseigné")
    rows[-1][7], rows[-1][8] = "", "non renseigné"
    return rows


def _line(cells: list[str], quoted: set[int]) -> str:
    return ";".join(f'"{c}"' if i in quoted and c != "" else c for i, c in enumerate(cells))


def write_demo(path: Path, demo_domains: list[tuple], certs: pd.DataFrame, rng: np.random.Generator) -> None:
    """Write the demo referential in the 2022 layout: UTF-8 with BOM, ``;``, LF, text fields
    quoted (as in the real file), about 60 formations on the demo domains of
    :data:`sources.training_offer.DEMO_DOMAINS` (see :func:`demo_rows`). Same inputs and ``rng`` state,
    same bytes."""
    rows = demo_rows(demo_domains, certs, rng)
    text = "\n".join([_line(HEADER_2022, _QUOTED_HEADER)] + [_line(r, _QUOTED) for r in rows]) + "\n"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

