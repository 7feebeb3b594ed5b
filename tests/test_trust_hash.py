"""The approval hash covers the whole item (issue 24, decision 1): its front matter and body,
its identity (id or path, and language) and every attachment of its folder, by name and
bytes.  An approved file copied elsewhere is not approved there, and an attachment added,
removed, renamed or replaced after the approval voids it: the item is not published
(APPROVAL_HASH_LIVE once its date has passed, APPROVAL_HASH_MISMATCH before)."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hardkit import NOW, holding
from sitekit import config_dict, item, make_site, run_cli

from site_builder.build import build, check
from site_builder.commands.approve import Request, approve
from site_builder.judge.verdict import State
from site_builder.load.config import load_config
from site_builder.load.discover import read_source
from site_builder.speed.session import Session

PAST = "2026-11-20T10:00:00+06:00"  # before NOW: out once approved
FUTURE = "2026-11-25T10:00:00+06:00"  # after NOW: embargoed
BUNDLE = "press-releases/smeta/index.md"
ATTACHMENT = "press-releases/smeta/smeta.csv"
OLD_BYTES = b"sum;HASHOLDBYTES\n"
NEW_BYTES = b"sum;HASHNEWBYTES\n"  # the same size


def config() -> dict:
    found = config_dict()
    for rule in found["rules"]["types"].values():
        rule["approval_hash"] = "required"
    found["site"]["languages"] = ["ru", "ky"]
    return found


def review(title: str, date: str = PAST) -> str:
    return item(title, date, "review", approval=None, body="Текст HASHBODY.\n")


def approved(root: Path, rel: str) -> None:
    """Approve content/REL as `site-builder approve` does, an hour before PAST (before NOW)."""
    source, problems = read_source(root / "content", rel)
    assert source is not None, problems
    at = datetime.fromisoformat("2026-11-20T09:00:00+06:00")
    done, problems = approve(
        source, load_config(root), Request("aliev", at, reason="approved on paper that morning"), NOW
    )
    assert done is not None, problems
    (root / "content" / rel).write_text(done.text, encoding="utf-8")


def bundle_site(tmp_path: Path, date: str = PAST, approve: bool = True) -> Path:
    files = {"content/" + BUNDLE: review("Смета HASHTITLE", date), "content/" + ATTACHMENT: OLD_BYTES}
    root = make_site(tmp_path, files, config())
    if approve:
        approved(root, BUNDLE)
    return root


def codes(result, rel: str) -> set[str]:
    return {p.code for p in result.problems if p.path == "content/" + rel}


def built(root: Path, cache: bool = False):
    """All or nothing (these sites have no git history: items held back are test_held's)."""
    return build(root, NOW, root / "output", session=Session.of(root, cache=cache), strict=True)


# --- a copy elsewhere is not approved ---------------------------------------------------------


def listing(output: Path) -> list[str]:
    return sorted(path.relative_to(output).as_posix() for path in output.rglob("*"))


COPIES = ["press-releases/smeta-2.md", "press-releases/other/index.md", "press-releases/smeta.ky.md"]


@pytest.mark.parametrize("copy", COPIES)
def test_a_copy_of_an_approved_file_is_not_published(tmp_path: Path, copy: str) -> None:
    """Copied to another path, into another bundle, or as the Kyrgyz version (`x.ky.md`)."""
    rel = "press-releases/smeta.md"
    root = make_site(tmp_path, {"content/" + rel: review("Смета HASHTITLE")}, config())
    approved(root, rel)
    first = built(root)
    assert first.ok, first.problems
    assert first.judgement.verdicts[rel].state == State.PUBLISHED
    before = listing(root / "output")
    target = root / "content" / copy
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / "content" / rel, target)
    result = built(root)
    assert result.judgement.verdicts[copy].state == State.INVALID
    assert "APPROVAL_HASH_LIVE" in codes(result, copy), result.problems
    assert {p.code for p in result.problems if p.is_error} == {"APPROVAL_HASH_LIVE"}  # for nothing else
    assert result.judgement.verdicts[rel].state == State.PUBLISHED  # the original is still approved
    assert not result.ok  # a text dated in the past that nobody approved refuses the build,
    assert listing(root / "output") == before  # and the site stays as it was: the copy is nowhere


def test_an_embargoed_copy_is_held(tmp_path: Path) -> None:
    """Before its date, a copy is a warning that it will not go out, not a scheduled release."""
    rel, copy = "press-releases/smeta.md", "press-releases/smeta.ky.md"
    root = make_site(tmp_path, {"content/" + rel: review("Смета HASHTITLE", FUTURE)}, config())
    approved(root, rel)
    shutil.copyfile(root / "content" / rel, root / "content" / copy)
    result = check(root, NOW)
    assert result.judgement.verdicts[rel].state == State.SCHEDULED
    assert result.judgement.verdicts[copy].state == State.INVALID
    assert "APPROVAL_HASH_MISMATCH" in codes(result, copy)


# --- attachments are part of what was approved -------------------------------------------------


def swap(root: Path) -> None:
    (root / "content" / ATTACHMENT).write_bytes(NEW_BYTES)


def add(root: Path) -> None:
    (root / "content/press-releases/smeta/extra.csv").write_bytes(NEW_BYTES)


