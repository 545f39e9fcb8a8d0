"""Measuring a command: wall time, peak memory of its whole process tree, its output.

Memory is measured two ways, because each misses something. The kernel's
``ru_maxrss`` (from ``wait4``) is exact but covers one process at a time: the
largest of the command and its reaped children. Sampling ``/proc`` every 50 ms
and adding up the resident memory of every process in the tree catches worker
pools that run side by side, but can miss a spike shorter than the interval.
The report gives the larger of the two.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.05


@dataclass
class Measured:
    seconds: float
    peak_tree_rss: int  # bytes, sampled sum over the process tree
    largest_process_rss: int  # bytes, from the kernel (wait4)
    returncode: int
    log: Path
    cpu_seconds: float = 0.0  # user + system, the command and the children it waited for

    @property
    def peak_memory(self) -> int:
        return max(self.peak_tree_rss, self.largest_process_rss)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses; fields follow the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 once it is gone)."""
    children = _children_map()
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as f:
                total += int(f.read().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(current, ()))
    return total


class TreeSampler:
    """Samples a process tree's resident memory in a thread until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # Material prints a banner about its end of life on every build; it is noise here.
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.update(extra or {})
    return env


def run_measured(cmd: Sequence[str], *, cwd: Path, log: Path, timeout: float = 3600,
                 env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd`` to completion, measuring time and memory; output goes to ``log``.

    Data earlier commands wrote is flushed to disk first, so a build that
    follows a large one (warm after cold) does not wait for the kernel to
    write the previous build's files while it is being timed.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    os.sync()
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                env=env or bench_env(), start_new_session=True)
        sampler = TreeSampler(proc.pid)
        timer = threading.Timer(timeout, _stop_group, args=(proc.pid,))
        timer.start()
        try:
            # wait4 rather than Popen.wait: it also returns the child's resource usage.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        peak = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, peak, usage.ru_maxrss * 1024, proc.returncode, log,
                    cpu_seconds=usage.ru_utime + usage.ru_stime)


def _stop_group(pid: int) -> None:
    """End a process group this module started (by its leader's id)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            if _reaped(pid):
                return
            time.sleep(0.05)


def _reaped(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return b") Z " in f.read()
    except OSError:
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, b""


@dataclass
class ServeResult:
    startup_seconds: float
    reload_seconds: list[float]
    log: Path


class ServeTimeout(RuntimeError):
    pass


def measure_serve(cmd: Sequence[str], *, cwd: Path, log: Path, url: str,
                  edit: Callable[[str], None], edits: int = 3, startup_timeout: float = 1800,
                  reload_timeout: float = 600, settle: float = 1.0,
                  env: dict[str, str] | None = None) -> ServeResult:
    """Start a dev server, then time each edit until the page at ``url`` shows it.

    ``edit(token)`` must change a source file so that ``token`` appears in the
    page once rebuilt. The clock starts when the edited file is in place and
    stops at the first response that contains the token.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                env=bench_env(env), start_new_session=True)
        try:
            startup = _wait_for(url, None, proc, start, startup_timeout)
            reloads = []
            for index in range(edits):
                # The watcher must see a new event, and file times a new value.
                time.sleep(settle)
                token = f"benchmark-edit-{os.getpid()}-{index}-{time.time_ns()}"
                began = time.perf_counter()
                edit(token)
                reloads.append(_wait_for(url, token.encode(), proc, began, reload_timeout))
        finally:
            _stop_group(proc.pid)
            proc.wait()
    return ServeResult(startup, reloads, log)


def _wait_for(url: str, token: bytes | None, proc: subprocess.Popen, began: float,
              timeout: float) -> float:
    while True:
        status, body = fetch(url)
        if status == 200 and (token is None or token in body):
            return time.perf_counter() - began
        if proc.poll() is not None:
            raise ServeTimeout(f"the server exited with code {proc.returncode} before {url} "
                               "was served")
        if time.perf_counter() - began > timeout:
            raise ServeTimeout(f"{url} did not show the change within {timeout:.0f} s")
        time.sleep(0.02)


def directory_bytes(path: Path, *, skip_suffix: str | None = None) -> tuple[int, int]:
    """(total bytes, file count) under ``path``, optionally leaving out one file suffix."""
    total = count = 0
    for current, _, files in os.walk(path):
        for name in files:
            if skip_suffix and name.endswith(skip_suffix):
                continue
            total += os.path.getsize(os.path.join(current, name))
            count += 1
    return total, count


def children_maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def package_version(name: str) -> str:
    """The installed version of distribution ``name``, or "not installed"."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
