"""Stage 1: read untrusted YAML safely, keeping the line of every key.

Scalars are loaded as plain strings (YAML 1.1 turns ``NO`` into False, ``1.10``
into 1.1 and ``2020-01-05`` into a date; an editor typing a title or a date must
get back exactly what they typed). Anchors and aliases are refused outright: the
catalog has no use for them and they are the lever of "billion laughs" files.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from bsla.errors import Problems, shown

MAX_YAML_BYTES = 256 * 1024
# Lists and fields inside fields: a resource needs two levels, taxonomy.yml five.
# PyYAML composes nested nodes by recursion, so a few hundred '[' or '- ' end in
# RecursionError; the limit is checked before each level is composed.
MAX_NESTING = 20
# What YAML refuses to read (PyYAML's Reader.NON_PRINTABLE), checked here first so
# the editor learns the line and column instead of a position in the whole text.
# NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are refused too: YAML counts them
# as line breaks and editors do not, so every line number after one would be off.
_UNREADABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF"
                         "\uE000-\uFFFD\U00010000-\U0010FFFF]")
_LINE_BREAK = re.compile("\r\n?|\n")
# `mkdocs serve` rebuilds in the same process after every edit; a file whose
# bytes are unchanged is not parsed again. Nothing downstream mutates a Document.
_parsed: dict[Path, tuple[bytes, Document]] = {}


@dataclass
class Document:
    """A loaded YAML mapping with the 1-based line of each key and list item."""

    path: Path
    data: dict[str, Any]
    line: int = 1
    key_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, list[int]] = field(default_factory=dict)
    # Problems that did not stop the file from being read (a repeated field):
    # (line, message, hint), reported with whatever validation finds.
    problems: tuple[tuple[int, str, str], ...] = ()

    def line_of(self, key: str, index: int | None = None) -> int:
        if index is not None:
            lines = self.item_lines.get(key, [])
            if index < len(lines):
                return lines[index]
        return self.key_lines.get(key, self.line)


class _YamlProblem(Exception):
    def __init__(self, line: int | None, message: str, hint: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


class _StrictComposer(Composer):
    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor is not None:
            raise _YamlProblem(
                event.start_mark.line + 1,
                "YAML anchors and aliases (& and *) are not allowed",
                "write the value out in full instead of referring to another part of the file",
            )
        if self._depth >= MAX_NESTING and isinstance(
                event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            raise _YamlProblem(
                event.start_mark.line + 1,
                f"lists and fields are nested more than {MAX_NESTING} levels deep",
                "a resource needs at most a list inside a field; check the brackets "
                "and indentation on this line",
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _StringLoader(Reader, Scanner, Parser, _StrictComposer, BaseConstructor, BaseResolver):
    """Composes a node tree only; we walk the nodes ourselves to keep lines."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        BaseConstructor.__init__(self)
        BaseResolver.__init__(self)


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None
if _CParser is not None:

    class _FastStringLoader(_StrictComposer, _CParser, BaseConstructor, BaseResolver):  # type: ignore[misc,valid-type]
        """The same strict composer fed by libyaml's scanner and parser.

        Scanning and parsing in pure Python took about 6 ms per resource file
        (6 s for 1,000 resources, on every build and every serve reload); libyaml
        does it in a fraction of that. Only the event source changes: nodes, lines
        and the anchor/alias refusal come from the same composer.
        """

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _StrictComposer.__init__(self)
            BaseConstructor.__init__(self)
            BaseResolver.__init__(self)

        def dispose(self) -> None:
            pass


def _to_python(node: Node, repeated: list[tuple[int, str, str]]) -> Any:
    """Plain Python values; a repeated field keeps its first value and is noted in ``repeated``.

    A repeated field does not stop the file from being read, so the editor sees
    it together with every other problem of the file.
    """
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        return [_to_python(item, repeated) for item in node.value]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key_of(key_node)
            if key in result:
                repeated.append((
                    key_node.start_mark.line + 1,
                    f"the field {shown(key)} appears twice",
                    "keep one of the two lines and delete the other",
                ))
                continue
            result[key] = _to_python(value_node, repeated)
        return result
    raise _YamlProblem(node.start_mark.line + 1, "unsupported YAML value", "")


