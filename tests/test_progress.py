"""The progress of the rendering (``portraits.progress``): the plain lines of a small fake sequence
of outcomes, and the bar drawn on a real pseudo-terminal. (That ``portraits build`` prints these
lines is checked on a real build in tests/test_lock.py.)"""
from __future__ import annotations

import io
import logging
import os
import threading

import pytest

from portraits.pipeline import RenderOutcome
from portraits.progress import Progress, duration, progress_line, remaining


@pytest.mark.parametrize("seconds, text", [
    (0, "0 s"), (0.4, "0 s"), (59.4, "59 s"),
    (59.6, "1 min 00 s"),            # rounded before choosing the unit: never "60 s"
    (125, "2 min 05 s"), (3599.6, "1 h 00 min"), (7380, "2 h 03 min"),
    (-2, "0 s"),                     # a clock going back a little is not a negative duration
])
def test_duration(seconds, text):
    assert duration(seconds) == text


def test_remaining_is_the_mean_time_of_the_done_ones():
    assert remaining(0, 17, 12.0) is None                 # nothing done: no estimate
    assert remaining(4, 17, 20.0) == pytest.approx(65.0)  # 5 s each, 13 to go
    assert remaining(17, 17, 90.0) == 0.0


class FakeClock:
    def __init__(self, times):
        self.times = iter(times)

    def __call__(self):
        return next(self.times)


def outcome(code, name, rendered=True, seconds=6.2, error=None):
    return RenderOutcome(code, name, rendered, seconds, error=error)


def test_plain_lines_of_a_fake_sequence(caplog):
    # Started at t = 100 s; four territories complete at 106, 107, 130 and 200 s, in that order
    # (not the order of the set): two rendered, one failed, one found unchanged by its task.
    sequence = [outcome("T05", "Angers", seconds=6.0), outcome("T01", "Nantes", seconds=7.2),
                outcome("T12", "Nord Sarthe", rendered=False, error="OSError: disque plein"),
                outcome("T03", "Châteaubriant", rendered=False, seconds=0.1)]
    caplog.set_level(logging.INFO, logger="portraits")
    with Progress(4, reused=13, stream=io.StringIO(), clock=FakeClock([100, 106, 107, 130, 200])) as p:
        assert not p.bar                               # not a terminal
        lines = [p.update(o) for o in sequence]
    assert lines == [
        "1/4 T05 Angers : page et PDF produits (6.0 s) — écoulé 6 s, reste environ 18 s",
        "2/4 T01 Nantes : page et PDF produits (7.2 s) — écoulé 7 s, reste environ 7 s",
        "3/4 T12 Nord Sarthe : échec (OSError: disque plein) — écoulé 30 s, reste environ 10 s",
        "4/4 T03 Châteaubriant : inchangé, repris de l'édition publiée — écoulé 1 min 40 s",   # last: no estimate
    ]
    records = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert records == [("INFO", "portraits à produire : 4 (13 repris inchangés)")] + [
        ("WARNING" if "échec" in line else "INFO", line) for line in lines]


def test_html_only_says_page():
    line = progress_line(1, 5, 3.0, outcome("44", "Loire-Atlantique", seconds=2.5), pdf=False)
    assert line == "1/5 44 Loire-Atlantique : page produite (2.5 s) — écoulé 3 s, reste environ 12 s"


def test_a_bar_on_a_terminal_with_the_log_lines_above_it():
    """A real pseudo-terminal: the bar is drawn (n/total, elapsed, remaining), the log lines of a
    handler writing to that terminal are printed through rich (above the bar), and the handler
    gets its stream back afterwards."""
    master, slave = os.openpty()
    screen = bytearray()

    def read():                       # drained as it goes: a full pty buffer would block the writer
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:           # the terminal closed
                return
            if not chunk:
                return
            screen.extend(chunk)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    tty = os.fdopen(slave, "w", encoding="utf-8")
    log = logging.getLogger("portraits")
    handler = logging.StreamHandler(tty)
    level, log.level = log.level, logging.INFO
    log.addHandler(handler)
    try:
        with Progress(3, stream=tty, clock=FakeClock([0, 5, 9, 14])) as p:
            assert p.bar
            assert handler.stream is not tty           # through rich while the bar is drawn
            for o in (outcome("T01", "Nantes"), outcome("T02", "Saint-Nazaire"), outcome("T03", "Châteaubriant")):
                p.update(o)
        assert handler.stream is tty
    finally:
        log.removeHandler(handler)
        log.level = level
        tty.close()
        reader.join(5)
        os.close(master)
    text = screen.decode("utf-8", "replace")
    assert "portraits" in text and "━" in text and "3/3" in text and "· écoulé" in text and "· reste" in text
    assert "1/3 T01 Nantes : page et PDF produits (6.2 s) — écoulé 5 s, reste environ 10 s" in text
    assert "3/3 T03 Châteaubriant" in text
