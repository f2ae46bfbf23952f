"""The ``portraits`` command's entry point (``[project.scripts]``): for ``portraits build``,
Prefect's temporary server is started first (``portraits.local_server``), then the command's
modules are imported (pandas, DuckDB, matplotlib, then Prefect and the flows: about 4 s on 2
cores) while it boots on the other core. Every other command goes straight to ``portraits.cli``.
"""
from __future__ import annotations

import sys

from .local_server import start_early


def main() -> int:
    argv = sys.argv[1:]
    early = start_early(argv)
    from .cli import main as cli_main       # after the server's start: what it boots beside
    return cli_main(argv, early_server=early)


if __name__ == "__main__":
    sys.exit(main())
