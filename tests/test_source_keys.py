"""Resource files named as the Git date lookups name them (bsla.git_dates.source_keys)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bsla.git_dates import source_keys

SEGMENT = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
                  min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))


@given(st.lists(SEGMENT, min_size=1, max_size=5))
def test_a_path_under_the_root_is_named_as_relative_to_gives_it(parts):
    root = Path("/work/library")
    path = root.joinpath(*parts)
    assert source_keys([path], root) == [path.relative_to(root).as_posix()]


def test_paths_outside_the_root_or_only_sharing_its_prefix_have_no_key():
    root = Path("/work/library")
    assert source_keys([Path("/work/library-old/briefs/a.yml"), Path("/elsewhere/a.yml"),
                        Path("/work/library/briefs/a.yml")], root) == ["", "", "briefs/a.yml"]
