"""The safety net: an exception nobody foresaw while reading one file is one located line.

The run goes on with the other files and ends with every problem and exit 1,
as Pelican keeps going past a bad file. The property tests
(tests/hostile/test_properties.py) check that none of their inputs needs the net.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import bsla.schema
from bsla.catalog import load_catalog
from bsla.errors import LibraryError
from tests.conftest import REPO, Project

IB = "briefs/issue-briefs"


def test_an_unexpected_exception_is_one_line_and_the_run_goes_on(project, monkeypatch):
    project.resource(IB, "fine")
    project.resource(IB, "boom")
    project.resource(IB, "unknown-field", colour="blue")
    real = bsla.schema.validate_resource

    def explode_on_boom(doc, *args, **kwargs):
        if doc.data.get("id") == "boom":
            raise RuntimeError("a bug\nwith two lines")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr("bsla.catalog.validate_resource", explode_on_boom)
    with pytest.raises(LibraryError) as caught:
        load_catalog(project.root)
    by_path = {p.path: p for p in caught.value.problems}
    assert set(by_path) == {f"{IB}/boom.yml", f"{IB}/unknown-field.yml"}
    net = by_path[f"{IB}/boom.yml"]
    assert (net.line, net.code) == (1, "internal")
    assert net.message == ("internal error while reading this file (RuntimeError: a bug\\nwith "
                           "two lines); please report it")


def test_the_command_line_exits_1_without_a_traceback(tmp_path):
    project = Project(tmp_path / "library")
    project.resource(IB, "fine")
    project.resource(IB, "boom")
    script = (
        "import sys, bsla.catalog as c\n"
        "real = c.validate_resource\n"
        "def boom(doc, *a, **k):\n"
        "    if doc.data.get('id') == 'boom': raise RuntimeError('unforeseen')\n"
        "    return real(doc, *a, **k)\n"
        "c.validate_resource = boom\n"
        "from bsla.cli import main\n"
        "sys.exit(main(['check']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=project.root,
                            capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "src")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{IB}/boom.yml:1: internal error while reading this file (RuntimeError: unforeseen); "
        "please report it",
        "1 problem found; nothing was published.",
    ]
