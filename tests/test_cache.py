"""The build cache's packed buckets: parsed items live in a few pack files, not one per item."""

from __future__ import annotations

import pickle

from site_builder.cache import Cache, code_fingerprint


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
    assert pickle.loads(pack.read_bytes()).keys() == {"new"}


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
    assert [len(pickle.loads(p.read_bytes())) for p in _packs(cache)] in ([6, 6, 3], [6, 3, 6], [3, 6, 6])
    assert Cache(tmp_path).get_many("items", ["n4-2", "n0-0"]) == [2, 0]
