"""Progress of the rendering, the long part of a refresh: territories done out of total, time
elapsed and an estimate of the time left.

:class:`Progress` is fed with each territory's outcome as its task completes (the ``render``
flow calls it as the futures complete). Each completion is one line of the "portraits" logger,
``3/17 T05 Angers : page et PDF produits (6.2 s) — écoulé 21 s, reste environ 1 min 32 s``,
which ``portraits build`` prints and a deployment run sends to Prefect's logs. When the log's
stream is a terminal, a ``rich`` progress bar is drawn below those lines as well (the lines are
printed above it).
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Callable, TextIO

from rich.console import Console
from rich.file_proxy import FileProxy
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn
from rich.progress import Progress as RichProgress
from rich.text import Text

from .pipeline import RenderOutcome

log = logging.getLogger("portraits")


def duration(seconds: float) -> str:
    """``42 s``, ``1 min 05 s``, ``2 h 03 min``."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def remaining(done: int, total: int, elapsed: float) -> float | None:
    """Time left if the territories still to do take, on average, what the done ones took
    (wall time, so the processes working side by side are counted in); None before the first."""
    if done <= 0:
        return None
    return elapsed / done * max(0, total - done)


def what_was_done(outcome: RenderOutcome, pdf: bool = True) -> str:
    if outcome.error:
        return f"échec ({outcome.error})"
    if not outcome.rendered:
        return "inchangé, repris de l'édition publiée"
    return f"{'page et PDF produits' if pdf else 'page produite'} ({outcome.seconds:.1f} s)"


def progress_line(done: int, total: int, elapsed: float, outcome: RenderOutcome, pdf: bool = True) -> str:
    """The line of one completion: ``n/total``, the territory and what was done, elapsed and
    remaining time."""
    left = remaining(done, total, elapsed)
    times = f"écoulé {duration(elapsed)}"
    if done < total and left is not None:
        times += f", reste environ {duration(left)}"
    return f"{done}/{total} {outcome.code} {outcome.name} : {what_was_done(outcome, pdf)} — {times}"


class _Elapsed(ProgressColumn):
    """Time elapsed, worded as in the log lines."""

    def render(self, task) -> Text:
        return Text(duration(task.elapsed or 0.0))


class Progress:
    """Context manager fed with :meth:`update` as each territory completes.

    total: territories to render (those reused unchanged before the rendering are not counted;
        ``reused`` says how many they were). pdf: whether portraits have a PDF (the wording).
    stream: where the log lines go (default ``sys.stderr``); a terminal gets a progress bar.
    clock: seconds, monotonic (a test gives its own)."""

    def __init__(self, total: int, *, reused: int = 0, pdf: bool = True, stream: TextIO | None = None,
                 bar: bool | None = None, clock: Callable[[], float] = time.monotonic):
        self.total, self.reused, self.pdf, self.clock = total, reused, pdf, clock
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.bar = bar if bar is not None else bool(isatty and isatty())
        self.done = 0
        self._rich: RichProgress | None = None
        self._task = None
        self._rerouted: list[tuple[logging.StreamHandler, TextIO]] = []

    def __enter__(self) -> "Progress":
        self.t0 = self.clock()
        reused = f" ({self.reused} repris inchangés)" if self.reused else ""
        log.info("portraits à produire : %d%s", self.total, reused)
        if self.bar and self.total:
            self._rich = RichProgress(TextColumn("portraits"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("· écoulé"), _Elapsed(),
                                      TextColumn("· reste {task.fields[left]}"),
                                      console=Console(file=self.stream), redirect_stdout=True, redirect_stderr=True)
            self._rich.start()
            self._task = self._rich.add_task("portraits", total=self.total, left="…")
            self._reroute(FileProxy(self._rich.console, self.stream))
        return self

    def _reroute(self, target: TextIO) -> None:
        """While the bar is drawn, the log handlers writing to its stream write through rich's
        console instead, which prints their lines above the bar."""
        for logger in (log, logging.getLogger()):
            for h in logger.handlers:
                if isinstance(h, logging.StreamHandler) and h.stream is self.stream:
                    self._rerouted.append((h, h.setStream(target)))

    def update(self, outcome: RenderOutcome) -> str:
        """One territory completed: log its line (a warning when it failed), move the bar."""
        self.done += 1
        elapsed = self.clock() - self.t0
        line = progress_line(self.done, self.total, elapsed, outcome, self.pdf)
        (log.warning if outcome.error else log.info)("%s", line)
        if self._rich is not None:
            left = remaining(self.done, self.total, elapsed)
            self._rich.update(self._task, completed=self.done,
                              left=duration(left) if left is not None and self.done < self.total else "0 s")
        return line

    def __exit__(self, *exc) -> None:
        for h, stream in self._rerouted:
            h.setStream(stream)
        self._rerouted.clear()
        if self._rich is not None:
            self._rich.stop()
            self._rich = None
