"""Issue 22, the command line: --output never over the sources (S2), extreme moments from
the command line and the environment (T2), names that are not UTF-8 in the media requests
and printing that never fails a command (T4), `approve` on a file that is no item (T6)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, absorb_child_hits, child_env, item, make_site, run_cli, site_builder_argv, tree

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
    full = child_env(base | {"PYTHONIOENCODING": "utf-8"} | (env or {}))
    done = subprocess.run(
        site_builder_argv(*args),
        cwd=cwd,
        stdout=popen.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        timeout=popen.pop("timeout", 120),
        env=full,
        **popen,
    )
    absorb_child_hits(full)
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


# --- T2: moments from the command line and the environment -------------------------------


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        (("--now", "0001-01-01T00:00+06:00"), {}, "--now must lie between"),
        (("--now", "9999-12-31T23:00:00Z"), {}, "--now must lie between"),
        (("--now", "1969-12-31T23:59:59Z"), {}, "--now must lie between"),
        (("--now", "вчера"), {}, "--now is not an ISO date-time: 'вчера'"),
        ((), {"SOURCE_DATE_EPOCH": "99999999999999999999"}, "SOURCE_DATE_EPOCH must be"),
        ((), {"SOURCE_DATE_EPOCH": "9" * 5000}, "SOURCE_DATE_EPOCH must be"),
        ((), {"SOURCE_DATE_EPOCH": "abc"}, "SOURCE_DATE_EPOCH must be a whole number of seconds"),
        ((), {"SOURCE_DATE_EPOCH": "-1"}, "SOURCE_DATE_EPOCH must be"),
        ((), {"SOURCE_DATE_EPOCH": "1.5"}, "SOURCE_DATE_EPOCH must be"),
        ((), {"SOURCE_DATE_EPOCH": "١٧٠٠٠٠٠٠٠٠"}, "SOURCE_DATE_EPOCH must be"),  # digits, not ASCII
    ],
)
def test_a_moment_that_cannot_be_used_is_a_usage_error(tmp_path: Path, args, env, shown):
    root = site(tmp_path)
    for command in ("check", "build", "status"):
        status, out, err = run(command, *args, "--lang", "en", cwd=root, env=env)
        assert status == 2 and "Traceback" not in out + err, out + err
        assert err.startswith(shown), err
    assert not (root / "output").exists()
    status, _out, err = run("check", *args, cwd=root, env=env)
    assert status == 2 and ("должн" in err or "не дата" in err), err


def test_a_usable_epoch_is_taken(tmp_path: Path):
    root = site(tmp_path)
    moment = int(datetime.fromisoformat(NOW).timestamp())
    for epoch in (str(moment), f"000{moment}", "0"):
        status, out, err = run("check", cwd=root, env={"SOURCE_DATE_EPOCH": epoch})
        assert status == 0, out + err


@pytest.mark.parametrize("at", ["0001-01-01T00:00+06:00", "0001-01-01T00:00", "1900-05-01"])
def test_approve_at_an_extreme_moment_is_refused(tmp_path: Path, at: str):
    root = site(tmp_path)
    path = root / "content/press-releases/2026/draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    before = tree(root)
    status, out, err = run("approve", str(path), "--by", "aliev", "--at", at, "--yes", "--now", NOW, cwd=root)
    assert status == 2 and "Traceback" not in out + err, out + err
    assert "--at" in err and at in err
    assert tree(root) == before


@pytest.mark.parametrize("date", ["0001-01-01T00:00+06:00", "0001-01-01", "9999-12-31T23:59", "9999-12-31"])
@pytest.mark.parametrize("kind", ["press-release", "announcement", "media-plan", "rebuttal"])
def test_new_with_an_extreme_date_is_refused(tmp_path: Path, kind: str, date: str):
    root = site(tmp_path)
    before = tree(root)
    status, out, err = run("new", kind, "Тест", "--author", "petrov", "--date", date, "--now", NOW, cwd=root)
    assert status == 1 and "Traceback" not in out + err, out + err
    assert f"content/: error DATE_RANGE '--date' вне допустимых для сайта дат: '{date}'" in err
    assert tree(root) == before  # no folder 1/ or 9999/, no empty file


# --- T4: names that are not UTF-8 in the media requests; printing ------------------------


def test_a_media_request_name_that_is_not_utf8_is_reported(tmp_path: Path):
    root = site(tmp_path)
    folder = os.path.join(os.fsencode(root), b"content/media-requests/2026")
    with open(os.path.join(folder, b"bad\xff.md"), "wb") as handle:
        handle.write(REQUEST.encode())
    os.mkdir(os.path.join(folder, b"dir\xfe"))
    with open(os.path.join(folder, b"dir\xfe/x.md"), "wb") as handle:
        handle.write(REQUEST.replace("topic: Тема", "topic: [").encode())  # never read
    expected = [
        ["content/media-requests/2026/bad\ufffd.md", "FILE_NAME_ENCODING"],
        ["content/media-requests/2026/dir\ufffd", "FILE_NAME_ENCODING"],
    ]
    before = tree(root / "output")
    status, out, err = run("check", "--now", NOW, "--format", "json", cwd=root)
    assert status == 1 and "Traceback" not in err, err
    assert [[p["path"], p["code"]] for p in json.loads(out) if p["severity"] == "error"] == expected
    status, out, err = run("build", "--now", NOW, cwd=root)
    assert status == 1 and "Traceback" not in out + err, out + err
    assert tree(root / "output") == before


def test_a_message_never_fails_on_the_stream_s_encoding(tmp_path: Path):
    """On a stream that cannot carry Cyrillic (a strict ASCII one), every command says what
    it has to say as escapes: a build that swapped its output in is not then failed by its
    last line, and JSON stays JSON."""
    root = site(tmp_path)
    ascii = {"PYTHONIOENCODING": "ascii"}
    status, out, err = run("check", "--now", NOW, "--format", "json", cwd=root, env=ascii)
    assert status == 0 and "Traceback" not in err, err
    found = {p["code"]: p["message"] for p in json.loads(out)}
    assert out.isascii() and found["REQUEST_OVERDUE"].startswith("срок ответа"), out
    for args in (("check",), ("check", "--format", "github"), ("build",), ("status",)):
        status, out, err = run(*args, "--now", NOW, cwd=root, env=ascii)
        assert status == 0 and "Traceback" not in out + err, (args, out, err)
        assert (out + err).isascii() and "\\u" in out + err, (args, out, err)
    assert (root / "output/index.html").is_file()
    status, out, err = run("status", "--format", "csv", "--now", NOW, cwd=root, env=ascii)
    assert status == 0 and "Traceback" not in err, err
    path = root / "content/press-releases/2026/draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    status, out, err = run("approve", str(path), "--by", "aliev", "--yes", "--now", NOW, cwd=root, env=ascii)
    assert status == 0 and "Traceback" not in out + err and "status: approved" in path.read_text("utf-8")
    new = ("new", "press-release", "Новость", "--author", "petrov")
    status, out, err = run(*new, "--now", NOW, cwd=root, env=ascii)
    assert status == 0 and "Traceback" not in out + err, err
    # A failing build: the same one line of text, and output/ as it was.
    before = tree(root / "output")
    (root / "content/press-releases/2026/bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    status, out, err = run("build", "--now", NOW, cwd=root, env=ascii)
    assert status == 1 and "Traceback" not in out + err, err
    assert tree(root / "output") == before


def test_a_closed_pipe_does_not_fail_a_build(tmp_path: Path):
    """`site-builder build | head -0`: the build is done; a reader that went away is no error."""
    root = site(tmp_path)
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first line printed meets EPIPE
    try:
        status, _out, err = run("build", "--now", NOW, cwd=root, stdout=writer)
    finally:
        os.close(writer)
    assert status == 0 and "Traceback" not in err, err
    assert (root / "output/index.html").is_file()


# --- T6: approve on a file that is no item -------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "code"),
    [
        ("content/media-requests/2026/request.md", "APPROVE_MEDIA_REQUEST"),
        ("content/news/a.md", "UNKNOWN_SECTION"),
        ("content/a.md", "UNKNOWN_SECTION"),
    ],
)
def test_approve_on_a_file_that_is_no_item(tmp_path: Path, rel: str, code: str):
    root = site(tmp_path)
    path = root / rel
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item("Не материал", status="review", approval=None), encoding="utf-8")
    before = tree(root)
    status, out, err = run("approve", rel, "--by", "aliev", "--yes", "--now", NOW, cwd=root)
    assert status == 1 and "Traceback" not in out + err, out + err
    assert err.startswith(f"{rel}: error {code} "), err
    assert tree(root) == before


def test_the_new_command_line_messages_are_translated():
    """They are passed to `word` as constants, which the catalog test does not extract."""
    from site_builder.commands import moments
    from site_builder.i18n import word

    for msgid in (moments.NOT_ISO, moments.OUT_OF_SPAN, moments.BAD_EPOCH):
        russian = word(msgid, "ru")
        assert russian != msgid and "{option}" in russian and "{value}" in russian


@pytest.mark.parametrize("port", ["99999", "-1", "80x"])
def test_serve_on_a_port_that_cannot_be_is_a_usage_error(tmp_path: Path, port: str):
    status, out, err = run("serve", "--port", port, "--now", NOW, cwd=site(tmp_path), timeout=60)
    assert status == 2 and "Traceback" not in out + err and "--port" in err, out + err


@pytest.mark.parametrize("jobs", ["0", "-1", "100000", "2x"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_number_of_processes_that_cannot_be_is_a_usage_error(tmp_path: Path, command: str, jobs: str):
    """`--jobs 0` or `-1` went on as if unset, and `--jobs 100000` forked that many workers."""
    root = site(tmp_path)
    status, out, err = run(command, "--jobs", jobs, "--now", NOW, cwd=root, timeout=60)
    assert status == 2 and "Traceback" not in out + err and "--jobs" in err, out + err
    assert not (root / "output").exists()


@pytest.mark.parametrize("name", [".output.spare", ".output.old", ".site.tmp-123", ".output.site-builder"])
def test_an_output_named_like_a_build_s_working_folder_is_refused(tmp_path: Path, name: str):
    """`--output .output.spare` built fine, and the next plain `build` took that folder for
    its own spare tree without a manifest and deleted it, exit 0."""
    root = site(tmp_path)
    status, out, err = run("build", "--output", name, "--now", NOW, "--lang", "en", cwd=root)
    assert status == 1 and "Traceback" not in out + err, out + err
    assert f"{name}: error OUTPUT_WORKING_NAME" in out + err, out + err
    assert not (root / name).exists()
    status, out, err = run("build", "--now", NOW, cwd=root)
    assert status == 0, out + err


def test_a_build_deletes_only_its_own_working_folders_beside_the_output(tmp_path: Path):
    """A plain build deleted every folder named `.output.*` beside output/ (`.output.backup`,
    `.output.OLD`, `.output.tmp-x`, a folder someone keeps), not only the ones it makes."""
    root = site(tmp_path)
    kept = [".output.backup", ".output.OLD", ".output.tmp-x", ".output.spare.tmp", ".output.old.1"]
    for name in kept:
        (root / name).mkdir()
        (root / name / "keep.txt").write_text("мой файл", encoding="utf-8")
    (root / ".output.tmp-4242").mkdir()  # a staging tree a killed build left
    status, out, err = run("build", "--now", NOW, cwd=root)
    assert status == 0, out + err
    for name in kept:
        assert (root / name / "keep.txt").read_text(encoding="utf-8") == "мой файл", name
    assert not (root / ".output.tmp-4242").exists()
