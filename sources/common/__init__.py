"""The leaf of ``sources/``: what every dataset module reads with, and nothing about any dataset.

- :mod:`.errors` — :class:`SourceError` (names the file and line), :class:`NoRegionalRows`;
- :mod:`.contract` — :class:`Source`, :class:`Need`, :class:`OneOf`, :class:`Loaded` and the
  checks of a header against the declared columns;
- :mod:`.text` — official CSV and text files (encoding, separator, numbers), headers, JSON keys;
- :mod:`.workbook` — spreadsheet cells, xlsx workbooks, the fixed container of demo workbooks;
- :mod:`.archive` — a file or the data member of its zip, and the first checks of its bytes;
- :mod:`.codes` — commune, département, UAI and bassin codes; the region's rows of a national file;
- :mod:`.wording` — French months, ordinals, quarters, "de" + a town.

It imports only the standard library, pandas, numpy and the file-format readers (openpyxl;
pyarrow, inside :func:`header_of`): tests/test_architecture.py holds it.
"""
from .archive import check_head, decode, open_binary, source_text
from .codes import (UAI_KEYS, bassin_code, check_commune_codes, departement_of, in_region, region_departements,
                    region_key, uai_key, uai_prefix)
from .contract import (EVIDENCE_LEVELS, Loaded, Need, OneOf, Source, check_needs, column_pattern, files_matching,
                       missing_needs, union_needs, unexpected_columns)
from .errors import NoRegionalRows, SourceError
from .text import (MISSING_VALUES, check_not_binary, csv_header, header_of, json_paths, normalise_name,
                   read_official_csv, read_text, sniff_separator, to_number, write_csv)
from .workbook import FIXED_CORE_XML, FIXED_TIME, cell_number, cell_text, fixed_container, open_workbook
from .wording import MONTHS, NBSP, month, of_town, ordinal, quarter

__all__ = ["bassin_code", "cell_number", "cell_text", "check_commune_codes", "check_head", "check_needs",
           "check_not_binary", "column_pattern", "csv_header", "decode", "departement_of", "EVIDENCE_LEVELS",
           "files_matching", "fixed_container", "FIXED_CORE_XML", "FIXED_TIME", "header_of", "in_region",
           "json_paths", "Loaded", "missing_needs", "MISSING_VALUES", "month", "MONTHS", "NBSP", "Need",
           "NoRegionalRows", "normalise_name", "of_town", "OneOf", "open_binary", "open_workbook", "ordinal",
           "quarter", "read_official_csv", "read_text", "region_departements", "region_key", "sniff_separator",
           "Source", "source_text", "SourceError", "to_number", "uai_key", "UAI_KEYS", "uai_prefix",
           "unexpected_columns", "union_needs", "write_csv"]
