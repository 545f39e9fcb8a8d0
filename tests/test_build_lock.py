"""The build lock: shared by named holders in one process, exclusive between processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bsla.build_lock import acquire_build_lock, build_lock, release_build_lock

OTHER_PROCESS = """
import sys
from pathlib import Path
from bsla.build_lock import acquire_build_lock
from bsla.errors import LibraryError
try:
    acquire_build_lock(Path(sys.argv[1]), "other", wait=0.3)
except LibraryError as exc:
    print(exc.problems[0])
    sys.exit(3)
print("locked")
"""


def _other_process(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(root)],
                          capture_output=True, text=True, timeout=60)


def test_held_until_the_last_holder_in_this_process_lets_go(tmp_path):
    acquire_build_lock(tmp_path, "build_site")
    acquire_build_lock(tmp_path, "hooks")
    try:
        release_build_lock("hooks")
        refused = _other_process(tmp_path)
        assert refused.returncode == 3
        assert ".cache/bsla/build.lock: another build of this checkout is running" \
            in refused.stdout
        assert "waited 0.3 s and stopped, changing nothing" in refused.stdout
    finally:
        release_build_lock("build_site")
    assert _other_process(tmp_path).stdout.strip() == "locked"


def test_releasing_a_holder_that_holds_nothing_changes_nothing(tmp_path):
    with build_lock(tmp_path, "build_site"):
        release_build_lock("hooks")  # a build that failed before it took the lock
        assert _other_process(tmp_path).returncode == 3
    assert _other_process(tmp_path).returncode == 0
