"""One refresh at a time: an exclusive lock on the site folder (and on the work folder) for the
whole of a run, so that a scheduled refresh meeting a manual one, or two builds started a few
seconds apart, do not destroy each other's staging folder, warehouse or publication.

The lock is an exclusive ``flock`` on a small file beside the folder, ``.<name>.lock``
(``output/.site.lock`` for ``output/site``), which holds, while a run has it, a JSON record of
that run: process id, host, start time, command line (and the Prefect run, for a deployment
run). A second run finds the lock taken and stops at once, naming the first
(:class:`RunInProgress`), or waits for it up to a maximum when asked.

The operating system releases a ``flock`` when its process dies, however it dies (``kill -9``
included). A run that ends normally empties the file before letting go, so a free lock whose
file still describes a run means that run died: the lock is taken over, with a warning naming
it; nothing is ever cleaned by hand. (What a dead run left in the site's folders is repaired by
``publish.recover_site`` and ``publish.prepare_staging``.)

Within one process the lock is re-entrant: ``portraits build`` takes it before starting Prefect
(so a refused run stops in a second, not after Prefect's start), and the ``refresh`` flow it
runs takes it again, as every run of the flow does however it was started (``portraits serve``,
a Prefect worker). The file descriptor is not inherited by child processes (Python opens files
non-inheritable), so a worker process outliving its parent never keeps the lock.

Linux emulates ``flock`` on NFS with POSIX locks, so the lock also holds between two machines
sharing the output folder over NFS; the record's host then says which machine runs.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import shlex
import socket
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

log = logging.getLogger("portraits")
POLL_SECONDS = 0.5           # how often a waiting run tries the lock again
DEFAULT_WAIT_MINUTES = 60.0  # ``--wait`` without a value


class LockError(RuntimeError):
    """The lock cannot be taken (the message, in French, says why)."""


class RunInProgress(LockError):
    """Another run holds the lock of the folder (the message, in French, names it)."""

    def __init__(self, message: str, holder: "Holder | None" = None):
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class Holder:
    """The run holding (or, when found in a free lock, having held) a lock."""
    pid: int
    host: str
    started: str                 # ISO 8601, local time with its offset
    command: str
    run: str = ""                # a Prefect flow run, when the lock was taken by one

    @classmethod
    def this_process(cls, run: str = "") -> "Holder":
        return cls(pid=os.getpid(), host=socket.gethostname(),
                   started=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                   command=_command_line(), run=run)

    def describe(self, now: dt.datetime | None = None) -> str:
        """``processus 4242 sur « calcul-1 », démarré le 02/06/2025 à 06:00:03 (il y a 3 min),
        commande « portraits build --output output/site »``."""
        started = self.started
        try:
            when = dt.datetime.fromisoformat(self.started)
        except ValueError:
            pass
        else:
            now = now or dt.datetime.now(when.tzinfo)
            started = f"{when:%d/%m/%Y} à {when:%H:%M:%S} (il y a {_ago((now - when).total_seconds())})"
        text = f"processus {self.pid} sur « {self.host} », démarré le {started}, commande « {self.command} »"
        return text + (f", {self.run}" if self.run else "")


def _command_line() -> str:
    """This process's command line (``python -c``: the code left out)."""
    if not sys.argv or not sys.argv[0]:
        return sys.executable
    if sys.argv[0] == "-c":
        return f"{sys.executable} -c … {shlex.join(sys.argv[1:])}".rstrip()
    return shlex.join(sys.argv)


def _ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
    return f"{seconds // 86400} jours"


def lock_path(folder: Path | str) -> Path:
    """The lock file of ``folder``: ``.<name>.lock`` beside it (never inside: the site folder is
    swapped by renames at each publication)."""
    folder = Path(os.path.abspath(folder))
    return folder.parent / f".{folder.name}.lock"


