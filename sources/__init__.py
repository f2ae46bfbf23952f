"""One module per dataset; the registry below lists them (tests count it)."""
from . import establishments, inserjeunes, jobseekers

REGISTRY = {m.SOURCE.id: m for m in (jobseekers, establishments, inserjeunes)}
