"""Pagefind run over the search records in one fixed order: ``python -m bsla.search.indexer``.

Pagefind numbers pages in the order it meets them, and every index file refers
to pages by number. Its command line meets them in the order the file system
lists a folder, which differs between file systems (ext4 orders by a hash
seeded per file system, tmpfs by creation): the same records indexed in
another temporary folder gave other word chunks. So the records are handed to
Pagefind's own program one by one, sorted by path, through the service mode
its Python and Node packages use (``pagefind --service``: base64 JSON messages
ended by a comma, answered in order). The bundle comes back over the pipe and
is written here whole, after ``bsla.search.stable`` has put the files Pagefind
orders at random in order. The package's own asyncio client is not used: it
sleeps 0.1 s before reading each answer, a thousand answers per thousand
records.

Runs in its own process (started by ``bsla.search.bundle``), so a build can
stop it, and Pagefind's service with it, by ending its process group.
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

from pagefind.service import get_executable

from bsla.search.stable import stabilize


class PagefindFailed(Exception):
    """Pagefind's service answered with an error, or stopped."""


class Service:
    """One ``pagefind --service`` process, asked one message at a time."""

    def __init__(self) -> None:
        binary = get_executable()
        if binary is None:
            raise PagefindFailed("Pagefind's program is not installed (pagefind[extended])")
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE)
        self._next_id = 0
        self._pending = bytearray()

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        stdin: IO[bytes] = self._process.stdin  # type: ignore[assignment]
        stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        stdin.flush()
        answer = json.loads(base64.b64decode(self._read_message()))
        reply: dict[str, Any] = answer["payload"]
        if reply.get("type") == "Error":
            raise PagefindFailed(str(reply.get("message")))
        if answer.get("message_id") != self._next_id:
            raise PagefindFailed(f"an answer to another message: {answer.get('message_id')}")
        return reply

    def _read_message(self) -> bytes:
        stdout: IO[bytes] = self._process.stdout  # type: ignore[assignment]
        while (end := self._pending.find(b",")) < 0:
            chunk = stdout.read1(1 << 20)  # type: ignore[attr-defined]
            if not chunk:
                raise PagefindFailed(f"Pagefind's service stopped (exit {self._process.wait()})")
            self._pending += chunk
        message = bytes(self._pending[:end])
        del self._pending[:end + 1]
        return message

    def close(self) -> None:
        # The service exits when its input ends.
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def index_records(site: Path, output: Path, *, language: str, keep_index_url: bool) -> int:
    """Index every ``*.html`` under ``site`` in path order into ``output``; the page count."""
    records = sorted(site.rglob("*.html"), key=lambda path: path.relative_to(site).as_posix())
    service = Service()
    try:
        index = service.ask({"type": "NewIndex", "config": {
            "force_language": language, "keep_index_url": keep_index_url}})["index_id"]
        for record in records:
            service.ask({"type": "AddFile", "index_id": index, "url": None,
                         "file_path": record.relative_to(site).as_posix(),
                         "file_contents": record.read_text("utf-8")})
        files = service.ask({"type": "GetFiles", "index_id": index})["files"]
    finally:
        service.close()
    for file in files:
        target = output / file["path"]
        if not target.resolve().is_relative_to(output.resolve()):
            raise PagefindFailed(f"Pagefind named a file outside its bundle: {file['path']}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(file["content"]))
    stabilize(output)
    return len(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bsla.search.indexer")
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--output-path", type=Path, required=True)
    parser.add_argument("--force-language", required=True)
    parser.add_argument("--keep-index-url", action="store_true")
    args = parser.parse_args(argv)
    try:
        index_records(args.site, args.output_path, language=args.force_language,
                      keep_index_url=args.keep_index_url)
    except (PagefindFailed, OSError) as error:
        print(f"pagefind: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
