"""The build cache's packed buckets: parsed items live in a few pack files, not one per item."""

from __future__ import annotations

import os
import pickle
import time
from datetime import datetime

import pytest
from sitekit import config_text, item, make_site

from site_builder.build import build
from site_builder.judge import rules
from site_builder.judge.history import Went
from site_builder.load import content, discover
from site_builder.load.config import parse_config
from site_builder.speed.cache import TAG, Cache, code_fingerprint
from site_builder.speed.session import Session


def _packs(cache: Cache, bucket: str = "items") -> list:
    assert cache.folder is not None
    return sorted((cache.folder / code_fingerprint() / bucket).glob("*.pack"))


def _blobs(values: dict) -> dict[str, bytes]:
    return {name: pickle.dumps(value) for name, value in values.items()}


def test_packed_round_trip_and_misses(tmp_path):
    cache = Cache(tmp_path)
    cache.put_many("items", _blobs({"a": 1, "b": [2]}))
    cache.put_many("items", _blobs({"c": "three"}))
    assert len(_packs(cache)) == 2
    assert Cache(tmp_path).get_many("items", ["c", "x", "a", "b"]) == ["three", None, 1, [2]]
    assert Cache(None).get_many("items", ["a"]) == [None]


def test_an_unreadable_pack_is_only_a_miss(tmp_path):
    cache = Cache(tmp_path)
    cache.put_many("items", _blobs({"a": 1}))
    cache.put_many("items", {"b": b"not a pickle"})
    (_packs(cache)[0].parent / "torn.pack").write_bytes(b"\x80\x05garbage")
    assert Cache(tmp_path).get_many("items", ["a", "b"]) == [1, None]


def test_compaction_folds_packs_and_drops_stale_entries(tmp_path):
    cache = Cache(tmp_path)
    for number in range(9):  # one more pack than `most`
        cache.put_many("items", _blobs({f"n{number}": number}))
    cache.get_many("items", ["n7", "n8"])
    cache.compact("items", {"n7", "n8"}, most=8)
    assert len(_packs(cache)) == 1
    fresh = Cache(tmp_path)
    assert fresh.get_many("items", ["n0", "n7", "n8"]) == [None, 7, 8]


def test_mostly_stale_packs_are_compacted_even_when_few(tmp_path):
    cache = Cache(tmp_path)
    cache.put_many("items", _blobs({f"old{n}": n for n in range(10)}))
    cache.put_many("items", _blobs({"new": 1}))
    cache.get_many("items", ["new"])  # the read sees 11 entries held for 1 wanted
    cache.compact("items", {"new"})
    (pack,) = _packs(cache)
    assert pickle.loads(pack.read_bytes()[4 + TAG :]).keys() == {"new"}


def test_memory_cache_keeps_values_and_skips_the_packs(tmp_path):
    cache = Cache(tmp_path, memory=True)
    cache.put_many("items", _blobs({"a": 1}))
    cache.remember("items", "a", 1)
    for pack in _packs(cache):
        pack.unlink()
    assert cache.get_many("items", ["a"]) == [1]  # from memory, the packs are not read


def test_compaction_writes_packs_of_a_bounded_size(tmp_path):
    cache = Cache(tmp_path)
    for number in range(5):
        cache.put_many("items", _blobs({f"n{number}-{k}": k for k in range(3)}))
    cache.compact("items", {f"n{number}-{k}" for number in range(5) for k in range(3)}, most=2, batch=4)
    assert [len(pickle.loads(p.read_bytes()[4 + TAG :])) for p in _packs(cache)] in (
        [6, 6, 3],
        [6, 3, 6],
        [3, 6, 6],
    )
    assert Cache(tmp_path).get_many("items", ["n4-2", "n0-0"]) == [2, 0]


def test_a_damaged_pack_is_a_miss_however_it_is_damaged(tmp_path):
    """Torn, truncated or with bytes changed anywhere: never an exception, never a wrong value."""
    import random

    cache = Cache(tmp_path)
    cache.put_many("items", _blobs({f"n{k}": list(range(k)) for k in range(30)}))
    (pack,) = _packs(cache)
    good = pack.read_bytes()
    rng = random.Random(6)
    for _ in range(400):
        data = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        pack.write_bytes(bytes(data[: rng.randint(0, len(data))] if rng.random() < 0.3 else data))
        found = Cache(tmp_path).get_many("items", ["n3", "n29"])
        assert all(value in (None, list(range(3)), list(range(29))) for value in found)


