"""The LHÉO elements :mod:`sources.training_offer` reads (its needs) and the other elements of the
2.3 definition at those places."""
from __future__ import annotations

from ..common import Need, OneOf


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
