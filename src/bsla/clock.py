"""The build's time: SOURCE_DATE_EPOCH (the Reproducible Builds convention), else now.

``pin_build_time`` sets SOURCE_DATE_EPOCH to the last commit's time when it is
not set, at the start of every build, so that every date a build writes (the
engine's and MkDocs' own, such as the sitemap's) is the same for two builds of
one commit, whenever and wherever they run. Outside git nothing is pinned and
the build time is the time of the build.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from bsla.provenance import last_commit_time

VARIABLE = "SOURCE_DATE_EPOCH"


def build_time() -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else now (to the second), in UTC."""
    epoch = os.environ.get(VARIABLE, "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def pin_build_time(root: Path) -> None:
    """Default SOURCE_DATE_EPOCH to the last commit's time under ``root``, if git knows it."""
    if os.environ.get(VARIABLE, "").isdigit():
        return
    committed = last_commit_time(root)
    if committed is not None:
        os.environ[VARIABLE] = str(committed)