def test_a_memory_cache_reads_each_pack_once_and_rarely_compacts(tmp_path):
    cache = Cache(tmp_path, memory=True)
    names = [f"n{k}" for k in range(200)]
    cache.put_many("items", _blobs(dict.fromkeys(names, 1)))
    cache.flush()  # a memory cache writes its packs after the build
    Cache(tmp_path).put_many("items", _blobs({"other": 2}))  # another process's pack
    reader = Cache(tmp_path, memory=True)
    assert reader.get_many("items", [*names, "other"]) == [1] * 200 + [2]
    for pack in _packs(reader):  # read once: damaging them now changes nothing
        pack.write_bytes(b"damaged")
    for edit in range(10):  # an edit: one new entry, one name gone
        names[edit] = f"edited{edit}"
        assert reader.get_many("items", names)[edit] is None
        reader.put_many("items", _blobs({names[edit]: 3}))
        reader.remember("items", names[edit], 3)
        reader.compact("items", set(names))
        reader.flush()
    assert len(_packs(reader)) == 12  # no compaction yet: 12 packs, not mostly stale


def test_compaction_that_cannot_write_keeps_the_old_packs(tmp_path, monkeypatch):
    cache = Cache(tmp_path)
    for number in range(4):
        cache.put_many("items", _blobs({f"n{number}-{k}": k for k in range(3)}))
    before = _packs(cache)
    calls = []

    def failing(self, bucket, blobs, real=Cache._write_pack):
        calls.append(1)
        return real(self, bucket, blobs) if len(calls) == 1 else None

    monkeypatch.setattr(Cache, "_write_pack", failing)
    cache.compact("items", {f"n{number}-{k}" for number in range(4) for k in range(3)}, most=2, batch=4)
    assert _packs(cache) == before and len(calls) == 2
    assert Cache(tmp_path).get_many("items", ["n0-0", "n3-2"]) == [0, 2]


def test_a_file_gone_before_its_worker_reads_it_is_skipped(tmp_path):
    """`build` hashes the files first; one deleted before it is parsed is left out, no traceback."""
    from sitekit import item, make_site

    from site_builder.load import content
    from site_builder.load.config import load_config

    root = make_site(
        tmp_path,
        {"content/press-releases/a.md": item("Первая"), "content/press-releases/b.md": item("Вторая")},
    )
    config = load_config(root)
    found, _ = discover.discover(root / "content", read=False)
    chunk = [(source, "name-" + source.rel) for source in found]
    (root / "content/press-releases/b.md").unlink()
    cache = Cache(root / ".site-cache")
    results = content._parse_chunk(chunk, config, "settings", cache)
    assert [blob == b"" for _, blob in results] == [False, True]
    assert len(_packs(cache)) == 1 and len(pickle.loads(_packs(cache)[0].read_bytes()[4 + TAG :])) == 1


def test_memory_cache_writes_put_values_at_flush(tmp_path):
    cache = Cache(tmp_path, memory=True)
    cache.put("fragments", "f", {"a": b"1"})
    assert Cache(tmp_path).get("fragments", "f") is None  # not written during the build
    assert cache.get("fragments", "f") == {"a": b"1"}
    cache.flush()
    assert Cache(tmp_path).get("fragments", "f") == {"a": b"1"}


def test_memory_cache_writes_and_folds_packs_at_flush(tmp_path):
    """The preview server's cache writes no pack and folds none while a rebuild runs: the
    editor waits for neither."""
    for number in range(3):
        Cache(tmp_path).put_many("items", {f"old{number}": pickle.dumps(number)})
    cache = Cache(tmp_path, memory=True)
    cache.put_many("items", {"new": pickle.dumps("new")})
    cache.compact("items", {"old0", "new"}, most=1)
    assert len(_packs(cache)) == 3  # nothing written or folded yet
    cache.flush()
    assert len(_packs(cache)) == 1
    assert Cache(tmp_path).get_many("items", ["old0", "old1", "new"]) == [0, None, "new"]