def read_holder(path: Path) -> Holder | None:
    """The run described by a lock file, or None when it is empty, absent or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return _parse(text)


def _parse(text: str) -> Holder | None:
    try:
        d = json.loads(text)
        return Holder(int(d["pid"]), str(d["host"]), str(d["started"]), str(d["command"]), str(d.get("run", "")))
    except (ValueError, KeyError, TypeError):
        return None


# Locks this process holds: lock file → [its open file, depth] (re-entrant within the process).
_HELD: dict[Path, list] = {}
_HELD_GUARD = threading.Lock()


def _try_lock(f) -> bool:
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder_of(path: Path) -> Holder | None:
    """The record of the run holding ``path``; it writes it just after taking the lock, so an
    empty read is tried again for a moment."""
    for _ in range(10):
        holder = read_holder(path)
        if holder is not None:
            return holder
        time.sleep(0.1)
    return None


def _busy_message(what: str, folder: Path, holder: Holder | None, waited: float | None, hint: str) -> str:
    who = holder.describe() if holder else "processus inconnu (fichier de verrou vide ou illisible)"
    text = f"une autre exécution de portraits est en cours sur {what} {folder} : {who}"
    if waited is not None:
        return text + f" ; toujours en cours après {_ago(waited)} d'attente ; rien n'a été fait"
    return text + " ; rien n'a été fait" + (f" ({hint})" if hint else "")


def _wait_for(f, path: Path, folder: Path, what: str, wait_seconds: float, hint: str) -> None:
    """Take the OS lock of the open lock file ``f``, waiting for its holder up to ``wait_seconds``
    (announced once); raise :class:`RunInProgress` naming the holder when it is not let go in time."""
    t0 = time.monotonic()
    announced = False
    while not _try_lock(f):
        waited = time.monotonic() - t0
        if waited >= wait_seconds:
            holder = _holder_of(path)
            raise RunInProgress(_busy_message(what, Path(folder), holder, waited if wait_seconds else None, hint),
                                holder)
        if not announced:
            holder = _holder_of(path)
            log.info("une autre exécution de portraits est en cours sur %s %s : %s ; attente de sa fin, au plus %s",
                     what, folder, holder.describe() if holder else "processus inconnu", _ago(wait_seconds))
            announced = True
        time.sleep(min(POLL_SECONDS, max(0.0, wait_seconds - waited)))
    if announced:
        log.info("%s %s est libre après %s d'attente", what, folder, _ago(time.monotonic() - t0))


def _take(f, path: Path, folder: Path, run: str) -> "Holder | None":
    """Record this process in the locked file ``f``; returns the dead run whose record was left
    there (a warning names it), else None."""
    f.seek(0)
    left = f.read()
    dead = _parse(left) if left.strip() else None
    if left.strip():
        log.warning("verrou de %s repris : il avait été laissé par une exécution interrompue (%s)", folder,
                    dead.describe() if dead else f"fichier {path} illisible")
    me = Holder.this_process(run)
    f.seek(0)
    f.truncate()
    f.write(json.dumps(asdict(me), ensure_ascii=False))
    f.flush()
    return dead


@contextmanager
def hold(folder: Path | str, *, wait_seconds: float = 0.0, what: str = "le dossier", hint: str = "",
         run: str = "") -> Iterator[Holder | None]:
    """Hold the lock of ``folder`` for the duration of the ``with`` block.

    wait_seconds: when another run holds it, wait for it up to this long (0: stop at once);
        then raise :class:`RunInProgress` naming the holder. ``what`` names the folder in the
        message ("le site", "le dossier de travail"), ``hint`` says how to wait.
    run: what to record besides the command line (a Prefect flow run).

    Yields the dead run whose lock was taken over, if any (a warning names it), else None.
    """
    path = lock_path(folder)
    with _HELD_GUARD:
        held = _HELD.get(path)
        if held is not None:
            held[1] += 1
    if held is not None:              # this process holds it already (the CLI, then its flow)
        try:
            yield None
        finally:
            with _HELD_GUARD:
                held[1] -= 1
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="utf-8")
    except OSError as exc:            # a folder or lock file of another user, a read-only disk
        raise LockError(f"verrou {path} impossible à ouvrir : {exc.strerror or exc} ; rien n'a été fait") from exc
    try:
        _wait_for(f, path, Path(folder), what, wait_seconds, hint)
        dead = _take(f, path, Path(folder), run)
        with _HELD_GUARD:
            _HELD[path] = [f, 1]
        try:
            yield dead
        finally:
            with _HELD_GUARD:
                del _HELD[path]
            # Emptied before it is let go: a lock found free with a record means its run died.
            f.seek(0)
            f.truncate()
            f.flush()
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    finally:
        f.close()


@contextmanager
def hold_refresh(output: Path | str, work: Path | str, *, wait_seconds: float = 0.0, hint: str = "",
                 run: str = "") -> Iterator[None]:
    """The locks of a refresh: the site folder, then the work folder (warehouse, staging notes,
    run report), which two sites can share (``--output a/x`` and ``--output a/y`` both use
    ``a/work``). Always taken in that order, so two runs never wait for each other in a circle."""
    t0 = time.monotonic()
    with ExitStack() as stack:
        stack.enter_context(hold(output, wait_seconds=wait_seconds, what="le site", hint=hint, run=run))
        if lock_path(work) != lock_path(output):
            left = max(0.0, wait_seconds - (time.monotonic() - t0)) if wait_seconds else 0.0
            stack.enter_context(hold(work, wait_seconds=left, what="le dossier de travail", hint=hint, run=run))
        yield
