"""Issue 22, the command line: --output never over the sources (S2), extreme moments from
the command line and the environment (T2), names that are not UTF-8 in the media requests
and printing that never fails a command (T4), `approve` on a file that is no item (T6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, item, make_site, run_cli, tree

GOOD = item("Хороший материал", tags=["город"])
DRAFT = item("Черновик", "2026-11-25T10:00:00+06:00", status="review", approval=None)
REQUEST = "---\ntitle: Запрос\nreceived: 2026-10-29\noutlet: СМИ\ntopic: Тема\n---\nТекст.\n"


def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        {
            "content/press-releases/2026/good.md": GOOD,
            "content/media-requests/2026/request.md": REQUEST,
            "templates/partials/footer_extra.html": "<p>подвал</p>\n",
            "static/robots-extra.txt": "x\n",
        },
    )


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, **popen) -> tuple[int, str, str]:
    """`python -m site_builder ARGS` with these environment variables on top of the usual."""
    base = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "SITE_BUILDER_LANG")}
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=cwd,
        stdout=popen.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        timeout=120,
        env=base | {"PYTHONIOENCODING": "utf-8"} | (env or {}),
        **popen,
    )
    out, err = (data.decode("utf-8", "replace") if data else "" for data in (done.stdout, done.stderr))
    return done.returncode, out, err


# --- S2: --output --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "code"),
    [
        ("content", "OUTPUT_IN_SOURCES"),
        ("content/press-releases", "OUTPUT_IN_SOURCES"),
        ("templates/x", "OUTPUT_IN_SOURCES"),
        ("static", "OUTPUT_IN_SOURCES"),
        (".git", "OUTPUT_IN_SOURCES"),
        ("static/../content", "OUTPUT_IN_SOURCES"),
        (".", "OUTPUT_IS_SITE"),
        ("..", "OUTPUT_IS_SITE"),  # the folder that holds the site
        ("config.yaml", "OUTPUT_NOT_FOLDER"),
        ("config.yaml/x", "OUTPUT_NOT_FOLDER"),
        ("link-to-content", "OUTPUT_IN_SOURCES"),  # a link to the sources
        ("link-to-content/x", "OUTPUT_IN_SOURCES"),
        ("link-to-parent", "OUTPUT_IS_SITE"),
        ("../foreign", "OUTPUT_FOREIGN"),  # a folder of someone else's files
    ],
)
def test_an_output_over_the_sources_is_refused_and_nothing_is_written(tmp_path: Path, output: str, code: str):
    root = site(tmp_path)
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "link-to-content").symlink_to("content")
    (root / "link-to-parent").symlink_to("..")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign/photo.jpg").write_bytes(b"\xff\xd8 not ours")
    before = tree(tmp_path)
    for lang in ("en", "ru"):
        status, out, err = run_cli("build", "--now", NOW, "--output", output, "--lang", lang, cwd=root)
        assert status == 1 and "Traceback" not in out + err, out + err
        assert err.startswith(f"{output}: error {code} "), err
        assert err.count(" error ") == 1, err  # one clear diagnostic
    status, out, _ = run_cli("build", "--now", NOW, "--output", output, "--format", "json", cwd=root)
    assert status == 1 and [p["code"] for p in json.loads(out)] == [code]
    assert tree(tmp_path) == before  # no output, no cache, no source touched


def test_the_library_refuses_too(tmp_path: Path):
    from site_builder.build import build

    root = site(tmp_path)
    before = tree(tmp_path)
    result = build(root, datetime.fromisoformat(NOW), root / "content")
    assert [p.code for p in result.problems] == ["OUTPUT_IN_SOURCES"]
    assert tree(tmp_path) == before


def test_an_output_a_build_made_is_built_again(tmp_path: Path):
    """A new folder, an empty one, the default output/ and one built before are fine, the
    last even when a build was killed between the swap and writing its manifest."""
    root = site(tmp_path)
    (tmp_path / "empty").mkdir()
    for output in ("../new/deeper", "../empty", "output", "output", "../empty"):
        status, out, err = run_cli("build", "--now", NOW, "--output", output, "--no-cache", cwd=root)
        assert status == 0, out + err
    (root / ".output.manifest.json").unlink()  # as a kill right after the swap leaves it
    status, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert status == 0 and (root / "output/index.html").is_file(), out + err