def test_preview_hashes_again_a_file_whose_stat_changed(tmp_path):
    """The preview server trusts a kept hash only while the file's stat is the one it had,
    and not for a file modified just before it was hashed."""
    root = make_site(tmp_path, {"content/press-releases/a.md": item("Первый заголовок")})
    config = parse_config(config_text())
    path = root / "content/press-releases/a.md"
    old = time.time() - 3600
    os.utime(path, (old, old))
    store = Cache(root / ".site-cache", memory=True)
    (first,), _ = content.load(root / "content", config, Session(1, store))
    assert first.meta.title == "Первый заголовок"
    # Same size, same mtime: only the change time and the bytes tell.
    path.write_text(path.read_text(encoding="utf-8").replace("Первый", "Второй"), encoding="utf-8")
    os.utime(path, (old, old))
    (second,), _ = content.load(root / "content", config, Session(1, store))
    assert second.meta.title == "Второй заголовок"
    # A file modified within the racy window of its hashing is hashed again every time.
    path.write_text(path.read_text(encoding="utf-8").replace("Второй", "Третий"), encoding="utf-8")
    (third,), _ = content.load(root / "content", config, Session(1, store))
    assert third.meta.title == "Третий заголовок"
    seen, _, hashed_at = store.recall("digests", "press-releases/a.md")
    assert seen[1] > hashed_at - content.RACY_NS
    # ... so even an unchanged stat does not vouch for it (a same-size edit in the same tick).
    assert content._digest_seen(store, discover.Source("press-releases/a.md", b"", (), str(path), seen)) == ""


def test_preview_asks_git_history_anew_on_every_build(tmp_path):
    """What an item's judgement keeps between the preview server's builds does not include
    what git history says went out: a commit changes that answer without changing the file."""
    text = item("Черновик", date="2026-11-20T10:00:00+06:00", status="draft")
    root = make_site(tmp_path, {"content/press-releases/a.md": text})
    config = parse_config(config_text())
    store = Cache(root / ".site-cache", memory=True)
    items, _ = content.load(root / "content", config, Session(1, store))
    now = datetime.fromisoformat("2026-11-25T10:00:00+06:00")
    out = Went("press-releases/a.md", "/press-releases/a/", now, "aliev", now, False)
    answers = iter([out, None])
    asked: list[str] = []

    class Past:  # the interface of judge.history.History that takedown.py asks
        known = True

        def gone(self) -> list[str]:
            return []

        def went(self, sources):
            asked.extend(sources)
            return dict.fromkeys(sources, next(answers))

    first = rules.check(items, config, now, Past(), Session(1, store))
    second = rules.check(items, config, now, Past(), Session(1, store))
    assert asked == ["press-releases/a.md"] * 2
    codes = [[p.code for p in judged.problems if p.is_error] for judged in (first, second)]
    assert codes == [["STATUS_TAKES_DOWN"], []]  # went out, then (a commit later) never did


def test_key_of_is_the_key_and_a_memory_cache_keeps_it_by_its_parts(tmp_path):
    from site_builder.speed import cache as cache_module

    plain, kept = Cache(tmp_path / "a"), Cache(tmp_path / "b", memory=True)
    parts = ("page", "tags/x/", b"\x00bytes", "")
    assert plain.key_of(*parts) == kept.key_of(*parts) == cache_module.key(*parts)
    assert kept.key_of("a", "bc") != kept.key_of("ab", "c")  # the parts, not their concatenation
    first = kept.key_of(*parts)
    assert kept.key_of(*parts) is first  # remembered, not hashed again
    kept.sweep()  # used since the last sweep: kept
    assert kept.key_of(*parts) is first
    kept.sweep()
    kept.sweep()  # not used since the last sweep: forgotten
    assert ("keys", parts) not in kept.memory
    kept.key_of("x")
    kept.flush()
    assert not any(p.is_file() for p in (tmp_path / "b").rglob("*"))  # never written to disk


def test_a_spared_bucket_outlives_one_sweep_whole(tmp_path):
    """A build that relied on a bucket's values without asking for each (the preview's
    listing from its watcher's reports stands for the files' hashes) spares it once."""
    kept = Cache(tmp_path, memory=True)
    kept.remember("digests", "a.md", 1)
    kept.remember("names", "x", 2)
    kept.sweep()  # used since the last sweep: kept
    kept.spare("digests")
    kept.sweep()
    assert kept.memory[("digests", "a.md")] == 1 and ("names", "x") not in kept.memory
    kept.sweep()  # spared once only: forgotten now
    assert ("digests", "a.md") not in kept.memory


