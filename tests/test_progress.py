"""Progress while PDFs are read: a line every 10% in a log, a live count on a terminal."""

from __future__ import annotations

import io

import pytest

from bsla import progress
from bsla.pdf import read_pdf_facts
from tests.conftest import make_pdf


@pytest.fixture(autouse=True)
def _forget_quietness():
    yield
    progress.set_quiet(None)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _count(total: int, stream: io.StringIO) -> None:
    with progress.counter(total, "Reading PDFs", unit="PDF", stream=stream) as advance:
        for _ in range(total):
            advance(1)


@pytest.mark.parametrize("total", [10, 37, 1000])
def test_a_log_gets_a_line_at_every_tenth(total):
    progress.set_quiet(False)
    log = io.StringIO()
    _count(total, log)
    lines = log.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith(f"Reading PDFs: {total:,}/{total:,} (100%)")
    assert all("PDFs/s" in line and "left" in line for line in lines)
    assert "\r" not in log.getvalue()  # nothing a log would pile up


def test_few_items_give_a_line_each():
    progress.set_quiet(False)
    log = io.StringIO()
    _count(3, log)
    assert [line.split(" (")[0] for line in log.getvalue().splitlines()] == [
        "Reading PDFs: 1/3", "Reading PDFs: 2/3", "Reading PDFs: 3/3"]


def test_a_terminal_gets_a_live_count_with_rate_and_time_left():
    progress.set_quiet(False)
    terminal = _Terminal()
    _count(50, terminal)
    text = terminal.getvalue()
    assert "\r" in text and "50/50" in text and "PDF/s" in text
    assert "<00:00" in text  # elapsed<left
    assert text.count("\n") == 1  # one line, rewritten in place


@pytest.mark.parametrize("quiet", [True, None])
def test_quiet_or_unasked_shows_nothing(quiet):
    progress.set_quiet(quiet)
    for stream in (io.StringIO(), _Terminal()):
        _count(100, stream)
        assert stream.getvalue() == ""


def test_a_command_s_choice_beats_mkdocs_level():
    progress.set_quiet(True)
    progress.quiet_unless_set(False)
    assert not progress.shown()
    progress.set_quiet(None)
    progress.quiet_unless_set(False)
    assert progress.shown()


def test_reading_pdfs_reports_each_tenth_and_nothing_once_cached(tmp_path, capsys):
    pdfs = [make_pdf(tmp_path / f"r{number}.pdf", 1, text=f"resource {number}")
            for number in range(20)]
    cache = tmp_path / "cache"
    progress.set_quiet(False)
    read_pdf_facts(pdfs, cache, workers=2)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("Reading PDFs: 20/20 (100%)")
    read_pdf_facts(pdfs, cache, workers=2)  # warm: nothing read, nothing shown
    assert capsys.readouterr().err == ""
    progress.set_quiet(True)
    read_pdf_facts(pdfs, tmp_path / "other-cache", workers=2)
    assert capsys.readouterr().err == ""
