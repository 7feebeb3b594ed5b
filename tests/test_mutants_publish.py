"""Mutation testing of site_builder/write/publish.py (tests/MUTANTS.md): output/ is kept
when it already holds this very output, else the render is staged and swapped in whole;
a failed render leaves output/ as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from site_builder.errors import SiteError, problem
from site_builder.outputs import Keyed
from site_builder.speed import uptodate
from site_builder.speed.cache import Cache
from site_builder.speed.session import Session
from site_builder.write.publish import publish

FILES = {"index.html": b"home", "a/index.html": b"a"}


def render_of(files: dict[str, bytes], calls: list | None = None):
    def render(staging):
        if calls is not None:
            calls.append(1)
        return staging.put_all(files)

    return render


def never(staging):
    raise AssertionError("rendered though output/ held this output")


def session(tmp_path: Path, **options) -> Session:
    return Session(1, Cache(tmp_path / ".site-cache"), **options)


def test_a_first_build_writes_every_file_and_its_manifest(tmp_path: Path) -> None:
    out = tmp_path / "output"
    done = publish(out, session(tmp_path), "f1", {"warnings": ["w"]}, render_of(FILES))
    assert done.written == 2 and not done.problems
    assert sorted(done.manifest) == sorted(FILES)
    assert (out / "index.html").read_bytes() == b"home" and (out / "a/index.html").read_bytes() == b"a"
    manifest = json.loads(uptodate.manifest_path(out.absolute()).read_text(encoding="utf-8"))
    assert manifest["fingerprint"] == "f1" and manifest["warnings"] == ["w"]  # kept for the next build


def test_the_same_output_again_is_kept_and_what_the_build_found_is_recorded(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, session(tmp_path), "f1", {}, render_of(FILES))
    done = publish(out, session(tmp_path), "f1", {"warnings": ["w"]}, never)
    assert done.written == 0 and sorted(done.manifest) == sorted(FILES)
    manifest = json.loads(uptodate.manifest_path(out.absolute()).read_text(encoding="utf-8"))
    assert manifest["warnings"] == ["w"] and manifest["fingerprint"] == "f1"


def test_another_fingerprint_or_none_renders_again(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, session(tmp_path), "f1", {}, render_of(FILES))
    calls: list = []
    done = publish(out, session(tmp_path), "f2", {}, render_of({"b.html": b"b"}, calls))
    assert calls and done.written == 1 and (out / "b.html").read_bytes() == b"b"
    assert not (out / "index.html").exists()
    done = publish(out, session(tmp_path), "", {}, render_of({"b.html": b"c"}, calls))
    assert len(calls) == 2 and (out / "b.html").read_bytes() == b"c"


def test_a_trusted_folder_with_this_output_is_kept_without_reading_it(tmp_path: Path) -> None:
    out = tmp_path / "output"
    first = publish(out, session(tmp_path, in_place=True), "f1", {}, render_of(FILES))
    known = ("f1", first.manifest)
    done = publish(out, session(tmp_path, in_place=True, known=known), "f1", {}, never)
    assert done.written == 0 and done.manifest == first.manifest
    # Another fingerprint, no cache, or no folder: rendered.
    calls: list = []
    publish(out, session(tmp_path, in_place=True, known=known), "f2", {}, render_of(FILES, calls))
    assert calls == [1]
    # The folder's own manifest says f1; only the trust of a cached session says f9.
    trusting = ("f9", first.manifest)
    assert publish(out, session(tmp_path, in_place=True, known=trusting), "f9", {}, never).written == 0
    bare = Session(1, Cache(None), in_place=True, known=trusting)
    publish(out, bare, "f9", {}, render_of(FILES, calls))
    assert calls == [1, 1]
    swapped = session(tmp_path, in_place=False, known=("f8", first.manifest))
    publish(out, swapped, "f8", {}, render_of(FILES, calls))
    assert calls == [1, 1, 1]
    gone = tmp_path / "gone"
    publish(gone, session(tmp_path, in_place=True, known=trusting), "f9", {}, render_of(FILES, calls))
    assert calls == [1, 1, 1, 1] and (gone / "index.html").read_bytes() == b"home"


def test_a_folder_that_cannot_be_made_is_a_problem_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file/output"
    done = publish(target, session(tmp_path), "f1", {}, never, named=Path("file/output"))
    assert done.written == 0 and done.manifest == {}
    (found,) = done.problems
    assert found.code == "OUTPUT_UNWRITABLE" and found.path == "file/output" and found.severity == "error"
    assert found.line == 0 and dict(found.args) == {"detail": "File exists"}  # the system's reason
    done = publish(target, session(tmp_path), "f1", {}, never)
    assert done.problems[0].path == str(target)


def test_a_failed_render_leaves_output_as_it_was_and_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, session(tmp_path), "f1", {}, render_of(FILES))
    before = sorted(p.name for p in tmp_path.iterdir())
    stop = problem("content/a.md", 3, "error", "OUTPUT_UNWRITABLE", detail="x")

    def fails(staging):
        staging.put_all({"index.html": b"half"})
        raise SiteError([stop])

    done = publish(out, session(tmp_path), "f2", {}, fails)
    assert done.problems == [stop] and done.written == 0
    assert (out / "index.html").read_bytes() == b"home"
    assert sorted(p.name for p in tmp_path.iterdir()) == before

    def crashes(staging):
        staging.put_all({"index.html": b"half"})
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish(out, session(tmp_path), "f2", {}, crashes)
    assert (out / "index.html").read_bytes() == b"home"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_output_of_unknown_fingerprint_is_never_taken_for_the_same(tmp_path: Path) -> None:
    """A build whose fingerprint is unknown ("") renders every time, even over an output a
    build of unknown fingerprint left: "" names no output."""
    out = tmp_path / "output"
    publish(out, session(tmp_path), "", {}, render_of({"a.html": b"old"}))
    done = publish(out, session(tmp_path), "", {}, render_of({"a.html": b"new"}))
    assert done.written == 1 and (out / "a.html").read_bytes() == b"new"


def test_a_trusted_folder_keeps_unchanged_pages_in_place_without_rendering_them(tmp_path: Path) -> None:
    """The preview server's folder: updated in place (the same folder, not swapped), and a
    page whose key is the one it was last written with (as the session knows: the folder's
    manifest on disk is older) is not rendered again."""
    out = tmp_path / "output"
    first = publish(
        out, session(tmp_path, in_place=True), "f1", {}, render_of({"p.html": Keyed("k1", lambda: b"one")})
    )
    folder = out.stat().st_ino
    known = session(tmp_path, in_place=True, known=("f1", first.manifest))
    second = publish(out, known, "f2", {}, render_of({"p.html": Keyed("k2", lambda: b"two"), "q.html": b"q"}))
    assert not second.problems and (out / "q.html").read_bytes() == b"q" and out.stat().st_ino == folder
    known = session(tmp_path, in_place=True, known=("f2", second.manifest))
    third = publish(out, known, "f3", {}, render_of({"p.html": Keyed("k2", never_page)}))
    assert not third.problems and (out / "p.html").read_bytes() == b"two" and out.stat().st_ino == folder
    assert not (out / "q.html").exists()


def never_page() -> bytes:
    raise AssertionError("rendered a page whose key did not change")


def test_a_folder_named_in_bytes_that_are_not_utf8_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    named = Path(os.fsdecode(b"file/out\xff"))
    done = publish(tmp_path / "file/out", session(tmp_path), "f1", {}, never, named=named)
    assert done.problems[0].code == "OUTPUT_UNWRITABLE" and done.problems[0].path == "file/out\ufffd"
