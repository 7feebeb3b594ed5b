"""A published page leaves only by withdrawal or by a redirect (issue 24, section 5).

Each silent take-down — restricting, withdrawing before the date, deleting, renaming,
dropping the approval to draft, re-dating, a back-dated commit — is refused at `check` and
`build`, and output/ keeps the last published version.  Git history decides what went
out: the sites here are real repositories whose commits are dated with
GIT_COMMITTER_DATE.  The legitimate ways out still work: a withdrawal with a public
reason, a move with `aliases` (a redirect page at the old address), and an embargoed item
pulled back before its date.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from gitkit import commit, git
from sitekit import NOW, config_dict, config_text, item, make_site, run_cli, tree

from site_builder.load import markdown
from site_builder.load.config import parse_config
from site_builder.load.content import parse
from site_builder.load.discover import Source

REL = "content/press-releases/remont.md"
PAGE = "press-releases/remont/index.html"
OTHER = "content/press-releases/other.md"  # another published item: content/ is never empty
DATE = "2026-11-20T10:00:00+06:00"  # before NOW (2026-11-22 12:00): out at NOW
APPROVED = "2026-11-20T09:00:00+06:00"
BEFORE = "2026-11-19T12:00:00+06:00"  # committed before the date
AFTER = "2026-11-21T12:00:00+06:00"  # committed after it, before NOW
FUTURE = "2026-11-25T10:00:00+06:00"
LATER = "2026-11-26T12:00:00+06:00"


@pytest.fixture(autouse=True)
def git_installed() -> None:
    if shutil.which("git") is None:
        pytest.fail("git is part of the test environment: these tests need it", pytrace=False)


def config() -> dict:
    data = config_dict()
    for rule in data["rules"]["types"].values():
        rule["approval_hash"] = "required"
    return data


def approved(text: str, rel: str = REL) -> str:
    """A text whose approval block (by, at) ends its front matter, with the hash of its
    content added as `approve` records it: the digest the loader gives that file."""
    head, _, body = text[4:].partition("\n---\n")
    head = "\n".join(line for line in head.split("\n") if not line.startswith("  hash:"))
    assert head.split("\n")[-3] == "approval:", head
    settings = parse_config(config_text(config()))
    source = Source(rel.removeprefix("content/"), f"---\n{head}\n---\n{body}".encode())
    found, problems = parse(source, settings, markdown.make_parser())
    assert found is not None, problems
    return f'---\n{head}\n  hash: "{found.digest}"\n---\n{body}'


def reapproved(text: str, by: str, at: str, rel: str = REL) -> str:
    """The text approved again by `by` at `at`."""
    head, _, body = text[4:].partition("\n---\n")
    head = head[: head.index("\napproval:")] + f"\napproval:\n  by: {by}\n  at: {at}"
    return approved(f"---\n{head}\n---\n{body}", rel)


def release(
    title: str = "Ремонт дорог", date: str = DATE, at: str = APPROVED, rel: str = REL, **extra
) -> str:
    return approved(item(title, date, approval={"by": "aliev", "at": at}, **extra), rel)


def repository(tmp_path: Path, text: str | None = None, when: str = BEFORE) -> Path:
    """A site with one approved item, committed at `when` (before its date)."""
    files = {
        REL: text or release(),
        OTHER: release("Другое", rel=OTHER),
        ".gitignore": "output/\n.site-cache/\n",
    }
    root = make_site(tmp_path, files, config())
    git(root, "init", "-q", "-b", "main")
    commit(root, when, "approved")
    return root


def published(tmp_path: Path, text: str | None = None) -> tuple[Path, dict[str, str]]:
    """The repository built at NOW, its item's page out; and output/ as it then is."""
    root = repository(tmp_path, text)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    assert (root / "output" / PAGE).is_file()
    return root, tree(root / "output")


def edit(root: Path, change, rel: str = REL) -> None:
    path = root / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def refused(root: Path, before: dict[str, str], code: str, where: str = REL, others: bool = False) -> str:
    """`check` and `build --strict` both fail with `code` at `where`; output/ is as it was.
    `build` (issue 25, point 2) holds the item back instead: it publishes the rest, exits
    3, and the version that went out stays live — output/ is byte for byte as it was
    (`others`: but for what other files changed, the page itself as it was)."""
    for command in (["check"], ["build", "--strict"], ["build"]):
        status, out, err = run_cli(*command, "--now", NOW, cwd=root)
        assert "Traceback" not in out + err
        assert status == (3 if command == ["build"] else 1), (command, out + err)
        assert re.search(rf"^{re.escape(where)}(:\d+)?: error {code} ", err, re.MULTILINE), err
        if others and command == ["build"]:
            assert tree(root / "output")[PAGE] == before[PAGE]
        else:
            assert tree(root / "output") == before
    assert re.search(rf"^{re.escape(where)}: warning HELD_KEPT ", err, re.MULTILINE), err
    return err


