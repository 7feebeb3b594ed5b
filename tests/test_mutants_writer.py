"""The writer's promises, each on its own (found by mutation testing, tests/MUTANTS.md):
recovery of a half-done swap, refused paths, the manifest the next build trusts, the
preview server's in-place folder, and pages kept without being rendered again."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sitekit import tree

from site_builder.outputs import CopyFrom, Keyed
from site_builder.speed import uptodate
from site_builder.write import disk, swap
from site_builder.write import manifest as output_manifest
from site_builder.write.staging import Staging


def build(output: Path, files: dict, **options) -> Staging:
    staging = Staging(output, **{k: v for k, v in options.items() if k != "fingerprint"})
    staging.commit(staging.put_all(files), fingerprint=options.get("fingerprint", "f"))
    return staging


def manifest(output: Path) -> dict:
    return json.loads(uptodate.manifest_path(output.absolute()).read_text(encoding="utf-8"))


def never() -> bytes:
    raise AssertionError("rendered a page whose key did not change")


@pytest.mark.parametrize("rel", ["", "/etc/x", "a/../b", "..", "a//b", "a/", "a\x00b"])
def test_a_path_outside_the_tree_is_refused(tmp_path, rel):
    staging = Staging(tmp_path / "output")
    with pytest.raises(ValueError, match="unsafe output path"):
        staging.put(rel, b"x")
    staging.abort()
    assert not (tmp_path / "output").exists() and list(tmp_path.iterdir()) == []


def test_recover_finishes_a_swap_interrupted_between_its_renames(tmp_path):
    output = tmp_path / "output"
    build(output, {"index.html": b"old"})
    output.rename(tmp_path / ".output.old")  # killed after the first rename
    (tmp_path / ".output.tmp-99").mkdir()  # a killed build's staging tree
    (tmp_path / ".output.spare").mkdir()  # the spare: a whole tree, kept
    (tmp_path / ".output.spare.json").write_text("{}", encoding="utf-8")
    swap.recover(output)
    assert (output / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".output.manifest.json",
        ".output.site-builder",  # the mark of a folder the builds own (outputdir.py)
        ".output.spare",
        ".output.spare.json",
        "output",
    ]


def test_recover_leaves_a_whole_output_alone(tmp_path):
    output = tmp_path / "output"
    build(output, {"index.html": b"new"})
    (tmp_path / ".output.old").mkdir()
    (tmp_path / ".output.old" / "index.html").write_bytes(b"old")
    swap.recover(output)
    assert (output / "index.html").read_bytes() == b"new" and not (tmp_path / ".output.old").exists()


def test_the_manifest_names_every_file_with_its_digest_size_and_key(tmp_path):
    output = tmp_path / "output"
    source = tmp_path / "logo.svg"
    source.write_bytes(b"<svg/>")
    build(
        output,
        {"a/index.html": b"page", "k.html": Keyed("k1", lambda: b"keyed"), "logo.svg": CopyFrom(source)},
    )
    found = manifest(output)
    assert found["fingerprint"] == "f"
    rows = found["files"]
    assert sorted(rows) == ["a/index.html", "k.html", "logo.svg"]
    assert rows["a/index.html"][:2] == [hashlib.sha1(b"page").hexdigest(), 4]
    assert rows["a/index.html"][3] == "" and rows["k.html"][3] == "k1"
    assert rows["logo.svg"][:2] == ["", 6]
    for rel, row in rows.items():
        assert row[2] == (output / rel).stat().st_mtime_ns


def test_unchanged_needs_the_same_fingerprint_and_untouched_files(tmp_path):
    output = tmp_path / "output"
    build(output, {"index.html": b"page"}, fingerprint="one")
    assert output_manifest.unchanged(output, "one") == manifest(output)["files"]
    assert output_manifest.unchanged(output, "two") is None
    (output / "index.html").write_bytes(b"edit")
    assert output_manifest.unchanged(output, "one") is None


def test_record_adds_to_an_existing_manifest_only(tmp_path):
    output = tmp_path / "output"
    output_manifest.record(output, next_change="x")
    assert not uptodate.manifest_path(output.absolute()).exists()
    build(output, {"index.html": b"page"})
    output_manifest.record(output, next_change="x")
    found = manifest(output)
    assert found["next_change"] == "x" and found["fingerprint"] == "f" and "index.html" in found["files"]


def test_an_unchanged_keyed_page_is_not_rendered_and_a_changed_one_is(tmp_path):
    output = tmp_path / "output"
    build(output, {"p.html": Keyed("k1", lambda: b"one"), "q.html": Keyed("k1", lambda: b"q")})
    build(output, {"p.html": Keyed("k1", never), "q.html": Keyed("k2", lambda: b"q2")})
    assert (output / "p.html").read_bytes() == b"one" and (output / "q.html").read_bytes() == b"q2"
    build(output, {"p.html": Keyed("k1", never), "q.html": Keyed("k2", never)})  # from the spare
    assert tree(output) == {"p.html": tree(output)["p.html"], "q.html": tree(output)["q.html"]}
    assert (output / "p.html").read_bytes() == b"one" and (output / "q.html").read_bytes() == b"q2"


def test_a_keyed_page_touched_since_is_rendered_again(tmp_path):
    output = tmp_path / "output"
    build(output, {"p.html": Keyed("k1", lambda: b"one")})
    (output / "p.html").write_bytes(b"vandal")
    build(output, {"p.html": Keyed("k1", lambda: b"one")})
    assert (output / "p.html").read_bytes() == b"one"


def test_an_unchanged_file_is_linked_and_without_the_cache_written_anew(tmp_path):
    output = tmp_path / "output"
    build(output, {"a.html": b"same", "b.html": b"old"})
    before = (output / "a.html").stat().st_ino
    build(output, {"a.html": b"same", "b.html": b"new"})
    assert (output / "a.html").stat().st_ino == before  # hard-linked from the previous output
    assert (output / "b.html").read_bytes() == b"new"
    build(output, {"a.html": b"same", "b.html": b"new"}, reuse=False)
    assert (output / "a.html").stat().st_ino != before
    assert not (tmp_path / ".output.spare").exists()  # --no-cache keeps no spare either
    assert tree(output) == {"a.html": tree(output)["a.html"], "b.html": tree(output)["b.html"]}


def test_two_outputs_that_write_one_path_fail(tmp_path):
    staging = Staging(tmp_path / "output")
    staging.put("x.html", b"one")
    with pytest.raises(RuntimeError, match=r"two outputs write x\.html"):
        staging.put("x.html", b"two")
    source = tmp_path / "s"
    source.write_bytes(b"s")
    with pytest.raises(RuntimeError, match=r"two outputs write x\.html"):
        staging.put("x.html", CopyFrom(source))
    staging.abort()


def test_a_copied_file_is_never_read_through_a_link(tmp_path):
    (tmp_path / "secret").write_bytes(b"secret")
    (tmp_path / "link").symlink_to(tmp_path / "secret")
    staging = Staging(tmp_path / "output")
    with pytest.raises(OSError):
        staging.put("x.pdf", CopyFrom(tmp_path / "link"))
    staging.abort()


def test_in_place_keeps_unchanged_files_replaces_changed_ones_and_removes_the_rest(tmp_path):
    output = tmp_path / "output"
    build(
        output,
        {"a.html": b"same", "b.html": b"old", "gone/deep/c.html": b"c", "gone/d.html": b"d"},
        in_place=True,
    )
    kept = (output / "a.html").stat()
    build(output, {"a.html": b"same", "b.html": b"new", "gone/d.html": b"d"}, in_place=True)
    assert (output / "a.html").stat().st_mtime_ns == kept.st_mtime_ns
    assert (output / "a.html").stat().st_ino == kept.st_ino
    assert (output / "b.html").read_bytes() == b"new"
    assert not (output / "gone" / "deep").exists() and (output / "gone" / "d.html").exists()
    assert sorted(manifest(output)["files"]) == ["a.html", "b.html", "gone/d.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.manifest.json", "output"]


def test_in_place_abort_takes_back_only_the_new_files(tmp_path):
    output = tmp_path / "output"
    build(output, {"a.html": b"a"}, in_place=True)
    staging = Staging(output, in_place=True)
    staging.put_all({"a.html": b"a2", "new/b.html": b"b"})
    staging.abort()
    assert (output / "a.html").read_bytes() == b"a2" and not (output / "new").exists()


def test_in_place_a_touched_file_is_written_again(tmp_path):
    output = tmp_path / "output"
    build(output, {"a.html": b"a"}, in_place=True)
    (output / "a.html").write_bytes(b"vandal")
    build(output, {"a.html": b"a"}, in_place=True)
    assert (output / "a.html").read_bytes() == b"a"


def test_a_trusted_folder_is_not_read_and_its_manifest_is_left_to_the_caller(tmp_path):
    output = tmp_path / "output"
    first = build(output, {"a.html": b"a", "b.html": b"b"}, in_place=True)
    known = manifest(output)["files"]
    uptodate.manifest_path(output.absolute()).unlink()
    (output / "a.html").write_bytes(b"not looked at")
    staging = Staging(output, in_place=True, known=known)
    assert staging.trusted and first.path == output.absolute()
    staging.commit(staging.put_all({"a.html": Keyed("", never), "c.html": b"c"}))
    assert (output / "a.html").read_bytes() == b"not looked at"  # trusted, as the server's own
    assert not (output / "b.html").exists() and (output / "c.html").read_bytes() == b"c"
    assert not uptodate.manifest_path(output.absolute()).exists()
    output_manifest.save(output, "g", {"c.html": ["", 1, 2, ""]})
    assert manifest(output) == {"fingerprint": "g", "files": {"c.html": ["", 1, 2, ""]}}


def test_a_spare_file_that_changed_or_went_is_not_kept(tmp_path):
    output, spare = tmp_path / "output", tmp_path / ".output.spare"
    pages = {"p.html": Keyed("k1", lambda: b"one"), "q.html": Keyed("k1", lambda: b"two")}
    build(output, pages)
    build(output, pages)  # the first tree is the spare now
    (spare / "p.html").unlink()
    (spare / "p.html").write_bytes(b"vandalised")  # another size: not the file its manifest lists
    (spare / "q.html").unlink()  # gone before the build takes the spare
    build(output, {"p.html": Keyed("k1", never), "q.html": Keyed("k1", never)})
    assert (output / "p.html").read_bytes() == b"one" and (output / "q.html").read_bytes() == b"two"


def test_a_spare_file_gone_after_the_spare_was_taken_is_not_kept(tmp_path):
    output = tmp_path / "output"
    build(output, {"p.html": Keyed("k1", lambda: b"one")})
    build(output, {"p.html": Keyed("k1", lambda: b"one")})
    staging = Staging(output)
    (staging.path / "p.html").unlink()  # listed when the spare was taken, gone now
    staging.commit(staging.put_all({"p.html": Keyed("k1", never)}), fingerprint="f")
    assert (output / "p.html").read_bytes() == b"one"


def test_abort_of_a_tree_already_gone_is_quiet(tmp_path):
    staging = Staging(tmp_path / "output")
    staging.put("x.html", b"x")
    disk.discard(staging.path)
    staging.abort()  # an error path: it must not raise over the error that called it


def test_in_place_a_file_gone_since_is_written_again_and_one_dropped_may_be_gone(tmp_path):
    output = tmp_path / "output"
    build(output, {"a.html": b"a", "b.html": b"b"}, in_place=True)
    (output / "a.html").unlink()
    (output / "b.html").unlink()
    build(output, {"a.html": b"a"}, in_place=True)  # b.html is no longer built, and already gone
    assert tree(output) == {"a.html": tree(output)["a.html"]} and (output / "a.html").read_bytes() == b"a"


def test_a_file_gone_from_the_output_since_is_written_again(tmp_path):
    output = tmp_path / "output"
    build(output, {"a.html": b"a"})
    (output / "a.html").unlink()  # the manifest still lists it: nothing to link from
    build(output, {"a.html": b"a"})
    assert (output / "a.html").read_bytes() == b"a"


def test_a_page_dropped_is_not_removed_through_a_link_above_it(tmp_path):
    output, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    (elsewhere / "x").mkdir(parents=True)
    (elsewhere / "x" / "y.txt").write_bytes(b"not the site's")
    build(output, {"index.html": b"i", "media/x/y.txt": b"y"})
    shutil.rmtree(output / "media")
    (output / "media").symlink_to(elsewhere)  # two levels above the file the next build drops
    build(output, {"index.html": b"i"})
    assert (elsewhere / "x" / "y.txt").read_bytes() == b"not the site's"
