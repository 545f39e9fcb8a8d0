"""The build's time: now, or SOURCE_DATE_EPOCH when set (the Reproducible Builds convention)."""

from __future__ import annotations

import datetime as dt
import os


def build_time() -> dt.datetime:
    """Now (to the second), or SOURCE_DATE_EPOCH when set, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