def stopped(root: Path, before: dict[str, str], code: str, why: str, held: str = REL) -> str:
    """As `refused`, but where `build` cannot hold an item back safely: it stops too (exit 1,
    `why` said at `held`), and output/ is as it was."""
    for command in (["check"], ["build", "--strict"], ["build"]):
        status, out, err = run_cli(*command, "--now", NOW, cwd=root)
        assert "Traceback" not in out + err
        assert status == 1, (command, out + err)
        assert re.search(rf"^{re.escape(REL)}(:\d+)?: error {code} ", err, re.MULTILINE), err
        assert tree(root / "output") == before
    assert re.search(rf"^{re.escape(held)}: error {why} ", err, re.MULTILINE), err
    return err


def passes(root: Path, now: str = NOW) -> str:
    status, out, err = run_cli("build", "--now", now, cwd=root)
    assert status == 0, out + err
    return out


# --- each silent take-down is refused, and the last published version stays -------------------


def test_restricting_a_published_item_is_refused(tmp_path: Path):
    root, before = published(tmp_path)
    edit(root, lambda t: t.replace("status: approved", "confidentiality: restricted\nstatus: approved"))
    commit(root, AFTER)
    err = refused(root, before, "RESTRICTED_TAKES_DOWN")
    assert "withdrawn" in err


def test_withdrawing_before_the_date_an_item_that_went_out_is_refused(tmp_path: Path):
    root, before = published(tmp_path)
    withdrawn = "withdrawn:\n  at: 2026-11-19T10:00:00+06:00\n  reason: Отменено\nstatus: withdrawn"
    edit(root, lambda t: t.replace("status: approved", withdrawn))
    commit(root, AFTER)
    refused(root, before, "WITHDRAWAL_TAKES_DOWN")


def test_deleting_a_published_item_is_refused(tmp_path: Path):
    root, before = published(tmp_path)
    git(root, "rm", "-q", REL)
    commit(root, AFTER)
    err = refused(root, before, "DELETED_TAKES_DOWN")
    assert '"/press-releases/remont/"' in err  # the alias that would redirect


def test_deleting_it_without_committing_is_refused_too(tmp_path: Path):
    root, before = published(tmp_path)
    (root / REL).unlink()
    refused(root, before, "DELETED_TAKES_DOWN")


def test_renaming_a_published_item_is_refused(tmp_path: Path):
    root, before = published(tmp_path)
    git(root, "mv", REL, "content/press-releases/remont-dorog.md")
    commit(root, AFTER)
    # The moved file's approval no longer holds (its hash binds the path) and says the text
    # is out: history has no version of it that went out, so `build` cannot hold it back safely.
    err = stopped(root, before, "MOVED_TAKES_DOWN", "HELD_UNKNOWN", "content/press-releases/remont-dorog.md")
    assert "content/press-releases/remont-dorog.md" in err and "/press-releases/remont/" in err


def test_dropping_the_approval_for_a_draft_is_refused(tmp_path: Path):
    root, before = published(tmp_path)
    edit(root, lambda t: t.split("status: approved")[0] + "status: draft\n---\n" + t.split("\n---\n", 1)[1])
    assert "approval" not in (root / REL).read_text(encoding="utf-8")
    commit(root, AFTER)
    refused(root, before, "STATUS_TAKES_DOWN")


def test_moving_the_date_of_a_published_item_ahead_is_refused(tmp_path: Path):
    root, before = published(tmp_path)
    edit(root, lambda t: approved(t.replace(f"date: {DATE}", f"date: {FUTURE}")))
    commit(root, AFTER)
    refused(root, before, "HELD_TAKES_DOWN")


def test_an_edit_committed_with_a_back_dated_commit_is_still_live(tmp_path: Path):
    """git's commit dates can be set to anything: an edit once the date has passed is an error."""
    root, before = published(tmp_path)
    edit(root, lambda t: t.replace("Текст материала.", "Новый текст."))
    commit(root, BEFORE.replace("12:00", "13:00"))  # claims to come before the date
    # History then says no version went out; the file says the approved text did: stopped.
    err = stopped(root, before, "APPROVAL_HASH_LIVE", "HELD_UNKNOWN")
    assert "corrections" in err


def test_a_back_dated_commit_cannot_predate_its_parent(tmp_path: Path):
    """Restricted in a commit dated before the date, made after a commit dated after it:
    the commit's effective time is its parent's, so the item was out when it came."""
    root, before = published(tmp_path)
    (root / "content/press-releases/third.md").write_text(
        release("Третье", rel="content/press-releases/third.md"), encoding="utf-8"
    )
    commit(root, AFTER, "another item")
    edit(root, lambda t: t.replace("status: approved", "confidentiality: restricted\nstatus: approved"))
    commit(root, BEFORE.replace("12:00", "13:00"), "back-dated")
    refused(root, before, "RESTRICTED_TAKES_DOWN", others=True)  # (the third item goes out)
    assert (root / "output/press-releases/third/index.html").is_file()


