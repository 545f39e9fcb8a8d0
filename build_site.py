#!/usr/bin/env python3
"""Command-line door to the library engine: check, build, serve, render.

Run `python build_site.py --help`. The same engine runs as MkDocs hooks, so
`mkdocs build` and `mkdocs serve` produce the same site.
"""

import sys
from pathlib import Path

# Works from a fresh clone before `pip install -e .` too.
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from bsla.cli import main

if __name__ == "__main__":
    sys.exit(main())
