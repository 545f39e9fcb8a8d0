"""The one error type editors see, and the formatters that print it.

Every stage reports problems as ``Problem`` values collected in a ``Problems``
list, so one run can show an editor all of them at once instead of stopping at
the first. ``LibraryError`` carries such a list across stage boundaries.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

SHOWN_LIMIT = 60
# A problem's severity: an error stops the run; a warning is reported and the run goes on.
ERROR = "error"
WARNING = "warning"


def one_line(text: str) -> str:
    """``text`` with every character a terminal would not print as itself escaped.

    Messages echo what editors wrote and paths name their files; a line break,
    a control character or a lone surrogate in either could forge a second line
    of the report (or of a GitHub annotation) or stop it from being printed.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in "\n\t\r":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shown(value: str, limit: int = SHOWN_LIMIT) -> str:
    """An editor's value as a message shows it: one line, in quotes, shortened."""
    text = one_line(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file: where, what, and how to fix it."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    code: str = "invalid"
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        hint = f" ({self.hint})" if self.hint else ""
        kind = "warning: " if self.severity == WARNING else ""
        return f"{where}: {kind}{self.message}{hint}"

    def _sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line or 0, self.message)


class Problems:
    """An ordered, de-duplicated collection of problems found in one run."""

    def __init__(self, root: Path | None = None) -> None:
        self._items: list[Problem] = []
        self._seen: set[Problem] = set()
        self.root = root

    def display_path(self, path: Path | str) -> str:
        """Show paths relative to the project, as editors know them.

        Taken apart lexically first: a symbolic link inside the project is named
        where it is, not by the (absolute) path it points to.
        """
        path = Path(path)
        if self.root is not None:
            root = self.root.resolve()
            for candidate in (Path(os.path.normpath(root / path)), path.resolve()):
                try:
                    return one_line(candidate.relative_to(root).as_posix())
                except ValueError:
                    pass
        return one_line(path.as_posix())

    def add(
        self,
        path: Path | str,
        line: int | None,
        message: str,
        hint: str = "",
        code: str = "invalid",
        severity: str = ERROR,
    ) -> None:
        problem = Problem(self.display_path(path), line, one_line(message), one_line(hint), code,
                          severity)
        if problem not in self._seen:
            self._seen.add(problem)
            self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem not in self._seen:
                self._seen.add(problem)
                self._items.append(problem)

    def sorted(self) -> list[Problem]:
        return sorted(self._items, key=Problem._sort_key)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise LibraryError(self.sorted())


class LibraryError(Exception):
    """Raised when a run found problems; ``str()`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=Problem._sort_key)
        super().__init__(format_text(self.problems))


def format_text(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems]
    count = sum(1 for p in problems if p.severity != WARNING)
    warnings = len(problems) - count
    if count or not warnings:
        noun = "problem" if count == 1 else "problems"
        lines.append(f"{count} {noun} found; nothing was published.")
    if warnings:
        noun = "warning" if warnings == 1 else "warnings"
        lines.append(f"{warnings} {noun}: worth fixing, but none stops a build.")
    return "\n".join(lines)


def _github_escape(value: str, *, property_value: bool = False) -> str:
    # GitHub's workflow-command encoding: % and newlines always, : and , in properties.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions annotations, so each error shows on its file and line in a PR."""
    lines = []
    for p in problems:
        props = f"file={_github_escape(p.path, property_value=True)}"
        if p.line:
            props += f",line={p.line}"
        message = p.message + (f" ({p.hint})" if p.hint else "")
        command = WARNING if p.severity == WARNING else ERROR
        lines.append(f"::{command} {props}::{_github_escape(message)}")
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    return json.dumps({"problems": [asdict(p) for p in problems]}, indent=2, ensure_ascii=False)


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
