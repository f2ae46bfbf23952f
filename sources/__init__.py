"""One module per dataset; the registry below lists them (tests count it).

``cog`` comes first: the pipeline reads it before the others to bring older commune codes to the
current communes."""
from . import (bmo, bmo_bassins, census, cog, establishments, fap, inserjeunes, jobseekers, populations,
               unemployment, urssaf)

REGISTRY = {m.SOURCE.id: m for m in (cog, census, populations, jobseekers, urssaf, unemployment, bmo, bmo_bassins,
                                     fap, establishments, inserjeunes)}
