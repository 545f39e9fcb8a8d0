"""Compiled templates are kept on disk between processes, and never outlive their source."""

from __future__ import annotations

import jinja2

from bsla.pages.templates import _CompiledTemplates


def _environment(cache: _CompiledTemplates, source: str) -> tuple[jinja2.Environment, list[str]]:
    compiled: list[str] = []
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}),
                             bytecode_cache=cache, autoescape=True)
    original = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(source, name, filename, raw, defer_init)

    env.compile = counting  # type: ignore[method-assign]
    return env, compiled


def test_a_new_process_reuses_what_an_earlier_one_compiled(tmp_path):
    first = _CompiledTemplates()
    first.keep_in(tmp_path)
    env, compiled = _environment(first, "Hello {{ name }}")
    assert env.get_template("page.html").render(name="<b>") == "Hello &lt;b&gt;"
    assert compiled == ["page.html"] and len(list(tmp_path.glob("*.cache"))) == 1
    # A later process: an empty memory, the same folder.
    later = _CompiledTemplates()
    later.keep_in(tmp_path)
    env, compiled = _environment(later, "Hello {{ name }}")
    assert env.get_template("page.html").render(name="x") == "Hello x"
    assert compiled == []


def test_an_edited_template_is_compiled_again(tmp_path):
    first = _CompiledTemplates()
    first.keep_in(tmp_path)
    _environment(first, "Old {{ name }}")[0].get_template("page.html").render(name="x")
    later = _CompiledTemplates()
    later.keep_in(tmp_path)
    env, compiled = _environment(later, "New {{ name }}")
    assert env.get_template("page.html").render(name="x") == "New x"
    assert compiled == ["page.html"]


def test_a_damaged_or_unwritable_cache_only_costs_compiling(tmp_path):
    cache = _CompiledTemplates()
    cache.keep_in(tmp_path)
    _environment(cache, "A {{ name }}")[0].get_template("page.html").render(name="x")
    for path in tmp_path.glob("*.cache"):
        path.write_bytes(b"not bytecode")
    later = _CompiledTemplates()
    later.keep_in(tmp_path)
    env, compiled = _environment(later, "A {{ name }}")
    assert env.get_template("page.html").render(name="y") == "A y"
    assert compiled == ["page.html"]
    blocked = _CompiledTemplates()
    blocked.keep_in(tmp_path / "file-not-folder" / "x")
    (tmp_path / "file-not-folder").write_text("", encoding="utf-8")
    env, _ = _environment(blocked, "B {{ name }}")
    assert env.get_template("page.html").render(name="z") == "B z"
