"""Prefect's temporary server of a ``portraits build``, started before anything else.

With no Prefect server configured, Prefect runs in "ephemeral mode": at the first flow call it
imports its server code into the calling process (1.8 s on 2 cores), then starts a temporary
server process and waits for it (4.5 s more), the build waiting all along. This module starts
that same server (the command and environment of Prefect's own
``prefect.server.api.server.SubprocessASGIServer``: uvicorn serving ``create_app``, ephemeral
services, no UI) from the standard library alone, so that the ``portraits`` command can start it
first (``portraits.launch``), before it imports its own modules and Prefect (about 4 s): the
server boots on the other core meanwhile. ``portraits.prefect_api`` then checks it against
Prefect's settings (a server configured in a Prefect profile is used instead, and this one
stopped) and names it in ``PREFECT_API_URL``.
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
from pathlib import Path


def prefect_environment() -> None:
    """Run Prefect offline, in ephemeral mode, with its state inside the project (not ~/.prefect).
    Set before Prefect is imported (it reads them then) and before its server is started."""
    home = Path(os.environ.get("PREFECT_HOME", Path.cwd() / ".prefect"))
    os.environ.setdefault("PREFECT_HOME", str(home))
    # A fresh Prefect database takes ~25 s to migrate on 2 cores; the default timeout is 20 s.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("MPLCONFIGDIR", str(Path(os.environ["PREFECT_HOME"]).parent / ".cache" / "matplotlib"))


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

    def __init__(self, settings_env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.process: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env={**os.environ, **SERVER_ENV, **(settings_env or {})},
            stdin=subprocess.DEVNULL)
        self.started = time.monotonic()

    def wait_ready(self, timeout: float) -> float:
        """Wait until the server answers its health check; the seconds since it was started.
        Raises :class:`PrefectServerError` (in French) when it stopped or did not answer within
        ``timeout`` seconds (Prefect's ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``)."""
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


def start_early(argv: list[str]) -> LocalServer | None:
    """For ``portraits build`` (not its ``--help``), with no server named in the environment
    (``PREFECT_API_URL``): the temporary server, started now, stopped at exit; otherwise None.
    Registered for exit before Prefect is imported: it stops after Prefect's own exit handlers
    (atexit runs last in, first out), once the log and event workers have sent what they hold."""
    if argv[:1] != ["build"] or {"-h", "--help"} & set(argv) or os.environ.get("PREFECT_API_URL"):
        return None
    prefect_environment()
    server = LocalServer()
    atexit.register(server.stop)
    return server
