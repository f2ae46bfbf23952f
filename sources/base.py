"""The old path of :mod:`sources.common` (and of :func:`sources.datafrance.region_scope`), kept
for code outside ``sources/`` that still imports it (``flows/ingest.py``); new code imports
``sources.common``. Only re-exports: nothing is defined here."""
from .common import *  # noqa: F401,F403
from .common import MISSING_VALUES as _MISSING  # noqa: F401
from .datafrance import region_scope  # noqa: F401