# --- without history: the cautious reading -------------------------------------------------------


def test_without_git_a_restricted_approved_item_counts_as_published(tmp_path: Path):
    root = make_site(tmp_path, {REL: release(confidentiality="restricted")}, config())
    status, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert status == 1, out + err
    assert re.search(rf"^{REL}:\d+: error RESTRICTED_TAKES_DOWN ", err, re.MULTILINE), err
    assert "HISTORY_UNKNOWN" in err


def test_a_shallow_clone_has_no_history_and_says_so(tmp_path: Path):
    origin = repository(tmp_path / "origin")
    (origin / REL).unlink()
    commit(origin, AFTER, "deleted")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    status, out, err = run_cli("check", "--now", NOW, cwd=clone)
    assert status == 0, out + err  # a deleted file cannot be known: said once, not an error
    assert len(re.findall(r"info HISTORY_UNKNOWN", out)) == 1, out


# --- the legitimate ways out ---------------------------------------------------------------------


WITHDRAWN = "withdrawn:\n  at: 2026-11-21T10:00:00+06:00\n  reason: Сведения устарели\nstatus: withdrawn"


def withdraw(text: str) -> str:
    return reapproved(text.replace("status: approved", WITHDRAWN), "sydykova", "2026-11-21T10:00:00+06:00")


def test_a_withdrawal_with_a_public_reason_takes_it_down(tmp_path: Path):
    root, _ = published(tmp_path)
    edit(root, withdraw)
    commit(root, AFTER)
    passes(root)
    page = (root / "output" / PAGE).read_text(encoding="utf-8")
    assert "Сведения устарели" in page and "Текст материала." not in page


def test_a_withdrawn_page_may_then_be_deleted(tmp_path: Path):
    root, _ = published(tmp_path)
    edit(root, withdraw)
    commit(root, AFTER, "withdrawn")
    git(root, "rm", "-q", REL)
    commit(root, "2026-11-22T10:00:00+06:00", "deleted")
    passes(root)


def test_a_renamed_item_with_an_alias_redirects_from_its_old_address(tmp_path: Path):
    root, _ = published(tmp_path)
    new = "content/press-releases/remont-dorog.md"
    git(root, "mv", REL, new)
    alias = "aliases: [/press-releases/remont/]\nstatus: approved"
    edit(root, lambda t: approved(t.replace("status: approved", alias), new), new)
    commit(root, AFTER, "moved")
    passes(root)
    output = root / "output"
    assert (output / "press-releases/remont-dorog/index.html").is_file()
    redirect = (output / PAGE).read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/press-releases/remont-dorog/">' in redirect
    assert '<link rel="canonical" href="https://press.example.kg/press-releases/remont-dorog/">' in redirect
    assert '<meta name="robots" content="noindex">' in redirect
    assert '<a href="/press-releases/remont-dorog/">' in redirect and "Страница перенесена" in redirect
    sitemap = (output / "sitemaps/ru.xml").read_text(encoding="utf-8")
    assert "/press-releases/remont-dorog/" in sitemap and "/press-releases/remont/<" not in sitemap


def test_an_embargoed_item_pulled_back_before_its_date_stays_unpublished(tmp_path: Path):
    root = repository(tmp_path, release(date=FUTURE, at=APPROVED))
    withdrawn = "withdrawn:\n  at: 2026-11-23T10:00:00+06:00\n  reason: Отменено до выхода\nstatus: withdrawn"
    edit(root, lambda t: t.replace("status: approved", withdrawn))
    commit(root, AFTER, "pulled back before the date")
    out = passes(root, LATER)  # its date has passed: history shows it never went out
    assert re.search(rf"^{REL}:\d+: info WITHDRAWN_UNPUBLISHED ", out, re.MULTILINE), out
    assert not (root / "output/press-releases/remont").exists()


# --- aliases that are no address, or another's ---------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("press-releases/old/", "ALIAS_BAD"),
        ("/press-releases/../x/", "ALIAS_BAD"),
        ("/", "ALIAS_BAD"),
        ("/press-releases/other/", "ALIAS_COLLISION"),
        ("/press-releases/other/files/", "ALIAS_COLLISION"),
        ("/press-releases/remont/", "ALIAS_COLLISION"),
        ("/press-releases/", "URL_COLLISION"),
    ],
)
def test_an_alias_must_be_a_free_address(tmp_path: Path, alias: str, code: str):
    files = {
        REL: release(aliases=[alias]),
        "content/press-releases/other.md": item("Другое", status="draft", approval=None),
    }
    root = make_site(tmp_path, files, config())
    status, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert status == 1, out + err
    assert re.search(rf"^{REL}:\d+: error {code} ", err, re.MULTILINE), err