def remove(root: Path) -> None:
    (root / "content" / ATTACHMENT).unlink()


def rename(root: Path) -> None:
    (root / "content" / ATTACHMENT).rename(root / "content/press-releases/smeta/smeta-final.csv")


CHANGES = {"replaced": swap, "added": add, "removed": remove, "renamed": rename}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("cache", [False, True])
def test_an_attachment_changed_after_approval_is_not_published(
    tmp_path: Path, change: str, cache: bool
) -> None:
    root = bundle_site(tmp_path)
    first = built(root, cache)
    assert first.ok, first.problems
    assert (root / "output/press-releases/smeta/smeta.csv").read_bytes() == OLD_BYTES
    CHANGES[change](root)
    result = built(root, cache)
    assert result.judgement.verdicts[BUNDLE].state == State.INVALID
    assert "APPROVAL_HASH_LIVE" in codes(result, BUNDLE), result.problems
    assert not result.ok
    assert (root / "output/press-releases/smeta/smeta.csv").read_bytes() == OLD_BYTES
    assert holding(root / "output", "HASHNEWBYTES") == []
    assert not (root / "output/press-releases/smeta/smeta-final.csv").exists()
    assert not (root / "output/press-releases/smeta/extra.csv").exists()


def test_an_attachment_replaced_keeping_size_and_mtime_is_seen_by_a_cached_build(tmp_path: Path) -> None:
    """`cp -p`: the parse cache must not hand back the item with the old attachment's hash."""
    root = bundle_site(tmp_path)
    assert built(root, cache=True).ok
    path = root / "content" / ATTACHMENT
    before = path.stat()
    swap(root)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = built(root, cache=True)
    assert "APPROVAL_HASH_LIVE" in codes(result, BUNDLE), result.problems
    assert holding(root / "output", "HASHNEWBYTES") == []


def test_an_attachment_replaced_before_the_date_holds_the_release(tmp_path: Path) -> None:
    root = bundle_site(tmp_path, FUTURE)
    assert check(root, NOW).judgement.verdicts[BUNDLE].state == State.SCHEDULED
    swap(root)
    result = check(root, NOW)
    assert result.judgement.verdicts[BUNDLE].state == State.INVALID
    assert "APPROVAL_HASH_MISMATCH" in codes(result, BUNDLE)


def test_the_preview_server_sees_an_attachment_replaced(tmp_path: Path) -> None:
    """The preview server has no hashes from the build's input key: it keeps its own by stat."""
    from site_builder.commands.livereload import Hub
    from site_builder.commands.serve import Preview

    root = bundle_site(tmp_path)
    preview = Preview(root, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    assert preview.rebuild()
    preview.settle()
    swap(root)
    preview.touch(None)  # what the watcher reports for an attachment rewritten
    assert not preview.rebuild()
    assert holding(tmp_path / "preview", "HASHNEWBYTES") == []


def test_approve_and_check_agree_on_an_item_with_attachments(tmp_path: Path) -> None:
    """The CLI records the hash over the attachments, `check` accepts it, and a swap is refused."""
    root = bundle_site(tmp_path, FUTURE, approve=False)
    now = "2026-11-22T12:00:00+06:00"
    code, out, err = run_cli("approve", "content/" + BUNDLE, "--by", "aliev", "--yes", "--now", now, cwd=root)
    assert code == 0, out + err
    code, out, err = run_cli("check", "--now", now, cwd=root)
    assert code == 0 and "EMBARGOED" in out, out + err
    swap(root)
    code, out, err = run_cli("check", "--now", "2026-11-26T12:00:00+06:00", cwd=root)
    assert code != 0 and "APPROVAL_HASH_LIVE" in out + err, out + err


# --- hashing the attachments costs no extra reading ---------------------------------------------


def test_a_cached_build_hashes_no_attachment_itself(tmp_path: Path, monkeypatch) -> None:
    """The build's input key hashed every content file already (by stat): the loader takes
    the attachments' hashes from it and reads none of them."""
    from site_builder.load import discover

    root = bundle_site(tmp_path)
    read: list[str] = []
    monkeypatch.setattr(discover, "file_hash", lambda path: read.append(path) or "")
    for _ in range(2):
        assert built(root, cache=True).ok
    assert read == []


def test_the_preview_server_hashes_an_unchanged_attachment_once(tmp_path: Path, monkeypatch) -> None:
    """The preview server has no input key: it keeps each attachment's hash by its stat."""
    from site_builder.commands.livereload import Hub
    from site_builder.commands.serve import Preview
    from site_builder.load import discover

    root = bundle_site(tmp_path)
    path = root / "content" / ATTACHMENT
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))  # settled
    read: list[str] = []
    real = discover.file_hash
    monkeypatch.setattr(discover, "file_hash", lambda found: read.append(found) or real(found))
    preview = Preview(root, tmp_path / "preview", Hub(), False, "en", lambda: NOW)
    assert preview.rebuild()
    preview.settle()
    assert len(read) == 1
    (root / "content" / BUNDLE).write_text((root / "content" / BUNDLE).read_text() + "\n", encoding="utf-8")
    preview.touch(None)  # listed anew: every file's stat looked at again
    assert preview.rebuild()
    assert len(read) == 1
