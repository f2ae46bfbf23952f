"""The Prefect API a ``portraits build`` reports to (see ``portraits.local_server``).

:func:`start_local_server` decides as Prefect's client does
(``prefect.client.orchestration.get_client``): when Prefect's settings (environment, profile)
name a server, or turn its ephemeral mode off (Prefect then says itself that a server is needed),
that is used, and a server started early is stopped; otherwise the temporary server (the one
started early, or one started now) is named in ``PREFECT_API_URL`` for the rest of the process
(Prefect's client, its log and event workers at exit, Dask workers started from here).
"""
from __future__ import annotations

import atexit
import os

from prefect.context import refresh_global_settings_context
from prefect.settings import get_current_settings

from .local_server import LocalServer, PrefectServerError

__all__ = ["PrefectServerError", "api_url", "start_local_server", "wait_ready"]


def api_url() -> str | None:
    """The address of the Prefect API this process reports to (None: Prefect's own ephemeral one)."""
    return get_current_settings().api.url


def start_local_server(early: LocalServer | None = None) -> LocalServer | None:
    """The temporary Prefect server of this build, named in ``PREFECT_API_URL`` (``early`` when
    given, otherwise started now and stopped at exit); ``None`` when Prefect's settings name a
    server or turn the ephemeral mode off (``early`` is then stopped)."""
    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        if early is not None:
            early.stop()
        return None
    server = early
    if server is None:
        server = LocalServer(settings.to_environment_variables(exclude_unset=True))
        atexit.register(server.stop)
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()       # Prefect's settings read the environment again
    return server


def wait_ready(server: LocalServer) -> float:
    """Wait for ``server`` within Prefect's ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``."""
    return server.wait_ready(get_current_settings().server.ephemeral.startup_timeout_seconds)
