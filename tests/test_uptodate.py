"""`build` with nothing to do answers from the manifest, without parsing: and only then.

The answer must be exactly what a full build would do: any changed input, any moment at
which the content says something changes (an embargo lifts, an event ends), midnight, or
a touched output file makes it build again; the warnings of the last build are repeated.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from sitekit import announcement_fields, item, make_site, run_cli, tree

from site_builder.speed.session import Session

NOW = "2026-11-22T12:00:00+06:00"
QUIET = "изменений нет"


def build(root: Path, now: str = NOW) -> tuple[int, str, str]:
    return run_cli("build", "--now", now, cwd=root)


def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        {
            "content/press-releases/out.md": item("Опубликованная новость"),
            "content/press-releases/later.md": item("Новость под эмбарго", date="2026-11-22T15:00:00+06:00"),
            "content/announcements/briefing.md": item(
                "Брифинг", date="2026-11-20T10:00:00+06:00", **announcement_fields()
            ),
            # a warning (REBUTTAL_LATE-free, but a stray file): repeated on a no-change build
            "content/press-releases/notes.txt": "черновые заметки\n",
        },
    )


def test_second_build_answers_from_the_manifest_and_repeats_the_warnings(tmp_path):
    root = site(tmp_path)
    code, first, _ = build(root)
    assert code == 0 and "STRAY_FILE" in first
    before = tree(root / "output")
    code, second, _ = build(root)
    assert code == 0 and QUIET in second
    assert "STRAY_FILE" in second  # the same warning, though nothing was parsed
    assert tree(root / "output") == before


def test_any_changed_input_builds_again(tmp_path):
    root = site(tmp_path)
    assert build(root)[0] == 0
    changes = [
        lambda: (root / "content/press-releases/out.md").write_text(
            item("Исправленная новость"), encoding="utf-8"
        ),
        lambda: (root / "templates").mkdir() or (root / "templates/404.html").write_text("x"),
        lambda: (root / "config.yaml").write_text(
            (root / "config.yaml").read_text(encoding="utf-8").replace("Пресс-служба мэрии", "Пресс-служба"),
            encoding="utf-8",
        ),
    ]
    for change in changes:
        change()
        code, out, err = build(root)
        assert code == 0, err
        assert QUIET not in out
        assert QUIET in build(root)[1]


def test_a_moment_named_in_the_content_ends_the_span(tmp_path):
    root = site(tmp_path)
    assert build(root)[0] == 0
    assert QUIET in build(root, "2026-11-22T14:59:00+06:00")[1]  # nothing has happened yet
    code, out, _ = build(root, "2026-11-22T15:00:00+06:00")  # the embargo lifts
    assert code == 0 and QUIET not in out
    assert "Новость под эмбарго" in (root / "output/press-releases/later/index.html").read_text()
    assert QUIET not in build(root, "2026-11-23T00:00:00+06:00")[1]  # a new day
    assert QUIET not in build(root, "2026-11-21T12:00:00+06:00")[1]  # back in time


def test_a_touched_output_builds_again(tmp_path):
    root = site(tmp_path)
    assert build(root)[0] == 0
    page = root / "output/press-releases/out/index.html"
    page.write_text("испорчено", encoding="utf-8")
    code, out, _ = build(root)
    assert code == 0 and QUIET not in out
    assert "Опубликованная новость" in page.read_text(encoding="utf-8")
    os.remove(root / "output/404.html")
    assert QUIET not in build(root)[1]
    assert (root / "output/404.html").is_file()


def test_links_and_lock_files_do_not_stop_the_check(tmp_path):
    root = site(tmp_path)
    (root / "content/press-releases/.#out.md").symlink_to("user@host.1234:1700000000")  # an editor's lock
    code, _out, err = build(root)
    assert code == 0, err
    assert QUIET in build(root)[1]


def test_a_failed_preview_build_takes_back_the_pages_it_added(tmp_path):
    from datetime import datetime

    from site_builder.build import build as build_site
    from site_builder.speed.cache import Cache

    root = site(tmp_path)
    now = datetime.fromisoformat(NOW)
    preview, kept = tmp_path / "preview", Cache(root / ".site-cache", memory=True)
    assert build_site(root, now, preview, session=Session(1, kept, in_place=True)).ok
    before = tree(preview)
    # A new item's page is written before the announcement's template fails.
    (root / "content/press-releases/new.md").write_text(
        item("Совсем новая новость", date="2026-11-22T11:00:00+06:00"), encoding="utf-8"
    )
    (root / "templates").mkdir()
    (root / "templates/announcement.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    failed = build_site(root, now, preview, session=Session(1, kept, in_place=True))
    assert not failed.ok
    assert not (preview / "press-releases/new").exists()
    assert set(tree(preview)) <= set(before) | {"press-releases/"}


def test_no_cache_takes_nothing_from_the_previous_build(tmp_path):
    root = site(tmp_path)
    assert build(root)[0] == 0
    page = root / "output/press-releases/out/index.html"
    good, info = page.read_bytes(), page.stat()
    # Damage the page behind the manifest's back: same size, same modification time.
    page.write_bytes(b"x" * len(good))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    code, _out, err = run_cli("build", "--now", NOW, "--no-cache", cwd=root)
    assert code == 0, err
    assert page.read_bytes() == good


def test_moments_skip_only_fields_that_cannot_hold_a_time():
    """`moments` walks only the fields whose type may hold a datetime: every model field
    typed with a datetime anywhere in it (however nested) must be among them."""
    import typing
    from datetime import datetime

    from site_builder.load.model import MODELS
    from site_builder.speed import uptodate

    def holds_datetime(annotation, depth=0) -> bool:
        if annotation is datetime or depth > 10:
            return True
        fields = getattr(annotation, "__pydantic_fields__", None)
        if isinstance(fields, dict):
            return any(holds_datetime(f.annotation, depth + 1) for f in fields.values())
        return any(holds_datetime(arg, depth + 1) for arg in typing.get_args(annotation))

    seen, todo = set(), list(MODELS.values())
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        timed = set(uptodate._timed_fields(model))
        for name, info in model.__pydantic_fields__.items():
            if holds_datetime(info.annotation):
                assert name in timed, f"{model.__name__}.{name} holds a datetime but is skipped"
            todo += [a for a in _parts(info.annotation) if hasattr(a, "__pydantic_fields__")]
    assert "tags" not in uptodate._timed_fields(MODELS["press-release"])  # and texts are skipped


def _parts(annotation):
    import typing

    yield annotation
    for arg in typing.get_args(annotation):
        yield from _parts(arg)


def test_content_files_are_hashed_again_only_when_their_stat_changed(tmp_path, monkeypatch):
    """The content files' hashes are kept by their stat, as git's index keeps them: an
    unchanged file is not read again, and any rewrite is seen, even one to the same size
    with the old modification time put back (its change time moves), while a file changed
    just before it was hashed is never trusted by its stat."""
    from site_builder.speed import uptodate

    root = site(tmp_path)
    path = root / "content/press-releases/out.md"
    read: list[str] = []
    real = uptodate._hash_file

    def reading(path: str) -> tuple[str, bytes]:
        if str(path).endswith(".md"):
            read.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(uptodate, "_hash_file", reading)

    first = uptodate.inputs_key(root)
    assert sorted(read) == ["briefing.md", "later.md", "out.md"]
    read.clear()
    assert uptodate.inputs_key(root) == first and sorted(read) == sorted(
        ["briefing.md", "later.md", "out.md"]
    )
    # Everything was written just now, so nothing was kept; once settled, it is.
    monkeypatch.setattr(uptodate, "SETTLED_NS", -(10**12))
    uptodate.inputs_key(root)
    read.clear()
    digests: dict[str, str] = {}
    assert uptodate.inputs_key(root, digests) == first and read == []
    # the Markdown files and the other files the build copies (attachments), by their bytes
    assert set(digests) == {
        "press-releases/out.md",
        "press-releases/later.md",
        "press-releases/notes.txt",
        "announcements/briefing.md",
    }

    old = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Опубликованная", "Подтвержденная"), encoding="utf-8")  # same size
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    read.clear()
    assert uptodate.inputs_key(root) != first and read == ["out.md"]
    code, out, _ = build(root)
    assert code == 0 and QUIET not in out
    assert "Подтвержденная" in (root / "output/press-releases/out/index.html").read_text(encoding="utf-8")


def test_inputs_hashed_aside_are_the_ones_hashed_here(tmp_path, monkeypatch):
    """A first build hashes its inputs in a forked process while it imports the rest; the
    key and the digests are the same as this process would make, and a fork that fails
    or a forked process that dies leaves the work to this process."""
    from site_builder.speed import uptodate

    root = site(tmp_path)
    digests: dict[str, str] = {}
    key = uptodate.inputs_key(root, digests)
    assert len(digests) == 4  # three Markdown files and a file beside them

    parent, real = os.getpid(), uptodate.inputs_key
    here: list[str] = []  # calls in this process (the forked one's are its own)
    failing = False

    def hashing(*args, **kwargs):
        if os.getpid() == parent:
            here.append("here")
        elif failing:
            raise RuntimeError("the forked process fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(uptodate, "inputs_key", hashing)
    assert uptodate.inputs_key_aside(root)() == (key, digests) and here == []
    failing = True
    assert uptodate.inputs_key_aside(root)() == (key, digests) and here == ["here"]

    # A parent that ignores SIGCHLD (inherited through exec) has its children reaped for it.
    failing = False
    here.clear()
    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:  # (git's exit status is not known then either: compared with a key made the same way)
        ignoring: dict[str, str] = {}
        assert uptodate.inputs_key_aside(root)() == (real(root, ignoring), ignoring) and here == []
    finally:
        signal.signal(signal.SIGCHLD, before)

    def no_fork():
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    here.clear()
    assert uptodate.inputs_key_aside(root)() == (key, digests) and here == ["here"]


def test_an_empty_feed_keeps_its_date_until_midnight_then_takes_the_new_day(tmp_path):
    root = site(tmp_path)  # no rebuttals: that feed is empty and dated by the build's day
    empty = root / "output/feeds/rebuttals.atom.xml"
    assert build(root)[0] == 0
    assert b"<updated>2026-11-22T00:00:00+06:00</updated>" in empty.read_bytes()
    code, out, _ = build(root, "2026-11-22T13:00:00+06:00")
    assert code == 0 and QUIET in out  # within the span: nothing to do
    assert build(root, "2026-11-23T09:00:00+06:00")[0] == 0
    assert b"<updated>2026-11-23T00:00:00+06:00</updated>" in empty.read_bytes()
