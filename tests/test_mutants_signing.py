"""Mutation testing of site_builder/speed/signing.py (tests/MUTANTS.md): what an intruder
could plant around the key or the cache files, and what a user's key folder must be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.speed import signing


@pytest.fixture(autouse=True)
def _forget_the_key():
    signing.key.cache_clear()
    yield
    signing.key.cache_clear()


def _user(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    signing.key.cache_clear()
    return home / "site-builder" / "cache-key"


def _plant(path: Path, data: bytes, folder_mode: int = 0o700, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(folder_mode)
    path.write_bytes(data)
    path.chmod(mode)


def test_the_key_lives_in_the_user_cache_folder_or_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert signing.key_path() == tmp_path / "xdg/site-builder/cache-key"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert signing.key_path() == tmp_path / "home/.cache/site-builder/cache-key"
    signing.key.cache_clear()
    first = signing.key()
    assert (tmp_path / "home/.cache/site-builder/cache-key").read_bytes() == first


def test_a_key_folder_made_is_the_user_s_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    signing.key()
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_key_is_made_in_a_key_folder_that_already_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    path.parent.mkdir(parents=True, mode=0o700)
    first = signing.key()
    assert path.read_bytes() == first
    signing.key.cache_clear()
    assert signing.key() == first


def test_two_first_runs_at_once_agree_on_the_key_linked_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run links its key in between this run's look and its own link: this run
    takes that key (not one for itself alone) and leaves no temporary behind."""
    path = _user(monkeypatch, tmp_path / "me")
    theirs = os.urandom(signing.KEY_BYTES)
    _plant(path, theirs)
    real_lexists = os.path.lexists
    monkeypatch.setattr(os.path, "lexists", lambda p: False if Path(p) == path else real_lexists(p))
    assert signing.key() == theirs
    assert sorted(p.name for p in path.parent.iterdir()) == ["cache-key"]


@pytest.mark.parametrize("folder_mode", [0o720, 0o702])
def test_a_key_in_a_folder_others_may_write_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder_mode: int
) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path, planted, folder_mode=folder_mode)
    assert signing.key() != planted


def test_a_key_folder_that_is_a_link_is_not_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(tmp_path / "elsewhere/cache-key", planted)
    path.parent.parent.mkdir(parents=True)
    path.parent.symlink_to(tmp_path / "elsewhere")
    assert signing.key() != planted


def test_a_key_that_is_a_link_is_not_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path.with_name("real"), planted)
    path.symlink_to("real")
    assert signing.key() != planted


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o610])
def test_a_key_others_may_read_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path, planted, mode=mode)
    assert signing.key() != planted


def test_a_key_or_folder_of_another_user_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path, planted)
    assert signing.key() == planted
    signing.key.cache_clear()
    monkeypatch.setattr(os, "getuid", lambda: os.stat(path).st_uid + 1)
    assert signing.key() != planted


def test_a_key_owned_by_another_user_in_the_user_s_folder_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path, planted)
    real_fstat = os.fstat

    def other_owner(fd: int) -> os.stat_result:
        found = list(real_fstat(fd))
        found[4] += 1  # st_uid
        return os.stat_result(found)

    monkeypatch.setattr(os, "fstat", other_owner)
    assert signing.key() != planted


def test_a_key_longer_than_a_key_is_not_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * (signing.KEY_BYTES + 1)
    _plant(path, planted)
    assert signing.key() not in (planted, planted[: signing.KEY_BYTES])


def test_a_tag_is_bound_to_where_its_context_parts_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file signed as one entry is a miss under a name whose parts split differently."""
    _user(monkeypatch, tmp_path / "me")
    data = b"payload"
    signed = signing.tag(data, b"events", b"abc")
    assert signing.verify(signed, data, b"events", b"abc")
    assert not signing.verify(signed, data, b"eventsa", b"bc")
    assert not signing.verify(signed, data, b"events", b"abd")
    assert not signing.verify(signed, data + b"x", b"events", b"abc")
    assert not signing.verify(signed, b"abc" + data, b"events")
    assert signing.tag(data) != signing.tag(data, b"")


def test_a_cache_file_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    giant = tmp_path / "giant"
    with open(giant, "wb") as handle:
        handle.truncate(signing.MAX_FILE + 1)  # sparse: no disk used
    assert signing.read_file(giant) is None
    assert signing.MAX_FILE == 1 << 30
    small = tmp_path / "small"
    small.write_bytes(b"abc")
    assert signing.read_file(small) == b"abc"


def test_a_link_planted_at_the_temporary_key_s_name_is_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new key is written to a fresh file only: a link waiting at its temporary name
    (guessed) is neither followed nor taken as the key."""
    path = _user(monkeypatch, tmp_path / "me")
    path.parent.mkdir(parents=True, mode=0o700)
    monkeypatch.setattr(signing.secrets, "token_hex", lambda n=None: "guessed")
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    path.with_name(f"cache-key.{os.getpid()}.guessed.tmp").symlink_to(victim)
    signing.key()
    assert victim.read_bytes() == b"precious"
    assert not path.exists()


def test_a_key_in_a_folder_of_another_user_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key file is this user's, mode 600, but the folder holding it is someone else's
    (who could swap the key): not taken."""
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path, planted)
    real_stat = os.stat

    def folder_of_another(target, *args, **kwargs) -> os.stat_result:
        found = real_stat(target, *args, **kwargs)
        if Path(target) != path.parent:
            return found
        fields = list(found)
        fields[4] += 1  # st_uid
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", folder_of_another)
    assert signing.key() != planted


def test_a_key_in_a_folder_others_may_only_enter_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _user(monkeypatch, tmp_path / "me")
    planted = b"P" * signing.KEY_BYTES
    _plant(path, planted, folder_mode=0o711)
    assert signing.key() == planted


def test_a_cache_file_that_is_a_link_to_a_regular_file_is_not_read(tmp_path: Path) -> None:
    """A committed link to a file elsewhere (say, another site's signed cache file) is a miss."""
    target = tmp_path / "elsewhere"
    target.write_bytes(b"signed elsewhere")
    link = tmp_path / "entry"
    link.symlink_to(target)
    assert signing.read_file(link) is None
    assert signing.read_file(target) == b"signed elsewhere"


def test_a_cache_file_of_exactly_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signing, "MAX_FILE", 10)
    exact = tmp_path / "exact"
    exact.write_bytes(b"0123456789")
    assert signing.read_file(exact) == b"0123456789"
    exact.write_bytes(b"0123456789a")
    assert signing.read_file(exact) is None


def test_a_cache_file_that_grows_after_its_size_was_checked_is_read_no_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever appends to a cache file between the size check and the read gets at most one
    byte over the limit read (the tag then fails): never the whole giant."""
    monkeypatch.setattr(signing, "MAX_FILE", 10)
    grown = tmp_path / "grown"
    grown.write_bytes(b"x" * 100)
    real_fstat = os.fstat

    def small_when_checked(fd: int) -> os.stat_result:
        fields = list(real_fstat(fd))
        fields[6] = 5  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", small_when_checked)
    assert signing.read_file(grown) == b"x" * 11