def _key_of(key_node: Node) -> str:
    if not isinstance(key_node, ScalarNode):
        raise _YamlProblem(
            key_node.start_mark.line + 1,
            "a field name must be a plain word",
            "write field names like 'title:' at the start of the line",
        )
    return key_node.value


def _plain_null(node: Node) -> bool:
    # BaseResolver leaves `title:` (nothing after the colon) as an empty string;
    # treat a lone `~`/`null` the same, since editors mean "no value" by both.
    # (Plain style is None from the Python parser and "" from libyaml.)
    return isinstance(node, ScalarNode) and not node.style and node.value in ("", "~", "null")


def _document_from_node(path: Path, root: Node) -> Document:
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise _YamlProblem(
            root.start_mark.line + 1,
            f"the file holds {kind}, but a resource must be a set of 'field: value' lines",
            "start each line with a field name such as 'title:' (see CONTRIBUTING.md)",
        )
    repeated: list[tuple[int, str, str]] = []
    data = _to_python(root, repeated)
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in root.value:
        key = key_node.value
        if key in key_lines:
            continue  # a repeated field: the first one is the one kept
        key_lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, SequenceNode):
            item_lines[key] = [item.start_mark.line + 1 for item in value_node.value]
        if _plain_null(value_node):
            data[key] = None
    return Document(path, data, root.start_mark.line + 1, key_lines, item_lines,
                    tuple(repeated))


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _YamlProblem(
            line,
            f"the file is not valid UTF-8 text (byte {exc.start} cannot be read)",
            "save the file as UTF-8 in your editor ('Save with encoding' > UTF-8)",
        ) from None
    return text.removeprefix("\ufeff")


def _check_readable(text: str) -> None:
    """Refuse characters YAML cannot read, naming the first one's line and column."""
    found = _UNREADABLE.search(text)
    if found is None:
        return
    at = found.start()
    line_starts = [m.end() for m in _LINE_BREAK.finditer(text, 0, at)]
    line = len(line_starts) + 1
    column = at - (line_starts[-1] if line_starts else 0) + 1
    count = len(_UNREADABLE.findall(text))
    more = f" (and {count - 1} more in the file)" if count > 1 else ""
    char = found.group()
    if char in "\x85\u2028\u2029":
        what = f"an unusual line break (U+{ord(char):04X})"
        hint = "replace it with an ordinary line break, or a space inside a sentence"
    else:
        what = f"an invisible control character (U+{ord(char):04X})"
        hint = ("delete it; text pasted from a PDF or a word processor often carries such "
                "characters, so retype the words around it if your editor does not show it")
    raise _YamlProblem(line, f"column {column} holds {what}{more}", hint)


def parse_yaml(path: Path, text: str) -> Document:
    """Parse YAML text into a Document; raises _YamlProblem on any syntax issue."""
    _check_readable(text)
    if _CParser is not None:
        try:
            root = _FastStringLoader(text).get_single_node()
        except yaml.YAMLError:
            # Report problems with the pure-Python parser's messages, which the
            # hints below were written for; only valid files take the fast path.
            pass
        else:
            if root is not None:
                return _document_from_node(path, root)
    loader = None
    try:
        loader = _StringLoader(text)
        root = loader.get_single_node()
    except _YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        hint = "check indentation, colons and quotes on this line"
        if "\t" in problem or "\\t" in problem or "tab" in problem.lower():
            problem = "a tab character is used for indentation"
            hint = "indent with spaces, not tabs"
        elif "found duplicate anchor" in problem or "found undefined alias" in problem:
            hint = "YAML anchors and aliases (& and *) are not allowed; write values in full"
        raise _YamlProblem(line, f"the YAML cannot be read: {problem}", hint) from None
    except yaml.YAMLError as exc:
        raise _YamlProblem(1, f"the YAML cannot be read: {' '.join(str(exc).split())}",
                           "check the file in a text editor") from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise _YamlProblem(
            1,
            "the file is empty",
            "fill in the fields (run 'python build_site.py new' for a template) or delete the file",
        )
    return _document_from_node(path, root)


