"""One module per dataset; the registry below lists them (tests count it).

``cog`` comes first: the pipeline reads it before the others to bring older commune codes to the
current communes."""
from . import (bcn, bmo, bmo_bassins, census, cog, establishments, fap, inserjeunes, inserjeunes_formations,
               jobseekers, jobseekers_profile, mobility, onisep, onisep_actions, organisms, populations,
               service_public, tension, training_offer, unemployment, urssaf)

REGISTRY = {m.SOURCE.id: m for m in (cog, census, populations, jobseekers, urssaf, unemployment, bmo, bmo_bassins,
                                     jobseekers_profile, fap, establishments, training_offer, onisep, onisep_actions,
                                     organisms, bcn, inserjeunes, inserjeunes_formations, mobility, service_public,
                                     tension)}
