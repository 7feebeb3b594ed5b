"""Files replaced by other bytes of the same size with their modification time kept, as
`cp -p`, `rsync -t` and `tar x` leave them (issue 22, W3): the next build with the cache
publishes the new bytes, as a --no-cache build does."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from attachkit import MINI_PDF
from sitekit import NOW, item, make_site, run_cli

ATTACHMENT = "content/press-releases/report/smeta.pdf"
STATIC = "static/logo.svg"


def replace_keeping_mtime(path: Path, data: bytes) -> None:
    """What `cp -p NEW path` does: other bytes, the same size, the old modification time."""
    before = path.stat()
    assert len(data) == before.st_size
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        {
            "content/press-releases/report/index.md": item("Отчёт о смете"),
            ATTACHMENT: MINI_PDF + b"% old bytes\n",
            STATIC: b"<svg>old</svg>",
        },
    )


@pytest.mark.parametrize("rel", [ATTACHMENT, STATIC])
def test_a_build_publishes_bytes_replaced_with_the_same_size_and_mtime(tmp_path: Path, rel: str) -> None:
    root = site(tmp_path)
    published = {ATTACHMENT: "output/press-releases/report/smeta.pdf", STATIC: "output/static/logo.svg"}[rel]
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    old = (root / rel).read_bytes()
    assert (root / published).read_bytes() == old
    new = old.replace(b"old", b"new")
    replace_keeping_mtime(root / rel, new)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    assert (root / published).read_bytes() == new


def test_the_preview_publishes_bytes_replaced_with_the_same_size_and_mtime(
    tmp_path: Path, monkeypatch
) -> None:
    """The preview server knows no hashes of attachments: their stat must show the change
    (the change time: no wait for the file to settle here)."""
    from site_builder.commands.livereload import Hub
    from site_builder.commands.serve import Preview
    from site_builder.speed import uptodate

    monkeypatch.setattr(uptodate, "SETTLED_NS", 0)
    root = site(tmp_path)
    now = datetime.fromisoformat(NOW)
    preview = Preview(root, tmp_path / "preview", Hub(), False, "en", lambda: now)
    assert preview.rebuild()
    published = tmp_path / "preview/press-releases/report/smeta.pdf"
    assert published.read_bytes() == MINI_PDF + b"% old bytes\n"
    replace_keeping_mtime(root / ATTACHMENT, MINI_PDF + b"% new bytes\n")
    assert preview.rebuild()
    assert published.read_bytes() == MINI_PDF + b"% new bytes\n"
