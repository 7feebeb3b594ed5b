"""Issue 22, the same class as S1 elsewhere: a file committed into `.site-cache/` never runs.

The cache holds pickles and compiled templates; reading either runs what it says. Whoever
can push to the repository can commit such files, built to match the cache's layout (the
folder name is a hash of the public code), and the next build — a colleague's, or CI's
with its deploy secrets — would run them. Every cache file is signed with a key of the
user who wrote it, kept outside the site (site_builder/speed/signing.py); these tests plant
files signed with another user's key and check that nothing in them runs.
"""

from __future__ import annotations

import marshal
import os
import pickle
from pathlib import Path

import jinja2.bccache
import pytest
from sitekit import NOW, item, make_site, run_cli

from site_builder.speed import cache, signing
from site_builder.speed.cache import Cache


class Boom:
    """Unpickling it creates the file `marker`: what a committed pickle could do instead."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def as_user(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Be the user whose cache folder (and so whose key) is `home`."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    signing.key.cache_clear()


@pytest.fixture(autouse=True)
def _forget_the_key():
    yield
    signing.key.cache_clear()


def test_the_key_is_made_once_for_the_user_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    as_user(monkeypatch, tmp_path / "me")
    first = signing.key()
    path = signing.key_path()
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    signing.key.cache_clear()
    assert signing.key() == first and len(first) == signing.KEY_BYTES
    assert [p.name for p in path.parent.iterdir()] == ["cache-key"]  # no temporary left
    as_user(monkeypatch, tmp_path / "other")
    assert signing.key() != first


def test_a_key_others_may_write_or_a_torn_one_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_user(monkeypatch, tmp_path / "me")
    path = signing.key_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"k" * signing.KEY_BYTES)
    path.chmod(0o666)  # anyone could have put it there
    assert signing.key() != b"k" * signing.KEY_BYTES
    signing.key.cache_clear()
    path.chmod(0o600)
    path.write_bytes(b"short")
    assert signing.key() != b"short"


def test_an_entry_signed_by_another_user_is_a_miss_and_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    folder = tmp_path / "site/.site-cache"
    as_user(monkeypatch, tmp_path / "intruder")
    Cache(folder).put("events", "abc", Boom(marker))
    Cache(folder).put_many("items", {"x": b"harmless"})
    packs = list((folder / cache.code_fingerprint() / "items").glob("*.pack"))
    assert len(packs) == 1
    data = bytearray(packs[0].read_bytes())
    payload = pickle.dumps({"x": Boom(marker)})  # the pack itself unpickles into Boom
    packs[0].write_bytes(bytes(data[:4]) + signing.tag(payload, b"pack", b"items") + payload)
    marker.unlink(missing_ok=True)
    as_user(monkeypatch, tmp_path / "me")
    assert Cache(folder).get("events", "abc") is None
    assert Cache(folder).get_many("items", ["x"]) == [None]
    assert not marker.exists()
    # The same user reads back what it wrote; a signed entry moved to another name is a miss.
    Cache(folder).put("events", "mine", [1, 2])
    assert Cache(folder).get("events", "mine") == [1, 2]
    mine = folder / cache.code_fingerprint() / "events/mi/mine"
    moved = mine.with_name("mind")
    moved.write_bytes(mine.read_bytes())
    assert Cache(folder).get("events", "mind") is None


def _poison_templates(folder: Path, marker: Path) -> int:
    """Replace every compiled template with code that creates `marker`, signed as before
    with the current user's key (the intruder's): the layout a build reads, exactly."""
    code = compile(f"open({str(marker)!r}, 'w').close()\n", "<planted>", "exec")
    count = 0
    for path in folder.glob("__jinja2_*.cache"):
        data = path.read_bytes()[signing.TAG_BYTES :]
        checksum_end = len(jinja2.bccache.bc_magic)
        checksum = pickle.loads(data[checksum_end:])
        key = path.name.removeprefix("__jinja2_").removesuffix(".cache")
        body = jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)
        path.write_bytes(signing.tag(body, b"template", key.encode()) + body)
        count += 1
    return count


def test_a_committed_cache_never_runs_in_a_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole attack through the CLI: an intruder builds the site with their own key,
    then rewrites the item pack and every compiled template so that reading them creates
    a file, and commits `.site-cache/`. The victim's build reads none of it."""
    marker = tmp_path / "ran"
    root = make_site(tmp_path / "repo", {"content/press-releases/a.md": item("Новость")})
    as_user(monkeypatch, tmp_path / "intruder")
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    store = root / ".site-cache"
    packs = list((store / cache.code_fingerprint() / "items").glob("*.pack"))
    assert packs, "the build packs its parsed items"
    payload = pickle.dumps({"x": Boom(marker)})
    for pack in packs:
        pack.write_bytes(cache.PACK_MAGIC + signing.tag(payload, b"pack", b"items") + payload)
    assert _poison_templates(store / "templates", marker) > 3
    # As the intruder, the poisoned cache does run: the files are what a build reads.
    code, out, err = run_cli("build", "--now", NOW, "--output", "mine", cwd=root)
    assert marker.exists(), out + err
    marker.unlink()
    as_user(monkeypatch, tmp_path / "victim")
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0 and "Traceback" not in out + err, out + err
    assert not marker.exists()
    assert "Новость" in (root / "output/press-releases/a/index.html").read_text(encoding="utf-8")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)  # check test-renders the templates
    assert code == 0 and not marker.exists(), out + err
    assert os.environ.get("XDG_CACHE_HOME") == str(tmp_path / "victim")


@pytest.mark.parametrize("relative", [False, True])
def test_a_key_committed_with_the_sources_is_never_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    """An intruder commits `.cache/site-builder/cache-key` and CI points XDG_CACHE_HOME at
    the checkout (absolutely, or relatively: resolved against the site): a checked-out file
    is mode 644, never the 600 a key must have, and a relative XDG_CACHE_HOME is ignored."""
    checkout = tmp_path / "checkout"
    planted = checkout / ".cache/site-builder/cache-key"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"K" * signing.KEY_BYTES)
    planted.chmod(0o644)  # as git checks a file out
    monkeypatch.chdir(checkout)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", ".cache" if relative else str(checkout / ".cache"))
    signing.key.cache_clear()
    assert signing.key() != b"K" * signing.KEY_BYTES
    assert planted.read_bytes() == b"K" * signing.KEY_BYTES  # left alone, not replaced


def test_a_cache_file_that_is_a_link_or_special_is_never_read(tmp_path: Path) -> None:
    """A cache file committed as a link to /dev/zero was read until memory ran out."""
    folder = tmp_path / ".site-cache"
    store = Cache(folder)
    store.put("events", "abc", [1])
    store.put_many("items", {"x": pickle.dumps(1)})
    entry = folder / cache.code_fingerprint() / "events/ab/abc"
    (pack,) = (folder / cache.code_fingerprint() / "items").glob("*.pack")
    for path in (entry, pack):
        path.unlink()
        path.symlink_to("/dev/zero")
    assert Cache(folder).get("events", "abc") is None
    assert Cache(folder).get_many("items", ["x"]) == [None]
    assert signing.read_file(entry) is None and signing.read_file("/dev/zero") is None