def test_a_build_deletes_what_other_versions_cached_once_unused(tmp_path):
    """A cache kept between CI runs must not keep a copy per generator version forever,
    but two versions building one site in turn must not delete each other's."""
    root = make_site(tmp_path, {"content/press-releases/a.md": item("Первый заголовок")})
    cache = root / ".site-cache"
    old, recent = cache / "0123456789abcdef", cache / "fedcba9876543210"  # other versions'
    for folder in (old, recent):
        (folder / "items").mkdir(parents=True)
        (folder / "items" / "x.pack").write_bytes(b"old")
    week = time.time() - 8 * 86400
    os.utime(old, (week, week))
    mine = cache / "notes"  # not a version's folder: left alone
    mine.mkdir(parents=True)
    assert build(root, datetime.fromisoformat("2026-11-22T12:00:00+00:00"), session=Session.of(root, 1)).ok
    assert not old.exists()
    assert (recent / "items" / "x.pack").is_file()
    assert (cache / code_fingerprint() / "items").is_dir() and mine.is_dir()
    os.utime(cache / code_fingerprint(), (week, week))
    assert build(root, datetime.fromisoformat("2026-11-22T12:05:00+00:00"), session=Session.of(root, 1)).ok
    assert (cache / code_fingerprint()).stat().st_mtime > week + 86400  # its own, marked used


@pytest.mark.parametrize("where", [0, 5, -30, -1])
def test_a_damaged_entry_file_is_a_miss(tmp_path, where):
    """A one-entry file that was changed after it was written (a byte flipped, in the
    value or the checksum) is a miss, not a wrong value, even if it would still unpickle."""
    cache = Cache(tmp_path / "c")
    cache.put("b", "k", {"word": b"x" * 100, "n": 7})
    assert cache.get("b", "k") == {"word": b"x" * 100, "n": 7}
    path = cache._path("b", "k")
    data = bytearray(path.read_bytes())
    data[where] ^= 0x01
    path.write_bytes(bytes(data))
    assert cache.get("b", "k") is None


def test_work_meanwhile_is_done_while_workers_parse_and_only_then(tmp_path, monkeypatch):
    """A first build readies what the rules ask first (the holiday tables) in the time
    it waits for the parse workers; with nothing to hand them, it is not done ahead."""
    files = {f"content/press-releases/n{n}.md": item(f"Новость {n}") for n in range(6)}
    root = make_site(tmp_path, files)
    config = parse_config(config_text())
    monkeypatch.setattr(content, "PARALLEL_FROM", 4)
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(os.getpid())

    store = Cache(root / ".site-cache")
    items, _ = content.load(root / "content", config, Session(2, store), meanwhile=meanwhile)
    assert len(items) == 6 and calls == [os.getpid()]
    # Everything comes from the cache now: no workers, nothing done ahead.
    items, _ = content.load(root / "content", config, Session(2, store), meanwhile=meanwhile)
    assert len(items) == 6 and calls == [os.getpid()]
    items, _ = content.load(root / "content", config, Session(1, Cache(None)), meanwhile=meanwhile)
    assert len(items) == 6 and calls == [os.getpid()]


def test_the_code_fingerprint_follows_code_catalogs_and_theme_only(tmp_path, monkeypatch) -> None:
    """A file beside the modules that the generator neither runs nor ships (an editor's swap
    file, the notes mutmut keeps beside each module it mutates) must not move the
    fingerprint: a build and the `python -m site_builder` it starts would look in different
    cache folders.  A change of code, a catalog or a theme file must."""
    from site_builder.speed import cache as cache_module

    package = tmp_path / "site_builder"
    for rel, text in {
        "build.py": "x = 1\n",
        "locale/ru/LC_MESSAGES/ui.po": 'msgid "a"\n',
        "theme/templates/base.html": "<html>",
        "theme/static/site.css": "body {}",
    }.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text, encoding="utf-8")
    monkeypatch.setattr(cache_module, "PACKAGE", package)

    def fingerprint() -> str:
        cache_module.code_fingerprint.cache_clear()
        return cache_module.code_fingerprint()

    first = fingerprint()
    (package / "build.py.meta").write_text("{}", encoding="utf-8")
    (package / ".build.py.swp").write_bytes(b"\0")
    (package / "load").mkdir()
    (package / "load" / "content.py.spans").write_text("[]", encoding="utf-8")
    assert fingerprint() == first
    for rel in (
        "build.py",
        "locale/ru/LC_MESSAGES/ui.po",
        "theme/templates/base.html",
        "theme/static/site.css",
    ):
        before = fingerprint()
        (package / rel).write_text((package / rel).read_text(encoding="utf-8") + " ", encoding="utf-8")
        assert fingerprint() != before, rel
    cache_module.code_fingerprint.cache_clear()
