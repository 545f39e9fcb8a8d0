"""The locks in requirements/ agree with pyproject.toml, so a forgotten `make lock` fails here.

`make serve`, `make test` and the workflows install only from the locks
(`pip install --require-hashes`), so a dependency added to pyproject.toml but
not locked would be missing from every install; a raised lower bound the lock
does not meet would be silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

BASE_LOCK = REPO / "requirements" / "base.lock"
TEST_LOCK = REPO / "requirements" / "test.lock"
BUILD_INPUT = REPO / "requirements" / "build.in"
PROJECT = "bsla-library"
# The test extra brings these other extras of the project along.
TEST_EXTRA = "test"


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]


def read_lock(text: str) -> list[Pin]:
    """The pins of a requirements file as `uv pip compile --generate-hashes` writes it."""
    pins: list[Pin] = []
    # One requirement per logical line: backslash continuations hold its hashes.
    logical = re.sub(r"\\\n", " ", text)
    for line in logical.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        hashes = tuple(re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
        requirement = Requirement(re.sub(r"\s--hash=\S+", "", line).strip())
        (spec,) = requirement.specifier  # exactly one `==` pin, or this fails loudly
        assert spec.operator == "==", f"{line}: not an exact pin"
        pins.append(Pin(canonicalize_name(requirement.name), Version(spec.version),
                        requirement.marker, hashes))
    return pins


def declared(pyproject: dict, extras: tuple[str, ...] = ()) -> list[Requirement]:
    """The project's requirements with ``extras``, following the extras it names of itself."""
    project = pyproject["project"]
    found = [Requirement(text) for text in project["dependencies"]]
    seen: set[str] = set()
    pending = list(extras)
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in project["optional-dependencies"][extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == canonicalize_name(project["name"]):
                pending.extend(requirement.extras)
            else:
                found.append(requirement)
    return found


def lock_problems(requirements: list[Requirement], pins: list[Pin], lock_name: str) -> list[str]:
    """What keeps ``pins`` from installing ``requirements``; empty when the lock fits."""
    problems = []
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
        if not pin.hashes:
            problems.append(f"{lock_name}: {pin.name}=={pin.version} has no hash")
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        here = [p for p in by_name.get(name, []) if p.marker is None or p.marker.evaluate()]
        if not here:
            problems.append(f"{lock_name}: {requirement.name} (pyproject.toml) is not pinned; "
                            "run `make lock`")
            continue
        for pin in here:
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{lock_name}: {name}=={pin.version} is outside "
                                f"`{requirement}` (pyproject.toml); run `make lock`")
    return problems


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


def build_requirements(pyproject: dict) -> list[Requirement]:
    return [Requirement(text) for text in pyproject["build-system"]["requires"]]


def test_the_base_lock_installs_what_pyproject_asks_for(pyproject):
    wanted = declared(pyproject) + build_requirements(pyproject)
    assert lock_problems(wanted, read_lock(BASE_LOCK.read_text("utf-8")), "base.lock") == []


def test_the_test_lock_installs_the_test_extra_too(pyproject):
    wanted = declared(pyproject, (TEST_EXTRA,)) + build_requirements(pyproject)
    assert lock_problems(wanted, read_lock(TEST_LOCK.read_text("utf-8")), "test.lock") == []


def test_the_build_backend_is_locked_as_pyproject_declares_it(pyproject):
    # `pip install --no-build-isolation -e .` builds with the locked setuptools.
    declared_build = {str(r) for r in build_requirements(pyproject)}
    listed = {line.strip() for line in BUILD_INPUT.read_text("utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    assert listed == declared_build


def test_both_locks_pin_a_shared_package_to_one_version():
    base = {(p.name, str(p.marker)): p.version for p in read_lock(BASE_LOCK.read_text("utf-8"))}
    test = {(p.name, str(p.marker)): p.version for p in read_lock(TEST_LOCK.read_text("utf-8"))}
    assert set(base) <= set(test)
    assert {key: version for key, version in base.items() if test[key] != version} == {}


def test_the_locks_say_how_they_are_made():
    for lock in (BASE_LOCK, TEST_LOCK):
        assert lock.read_text("utf-8").splitlines()[:2] == [
            "# This file was autogenerated by uv via the following command:",
            "#    make lock"]


def test_a_dependency_added_without_make_lock_is_reported(pyproject):
    changed = {**pyproject, "project": {**pyproject["project"], "dependencies": [
        *pyproject["project"]["dependencies"], "left-unlocked-example>=1.0", "pyyaml>=99"]}}
    problems = lock_problems(declared(changed), read_lock(BASE_LOCK.read_text("utf-8")),
                             "base.lock")
    assert len(problems) == 2
    assert any(p.startswith("base.lock: left-unlocked-example (pyproject.toml) is not pinned")
               for p in problems)
    assert any("pyyaml" in p and "outside `pyyaml>=99`" in p for p in problems)


def test_a_pin_without_hash_is_reported():
    pins = read_lock("nh3==0.3.8 \\\n    --hash=sha256:" + "a" * 64 + "\npyyaml==6.0.4\n")
    assert [p.hashes != () for p in pins] == [True, False]
    assert lock_problems([], pins, "x.lock") == ["x.lock: pyyaml==6.0.4 has no hash"]
