"""Issue 22, S1: a symbolic link anywhere among a site's inputs is an error that names it,
and is never followed — config.yaml, content/ (items, attachments, media requests),
templates/, static/, the folders themselves included; to a file or to a folder; inside the
site or outside it; dangling or looping.  `check` reports what `build` refuses, the build
writes nothing, and not a byte of what a link leads to reaches output/.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from attachkit import MINI_PDF
from sitekit import NOW, approve_records, config_dict, config_text, item, make_site, run_cli, tree

from site_builder.cli import main
from site_builder.commands import livereload, serve
from site_builder.errors import TemplateError
from site_builder.load.config import load_config
from site_builder.outputs import CopyFrom
from site_builder.outputs.assets import _tree
from site_builder.outputs.render import environment
from site_builder.speed import uptodate
from site_builder.write import disk
from site_builder.write.staging import Staging

MARK = "S1-LINKED-SECRET-7f3a"  # the text behind every link: it must appear nowhere

REQUEST = (
    "---\ntitle: Запрос о дорогах\nreceived: 2026-11-18\noutlet: Газета\n"
    "topic: Ремонт дорог\npublic: true\n---\nОтвет готовится.\n"
)
FOOTER = '<p class="mine">{{ site.title }}</p>\n'


def base_files() -> dict[str, str | bytes]:
    """A small site that reads every kind of input: an item with an attachment, a media
    request, a partial of its own over the theme's, a static file."""
    return {
        "content/press-releases/2026/plain.md": item("Обычный пресс-релиз"),
        "content/press-releases/2026/bundle/index.md": item("Материал с вложением"),
        "content/press-releases/2026/bundle/report.pdf": MINI_PDF + b"% report\n",
        "content/media-requests/2026/roads.md": REQUEST,
        "templates/partials/footer_extra.html": FOOTER,
        "static/emblem.txt": "emblem\n",
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once (copies of it start from an up-to-date output/)."""
    root = make_site(tmp_path_factory.mktemp("base"), base_files())
    approve_records(root)
    code, out, err = run_cli("build", "--now", NOW, "--lang", "en", cwd=root)
    assert code == 0, out + err
    return root


def fresh(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built, root, symlinks=True)  # mtimes kept: output/ is as its manifest says
    return root


# What a link at each input path leads to: (kind, how to fill the target at `dest`,
# given the site root).  Folders are replaced whole by a link to a copy with the secret.
def _text(text: str) -> Callable[[Path, Path], None]:
    def fill(dest: Path, root: Path) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")

    return fill


def _folder(name: str, text: str, copy_of: str | None = None) -> Callable[[Path, Path], None]:
    def fill(dest: Path, root: Path) -> None:
        if copy_of:
            shutil.copytree(root / copy_of, dest)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(text, encoding="utf-8")

    return fill


SECRET_ITEM = item(f"Секрет {MARK}", body=f"Текст {MARK}\n")
SECRET_REQUEST = REQUEST.replace("Ремонт дорог", f"Ремонт {MARK}")
SECRET_CONFIG = config_text(config_dict(site={**config_dict()["site"], "title": f"Мэрия {MARK}"}))

CASES: dict[str, tuple[str, Callable[[Path, Path], None]]] = {
    "config.yaml": ("file", _text(SECRET_CONFIG)),
    "content": ("folder", _folder("press-releases/2026/secret.md", SECRET_ITEM, copy_of="content")),
    "templates": ("folder", _folder("partials/footer_extra.html", f"<p>{MARK}</p>", copy_of="templates")),
    "static": ("folder", _folder("secret.txt", MARK, copy_of="static")),
    "content/press-releases/2026/secret.md": ("file", _text(SECRET_ITEM)),
    "content/press-releases/2027": ("folder", _folder("secret.md", SECRET_ITEM)),
    "content/press-releases/2026/bundle/secret.txt": ("file", _text(MARK)),
    "content/press-releases/2026/bundle/files": ("folder", _folder("secret.txt", MARK)),
    "content/media-requests/2026/secret.md": ("file", _text(SECRET_REQUEST)),
    "content/media-requests/2027": ("folder", _folder("secret.md", SECRET_REQUEST)),
    "templates/partials/footer_extra.html": ("file", _text(f"<p>{MARK}</p>")),
    "templates/partials": ("folder", _folder("footer_extra.html", f"<p>{MARK}</p>")),
    "static/secret.txt": ("file", _text(MARK)),
    "static/sub": ("folder", _folder("secret.txt", MARK)),
}


def replace_by_link(root: Path, link: str, to: str | Path) -> None:
    path = root / link
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(to, path)


def run(capsys: pytest.CaptureFixture[str], root: Path, command: str) -> tuple[int, list[dict], str]:
    """The command in this process (a traceback would fail the test), its problems as JSON."""
    strict = ["--strict"] if command == "build" else []  # all or nothing (held items: test_held.py)
    code = main([command, *strict, "--root", str(root), "--now", NOW, "--lang", "en", "--format", "json"])
    out, err = capsys.readouterr()
    start = out.find("[")
    return code, json.loads(out[start:]) if start >= 0 else [], out + err


def assert_refused(
    capsys: pytest.CaptureFixture[str], root: Path, link: str, before: dict[str, str], shown_target: str
) -> None:
    for command in ("check", "build"):
        code, found, text = run(capsys, root, command)
        assert code == 1, (command, text)
        errors = [p for p in found if p["severity"] == "error"]
        assert {p["code"] for p in errors} == {"FILE_SYMLINK"}, (command, errors)
        named = [p for p in errors if p["path"] == link]
        assert named, (command, link, errors)
        assert shown_target in named[0]["message"], (command, named[0])
        assert MARK not in text
        assert tree(root / "output") == before, command
    for path in (root / "output").rglob("*"):
        if path.is_file():
            assert MARK.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("place", ["inside", "outside"])
@pytest.mark.parametrize("link", list(CASES))
def test_a_link_among_the_inputs_is_refused_and_named(built, tmp_path, capsys, link: str, place: str):
    root = fresh(built, tmp_path)
    kind, fill = CASES[link]
    where = (root / "vendor" if place == "inside" else tmp_path / "outside") / link.replace("/", "_")
    fill(where, root)
    assert where.is_dir() == (kind == "folder")
    before = tree(root / "output")
    replace_by_link(root, link, where)
    shown = f"vendor/{where.name}" if place == "inside" else str(where.resolve())
    assert_refused(capsys, root, link, before, shown)


@pytest.mark.parametrize("how", ["dangling", "loop"])
@pytest.mark.parametrize("link", list(CASES))
def test_a_dangling_or_looping_link_is_refused_and_named(built, tmp_path, capsys, link: str, how: str):
    root = fresh(built, tmp_path)
    before = tree(root / "output")
    name = Path(link).name
    replace_by_link(root, link, "missing-target" if how == "dangling" else name)
    shown = str(Path(link).parent / "missing-target") if how == "dangling" else link
    assert_refused(capsys, root, link, before, shown.removeprefix("./"))


def test_the_reported_case_a_partial_linked_to_a_system_file(built: Path, tmp_path: Path):
    """The report: `ln -sf /etc/passwd templates/partials/footer_extra.html` published the
    file on every page.  As the command line runs it, in its own process."""
    root = fresh(built, tmp_path)
    secret = tmp_path / "passwd"
    secret.write_text(f"root:x:0:0:{MARK}:/root:/bin/bash\n", encoding="utf-8")
    before = tree(root / "output")
    replace_by_link(root, "templates/partials/footer_extra.html", secret)
    for command in ("check", "build"):
        code, out, err = run_cli(command, "--now", NOW, "--lang", "en", cwd=root)
        assert code == 1, out + err
        assert "Traceback" not in out + err and MARK not in out + err
        named = "templates/partials/footer_extra.html: error FILE_SYMLINK"
        assert f"{named} this is a symbolic link to {secret}" in err
        assert tree(root / "output") == before


def test_an_editors_lock_file_is_no_input(built: Path, tmp_path: Path):
    """Emacs keeps `.#name` as a dangling link while a file is edited: not an error."""
    root = fresh(built, tmp_path)
    for folder in ("templates/partials", "static", "content/press-releases/2026"):
        os.symlink("editor@host.1234:1700000000", root / folder / ".#file")
    code, out, err = run_cli("check", "--now", NOW, "--lang", "en", cwd=root)
    assert code == 0, out + err


# --- each reader on its own, without the check in front of it ------------------------------------


def test_the_template_loader_reads_no_template_through_a_link(tmp_path: Path):
    """However a template is asked for (by name, `include`, behind a folder link), the
    loader refuses a link instead of reading it or falling back to the theme's."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "footer_extra.html").write_text(MARK, encoding="utf-8")
    root = make_site(tmp_path, {"templates/mine.html": '{% include "partials/footer_extra.html" %}'})
    env = environment(load_config(root), root, "ru")
    (root / "templates/partials").mkdir()
    os.symlink(outside / "footer_extra.html", root / "templates/partials/footer_extra.html")
    for name in ("partials/footer_extra.html", "mine.html"):
        with pytest.raises(TemplateError) as caught:
            env.get_template(name).render(lang="ru", base="/")
        [problem] = caught.value.problems
        assert (problem.path, problem.code) == ("templates/partials/footer_extra.html", "FILE_SYMLINK")
        assert str(outside / "footer_extra.html") in dict(problem.args)["target"]
    shutil.rmtree(root / "templates/partials")
    os.symlink(outside, root / "templates/partials")
    env = environment(load_config(root), root, "ru")
    with pytest.raises(TemplateError) as caught:
        env.get_template("partials/footer_extra.html")
    assert caught.value.problems[0].path == "templates/partials"


def test_static_copying_enters_no_linked_folder(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(MARK, encoding="utf-8")
    static = tmp_path / "static"
    static.mkdir()
    (static / "own.txt").write_text("own", encoding="utf-8")
    os.symlink(outside, static / "sub")
    os.symlink(outside / "secret.txt", static / "secret.txt")
    assert list(_tree(static, "static/")) == ["static/own.txt"]
    linked = tmp_path / "linked"
    os.symlink(outside, linked)
    assert _tree(linked, "static/") == {}


def test_new_writes_nothing_through_a_linked_section(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = make_site(tmp_path)
    os.symlink(outside, root / "content/press-releases")
    code, out, err = run_cli(
        "new", "press-release", "Заголовок", "--author", "petrov", "--lang", "en", "--now", NOW, cwd=root
    )
    assert code == 1, out + err
    assert "content/press-releases: error FILE_SYMLINK" in out + err
    assert list(outside.iterdir()) == []


def test_approve_writes_nothing_through_a_linked_content_folder(tmp_path: Path):
    outside = tmp_path / "outside"
    (outside / "press-releases").mkdir(parents=True)
    text = item("Черновик", status="draft", approval=None)
    (outside / "press-releases/draft.md").write_text(text, encoding="utf-8")
    root = make_site(tmp_path)
    (root / "content").rmdir()
    os.symlink(outside, root / "content")
    at = "2026-11-20T09:00:00+06:00"
    code, out, err = run_cli(
        "approve",
        "content/press-releases/draft.md",
        "--by",
        "aliev",
        "--at",
        at,
        "--now",
        NOW,
        "--yes",
        "--lang",
        "en",
        cwd=root,
    )
    assert code == 1, out + err
    assert "content: error FILE_SYMLINK" in out + err
    assert (outside / "press-releases/draft.md").read_text(encoding="utf-8") == text


# --- output/: the build writes no link, carries none over and serves none ------------------------


def test_the_writer_copies_and_keeps_no_link(tmp_path: Path):
    """An input made a link after the check is not copied through; a file of the last
    output replaced by a link is not carried into the next one (nor taken as intact)."""
    secret = tmp_path / "secret.txt"
    secret.write_text(MARK, encoding="utf-8")
    link = tmp_path / "attachment.pdf"
    os.symlink(secret, link)
    staging = Staging(tmp_path / "site-output")
    with pytest.raises(OSError):
        staging.put("press-releases/x/attachment.pdf", CopyFrom(link))
    assert not any(MARK.encode() in p.read_bytes() for p in staging.path.rglob("*") if p.is_file())
    staging.abort()
    found = os.stat(secret)  # what a manifest row of the file the link replaced may say
    seen = ["", found.st_size, found.st_mtime_ns]
    assert not disk.link(str(link), seen, str(tmp_path / "kept"))
    assert not os.path.lexists(tmp_path / "kept")
    assert not disk.intact(link, seen)
    output = tmp_path / "output"
    output.mkdir()
    os.symlink(secret, output / "page.html")
    mine = os.lstat(output / "page.html")
    assert not uptodate.intact(output, {"page.html": ["", mine.st_size, mine.st_mtime_ns]})


def test_the_preview_server_serves_nothing_through_a_link(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text(MARK, encoding="utf-8")
    site_dir = tmp_path / "preview"
    site_dir.mkdir()
    (site_dir / "index.html").write_text("<!DOCTYPE html><title>home</title>", encoding="utf-8")
    (site_dir / "own.txt").write_text("own", encoding="utf-8")
    os.symlink(secret, site_dir / "secret.txt")
    os.symlink(tmp_path, site_dir / "up")
    handler = livereload.make_handler(site_dir, "/", livereload.Hub(), serve.TEXTS)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(base + "/own.txt", timeout=30) as response:
            assert response.read() == b"own"
        for path in ("/secret.txt", "/up/secret.txt"):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(base + path, timeout=30)
            assert caught.value.code == 404
            assert MARK.encode() not in caught.value.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