_SYMLINK = ("the path is or goes through a symbolic link", "replace the link with the real file")
_MISSING = ("the file does not exist", "check the file name and folder")
_NOT_A_FILE = ("the path is not a regular file", "point at a file, not a folder")
_UNNAMEABLE = ("the name holds a character no file name can have",
               "write the file's name exactly as it appears in its folder")


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def safe_file_problem(path: Path, root: Path) -> tuple[str, str] | None:
    """Why a path must not be read (symlink, outside the project, not a file), or None.

    The usual case, a plain path below the project folder, is checked with one
    lstat per folder level: through pathlib and realpath, these checks took
    1.5 s per build of 1,000 resources (cProfile), on every `serve` rebuild too.
    """
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        return _UNNAMEABLE
    if "\0" in os.fspath(path):
        return _UNNAMEABLE
    real_root = _real_root(os.fspath(root))
    current = os.path.normpath(os.path.join(real_root, os.fspath(path)))
    relative = os.path.relpath(current, real_root)
    if os.pardir in os.fspath(path).split(os.sep) or relative == os.curdir \
            or relative.startswith(os.pardir):
        return _safe_file_problem_resolved(path, Path(real_root))
    info = None
    for part in itertools.accumulate(relative.split(os.sep), os.path.join):
        try:
            info = os.lstat(os.path.join(real_root, part))
        except OSError:
            return _MISSING
        if stat.S_ISLNK(info.st_mode):
            return _SYMLINK
    if info is None or not stat.S_ISREG(info.st_mode):
        return _NOT_A_FILE
    return None


def _safe_file_problem_resolved(path: Path, root: Path) -> tuple[str, str] | None:
    current = path if path.is_absolute() else root / path
    # Walk every component: a symlinked folder is as dangerous as a symlinked file,
    # and naming the link is a clearer message than where it happens to point.
    for part in [current, *current.parents]:
        if part == root or not part.is_relative_to(root):
            break
        if part.is_symlink():
            return _SYMLINK
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):
        return _MISSING
    if not resolved.is_relative_to(root):
        return ("the path points outside the project folder", "keep files inside the repository")
    if not resolved.is_file():
        return _NOT_A_FILE
    return None


def load_yaml_file(path: Path, root: Path, problems: Problems) -> Document | None:
    """Load one YAML file, recording any problem instead of raising."""
    refusal = safe_file_problem(path, root)
    if refusal:
        problems.add(path, 1, *refusal, code="unsafe-path")
        return None
    try:
        size = os.path.getsize(path)
        raw = path.read_bytes() if size <= MAX_YAML_BYTES else b""
    except OSError as exc:
        problems.add(path, 1, f"the file cannot be read ({exc.strerror or exc})",
                     "check that the file is readable (its permissions) and not still being "
                     "written", code="unreadable")
        return None
    if size > MAX_YAML_BYTES:
        problems.add(
            path,
            1,
            f"the file is {size:,} bytes; resource files may be at most {MAX_YAML_BYTES:,} bytes",
            "shorten the summary; a resource description needs only a few paragraphs",
            code="too-large",
        )
        return None
    cached = _parsed.get(path)
    if cached is not None and cached[0] == raw:
        document = cached[1]
    else:
        try:
            document = parse_yaml(path, _decode(raw))
        except _YamlProblem as exc:
            problems.add(path, exc.line or 1, exc.message, exc.hint, code="yaml")
            return None
        _parsed[path] = (raw, document)
    for line, message, hint in document.problems:
        problems.add(path, line, message, hint, code="yaml")
    return document
