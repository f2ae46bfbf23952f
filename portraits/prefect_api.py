"""The Prefect API a ``portraits build`` reports to, started early.

With no Prefect server configured (``PREFECT_API_URL`` unset), Prefect runs in "ephemeral mode":
at the first flow call it imports its server code into the calling process (1.8 s on 2 cores),
then starts a temporary server process and waits for it (4.5 s more), the build waiting all
along. :func:`start_local_server` starts that same server, with the command and environment of
Prefect's own ``prefect.server.api.server.SubprocessASGIServer`` (uvicorn serving
``create_app``, ephemeral services, no UI), as soon as the build is decided: it boots on the
other core while this process imports the flows. ``PREFECT_API_URL`` then names it for the rest
of the process (Prefect's client, its log and event workers at exit, Dask workers started from
here); it is stopped at exit, after Prefect's own exit handlers have sent their last logs.

A configured server (``PREFECT_API_URL`` set, ``portraits serve``, the tests' harness) is used
as it is: nothing is started.
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from prefect.context import refresh_global_settings_context
from prefect.settings import get_current_settings

# The environment Prefect gives its temporary server (SubprocessASGIServer._run_uvicorn_command).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


class PrefectServerError(RuntimeError):
    """The local Prefect server did not answer (it stopped, or did not start in time)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """A temporary Prefect server process on a free loopback port (see the module's docstring)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **SERVER_ENV, **get_current_settings().to_environment_variables(exclude_unset=True)},
            stdin=subprocess.DEVNULL)
        self.started = time.monotonic()

    def wait_ready(self) -> float:
        """Wait until the server answers its health check; the seconds since it was started.
        Raises :class:`PrefectServerError` (in French) when it stopped or did not answer within
        Prefect's ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``."""
        timeout = get_current_settings().server.ephemeral.startup_timeout_seconds
        while True:
            code = self.process.poll() if self.process else -1
            if code is not None:
                raise PrefectServerError(f"le serveur Prefect local s'est arrêté au démarrage (code {code}) ; "
                                         "ses messages sont plus haut")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() - self.started > timeout:
                self.stop()
                raise PrefectServerError(f"le serveur Prefect local n'a pas répondu en {timeout:.0f} s "
                                         "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (as Prefect stops its own: terminate, then kill after 5 s)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def api_url() -> str | None:
    """The address of the Prefect API this process reports to (None: Prefect's own ephemeral one)."""
    return get_current_settings().api.url


def start_local_server() -> LocalServer | None:
    """Start a temporary Prefect server and name it in ``PREFECT_API_URL`` for this process,
    stopped at exit; ``None`` (nothing started) when Prefect's settings (environment, profile)
    name a server, or turn its ephemeral mode off (Prefect then says itself that a server is
    needed), as Prefect's client decides (``prefect.client.orchestration.get_client``)."""
    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return None
    server = LocalServer()
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()       # Prefect's settings read the environment again
    # Registered before Prefect's own exit handlers: run after them (atexit runs last in, first
    # out), once the log and event workers have sent what they hold.
    atexit.register(server.stop)
    return server
