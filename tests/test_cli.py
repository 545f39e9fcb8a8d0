"""The command line: options are understood after the command as well as before it."""

from __future__ import annotations

import json

import pytest

from bsla.cli import build_parser, main


def _run(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("fmt", ["github", "json", "text"])
def test_problem_format_after_the_command_equals_before_it(project, capsys, fmt):
    project.resource("briefs/issue-briefs", "a", type="brochure")
    root = str(project.root)
    before = _run(capsys, ["--root", root, "--format", fmt, "check"])
    after = _run(capsys, ["check", "--format", fmt, "--root", root])
    assert before == after
    assert before[0] == 1
    if fmt == "github":
        assert "::error file=briefs/issue-briefs/a.yml,line=" in before[1]


def test_an_option_given_before_the_command_is_kept(project, capsys):
    project.resource("briefs/issue-briefs", "a", type="brochure")
    code, out, _ = _run(capsys, ["--format", "json", "--root", str(project.root), "check"])
    assert code == 1 and json.loads(out)["problems"]


def test_after_export_format_names_the_export(project, capsys):
    project.resource("briefs/issue-briefs", "a")
    code, out, _ = _run(capsys, ["export", "--root", str(project.root), "--format", "csv",
                                 "--out", "-"])
    assert code == 0 and out.startswith("id,title,")
    args = build_parser().parse_args(["--format", "json", "export", "--format", "csv"])
    assert (args.format, args.export_format) == ("json", "csv")


def test_every_documented_command_parses():
    """The README's command lines, as an editor would type them."""
    parser = build_parser()
    for argv in (["check", "--format", "github"], ["check", "--accessibility"],
                 ["build", "--offline", "--zip", "library.zip"], ["render", "--out", "d"],
                 ["index", "--site-dir", "d"], ["new", "x.pdf", "--collection", "issue-briefs"],
                 ["schema"], ["export", "--format", "json", "--out", "-"],
                 ["verify", "--against", "site/catalog.json"], ["linkcheck"], ["serve"],
                 ["package", "--bag", "deposit/bag", "--wacz", "deposit/library.wacz"],
                 ["build", "-q"], ["serve", "-q"]):
        assert parser.parse_args(argv).command == argv[0]
