"""The writer's spare tree: a build stages into the tree the last swap took out.

Whatever that tree holds — a file where a folder must now go, a folder where a file must
go, a link someone made — the output must be exactly the files of the build, written
by any of the forked workers, and nothing may be written through a link.
"""

from __future__ import annotations

import hashlib
import os
from functools import partial
from pathlib import Path

from sitekit import tree

from site_builder.speed import parallel
from site_builder.write.staging import Staging


def build(output: Path, *tasks: dict[str, bytes]) -> None:
    """One build: each dict of files written by a task of its own, over two workers."""
    staging = Staging(output)
    manifest: dict[str, list] = {}
    for found in parallel.run([partial(staging.put_all, files) for files in tasks], jobs=2):
        manifest |= found
    staging.commit(manifest, fingerprint="f")


def expected(*tasks: dict[str, bytes]) -> dict[str, str]:
    """The `tree` of a folder holding these files and nothing else."""
    out: dict[str, str] = {}
    for files in tasks:
        for rel, data in files.items():
            out[rel] = digest(data)
            parent = os.path.dirname(rel)
            while parent:
                out[parent + "/"] = "dir"
                parent = os.path.dirname(parent)
    return out


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


PAGE = {"index.html": b"<p>home</p>", "news/a/index.html": b"<p>a</p>"}


def test_files_and_folders_that_change_places(tmp_path: Path) -> None:
    output = tmp_path / "output"
    first = {"static/docs": b"a file", "static/css/site.css": b"body {}", "gone/x/index.html": b"x"}
    build(output, PAGE, first)
    build(output, PAGE, first | {"news/b/index.html": b"<p>b</p>"})  # the first tree is the spare now
    assert (tmp_path / ".output.spare/static/docs").is_file()
    # A worker puts a folder where the spare has a file, and a file where it has a folder.
    second = {"static/docs/guide.pdf": b"%PDF", "static/css": b"now a file"}
    build(output, PAGE, second)
    assert tree(output) == expected(PAGE, second)
    build(output, PAGE, first)  # and back, staging into the tree of the second build
    assert tree(output) == expected(PAGE, first)
    build(output, PAGE, second)
    assert tree(output) == expected(PAGE, second)


def test_nothing_is_written_through_a_link_in_the_spare(tmp_path: Path) -> None:
    output, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_bytes(b"not the site's")
    files = {"media/a.txt": b"a", "media/b.txt": b"b"}
    build(output, PAGE, files)
    # Someone replaces a folder of output/ by a link, and a page by a link to a file.
    for name in ("a.txt", "b.txt"):
        (output / "media" / name).unlink()
    (output / "media").rmdir()
    (output / "media").symlink_to(elsewhere)
    (output / "index.html").unlink()
    (output / "index.html").symlink_to(elsewhere / "keep.txt")
    build(output, PAGE, files | {"news/b/index.html": b"b"})  # the touched tree becomes the spare
    build(output, PAGE, files)  # staged into it
    assert tree(output) == expected(PAGE, files)
    assert tree(elsewhere) == {"keep.txt": digest(b"not the site's")}


def test_an_output_that_is_a_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    output, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_bytes(b"someone else's")
    output.symlink_to(elsewhere)
    build(output, PAGE)
    build(output, PAGE, {"news/b/index.html": b"b"})
    assert tree(output) == expected(PAGE, {"news/b/index.html": b"b"})
    assert tree(elsewhere) == {"index.html": digest(b"someone else's")}
    assert not (tmp_path / ".output.spare").is_symlink()


def test_a_page_taken_down_is_not_removed_through_a_link(tmp_path: Path) -> None:
    """The pages a build takes down are removed from the tree it takes out, but not
    through a folder someone replaced by a link to a folder of their own."""
    output, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_bytes(b"their own")
    build(output, PAGE, {"media/a.txt": b"a"})
    (output / "media/a.txt").unlink()
    (output / "media").rmdir()
    (output / "media").symlink_to(elsewhere)
    build(output, PAGE)  # takes media/a.txt down; the touched tree becomes the spare
    assert tree(elsewhere) == {"a.txt": digest(b"their own")}
    assert tree(output) == expected(PAGE)


def test_a_page_taken_down_does_not_wait_in_the_spare(tmp_path: Path) -> None:
    output = tmp_path / "output"
    build(output, PAGE, {"news/secret/index.html": b"withdrawn later"})
    build(output, PAGE)
    assert not (tmp_path / ".output.spare/news/secret/index.html").exists()
    assert tree(output) == expected(PAGE)
