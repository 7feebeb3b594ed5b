"""`site-builder approve`: approvals bound to the content, refused when they may not be given."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import NOW, config_dict, item, make_site, run_cli, tree

REL = "content/press-releases/remont.md"
FUTURE = "2026-11-25T10:00:00+06:00"  # after NOW: embargoed until then
LATER = "2026-11-26T12:00:00+06:00"  # a scheduled build after FUTURE
HASH = re.compile(r'^  hash: "sha256:[0-9a-f]{64}"$', re.MULTILINE)


def required_hash_config() -> dict:
    config = config_dict()
    for rule in config["rules"]["types"].values():
        rule["approval_hash"] = "required"
    return config


def review_item(title: str = "Ремонт дорог", date: str = FUTURE, **extra) -> str:
    return item(title, date=date, status="review", approval=None, **extra)


def site(tmp_path: Path, text: str | None = None, config: dict | None = None) -> Path:
    return make_site(tmp_path, {REL: text or review_item()}, config or required_hash_config())


def approve(root: Path, *args: str) -> tuple[int, str]:
    code, out, err = run_cli("approve", REL, *args, "--yes", "--now", NOW, cwd=root)
    assert "Traceback" not in out + err
    return code, out + err


def codes(output: str) -> list[str]:
    return re.findall(r"^\S+: (?:error|warning|info) ([A-Z_]+) ", output, re.MULTILINE)


def test_approve_records_by_at_and_hash(tmp_path: Path):
    root = site(tmp_path)
    code, output = approve(root, "--by", "aliev")
    assert code == 0, output
    text = (root / REL).read_text(encoding="utf-8")
    assert "status: approved" in text and "status: review" not in text
    assert "  by: aliev" in text
    assert "  at: 2026-11-22T12:00:00+06:00" in text
    assert HASH.search(text)
    assert text.startswith("---\ntitle: Ремонт дорог\n")
    assert text.endswith("---\nТекст материала.\n")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 0, out + err
    assert "EMBARGOED" in out
    code, out, err = run_cli("build", "--now", LATER, cwd=root)
    assert code == 0, out + err
    assert (root / "output/press-releases/remont/index.html").is_file()


@pytest.mark.parametrize(
    ("by", "text", "expected"),
    [
        ("petrov", review_item(author="sydykova"), "APPROVER_ROLE"),
        ("aliev", review_item(author="aliev", division="pr"), "APPROVER_IS_AUTHOR"),
        ("old", review_item(), "APPROVER_INACTIVE"),
        ("aliev", review_item(confidentiality="restricted"), "APPROVE_RESTRICTED"),
        ("nobody", review_item(), "UNKNOWN_PERSON"),
    ],
    ids=["wrong-role", "four-eyes", "inactive", "restricted", "unknown"],
)
def test_approve_refuses(tmp_path: Path, by: str, text: str, expected: str):
    root = site(tmp_path, text)
    before = (root / REL).read_bytes()
    code, output = approve(root, "--by", by)
    assert code == 1
    assert codes(output) == [expected], output
    assert f"{REL}:" in output
    assert (root / REL).read_bytes() == before


def test_approve_refuses_a_file_outside_content(tmp_path: Path):
    root = site(tmp_path)
    (root / "notes.md").write_text(review_item(), encoding="utf-8")
    code, out, err = run_cli("approve", "notes.md", "--by", "aliev", "--yes", "--now", NOW, cwd=root)
    assert code == 1
    assert codes(out + err) == ["FILE_NOT_FOUND"]


def test_edit_after_approval_of_a_future_item_drops_it(tmp_path: Path):
    root = site(tmp_path)
    assert approve(root, "--by", "aliev")[0] == 0
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8") + "Дописано после согласования.\n", encoding="utf-8")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 0, out + err  # a warning: it was not out yet
    assert f"{REL}:" in out and "warning APPROVAL_HASH_MISMATCH" in out
    assert "содержимое изменено после согласования" in out or "после согласования" in out
    code, out, err = run_cli("build", "--now", LATER, cwd=root)  # even once its date has passed
    assert code == 1
    assert "APPROVAL_HASH_LIVE" in err


def test_edit_of_a_future_item_is_absent_from_output(tmp_path: Path):
    root = make_site(
        tmp_path,
        {REL: review_item(), "content/press-releases/other.md": item("Другая новость")},
        required_hash_config(),
    )
    assert approve(root, "--by", "aliev")[0] == 0
    other = "content/press-releases/other.md"
    assert (
        run_cli(
            "approve",
            other,
            "--by",
            "aliev",
            "--at",
            "2026-11-20T09:00",
            "--reason",
            "по телефону",
            "--yes",
            "--now",
            NOW,
            cwd=root,
        )[0]
        == 0
    )
    text = (root / REL).read_text(encoding="utf-8")
    (root / REL).write_text(text.replace("Ремонт дорог", "Ремонт дорог и мостов"), encoding="utf-8")
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    assert f"{REL}:7: warning APPROVAL_HASH_MISMATCH" in out
    assert f"site-builder approve {REL} --by" in out  # the hint is a command that works from the site root
    assert (root / "output/press-releases/other/index.html").is_file()
    for path in (root / "output").rglob("*"):
        assert "remont" not in path.name
        if path.is_file():
            assert "Ремонт дорог".encode() not in path.read_bytes(), path


def test_required_hash_missing(tmp_path: Path):
    root = site(tmp_path, item("Без хеша"))
    code, _out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    assert f"{REL}:7: error APPROVAL_HASH_MISSING" in err
    assert f"site-builder approve {REL} --by aliev" in err


def published_site(tmp_path: Path) -> Path:
    """An item approved before its date, built and published at NOW."""
    root = site(tmp_path, review_item(date="2026-11-20T10:00:00+06:00"))
    code, output = approve(
        root, "--by", "aliev", "--at", "2026-11-20T09:00:00+06:00", "--reason", "задним числом"
    )
    assert code == 0, output
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    assert (root / "output/press-releases/remont/index.html").is_file()
    return root


def test_edit_of_a_published_item_is_an_error_and_keeps_the_old_output(tmp_path: Path):
    root = published_site(tmp_path)
    before = tree(root / "output")
    path = root / REL
    path.write_text(
        path.read_text(encoding="utf-8").replace("Текст материала.", "Новый текст."), encoding="utf-8"
    )
    code, _out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error APPROVAL_HASH_LIVE ", err, re.MULTILINE), err
    assert "corrections" in err
    assert tree(root / "output") == before


def test_reapproval_of_a_published_item_needs_a_correction(tmp_path: Path):
    root = published_site(tmp_path)
    path = root / REL
    changed = path.read_text(encoding="utf-8").replace("Текст материала.", "Исправленный текст.")
    path.write_text(changed, encoding="utf-8")
    code, output = approve(root, "--by", "sydykova", "--at", NOW)
    assert code == 1
    assert "CORRECTION_REQUIRED" in codes(output), output
    assert path.read_text(encoding="utf-8") == changed
    correction = "corrections:\n- at: 2026-11-22T11:00:00+06:00\n  note: Уточнена сумма ремонта\nstatus:"
    path.write_text(changed.replace("status:", correction, 1), encoding="utf-8")
    code, output = approve(root, "--by", "sydykova", "--at", NOW)
    assert code == 0, output
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    page = (root / "output/press-releases/remont/index.html").read_text(encoding="utf-8")
    assert "Исправленный текст." in page
    assert "Уточнена сумма ремонта" in page


# --- rules.verify_git ----------------------------------------------------------------------------


@pytest.fixture
def git_installed() -> None:
    """git is part of the test environment (.ci/run works in a clone): missing, these tests fail."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed: the tests of rules.verify_git need it", pytrace=False)


needs_git = pytest.mark.usefixtures("git_installed")


def git(root: Path, *args: str, email: str = "petrov@example.kg") -> str:
    env = {
        "GIT_AUTHOR_NAME": email.split("@")[0],
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": email.split("@")[0],
        "GIT_COMMITTER_EMAIL": email,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(root),
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def git_site(tmp_path: Path, approver_email: str) -> Path:
    config = required_hash_config()
    config["rules"]["verify_git"] = True
    root = site(tmp_path, config=config)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "draft by the press secretary")
    assert approve(root, "--by", "aliev")[0] == 0
    git(root, "commit", "-q", "-am", "approval", email=approver_email)
    return root


@needs_git
def test_git_approval_committed_by_the_approver_passes(tmp_path: Path):
    root = git_site(tmp_path, "aliev@example.kg")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 0, out + err


@needs_git
def test_git_approval_committed_by_someone_else_fails(tmp_path: Path):
    root = git_site(tmp_path, "petrov@example.kg")
    code, _out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error GIT_APPROVER_MISMATCH ", err, re.MULTILINE), err
    assert "petrov@example.kg" in err


@needs_git
def test_git_uncommitted_approval_fails(tmp_path: Path):
    config = required_hash_config()
    config["rules"]["verify_git"] = True
    root = site(tmp_path, config=config)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "draft")
    assert approve(root, "--by", "aliev")[0] == 0
    code, _out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    assert "GIT_APPROVAL_UNCOMMITTED" in err


@needs_git
def test_git_shallow_clone_is_told_to_fetch_history(tmp_path: Path):
    root = git_site(tmp_path / "origin", "aliev@example.kg")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    code, _out, err = run_cli("check", "--now", NOW, cwd=clone)
    assert code == 1
    assert "GIT_SHALLOW" in err
    assert "git fetch --unshallow" in err


# --- taking a published item down, and items that never went out ------------------------------


def test_status_draft_of_a_published_item_is_refused_and_keeps_the_page(tmp_path: Path):
    root = published_site(tmp_path)
    before = tree(root / "output")
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: draft"), "utf-8")
    code, _out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error STATUS_TAKES_DOWN ", err, re.MULTILINE), err
    assert "withdrawn" in err
    assert tree(root / "output") == before


def test_edit_and_status_review_of_a_published_item_is_refused_too(tmp_path: Path):
    root = published_site(tmp_path)
    before = tree(root / "output")
    path = root / REL
    text = path.read_text(encoding="utf-8").replace("status: approved", "status: review")
    path.write_text(text.replace("Текст материала.", "Новый текст."), encoding="utf-8")
    code, _out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error STATUS_TAKES_DOWN ", err, re.MULTILINE), err
    assert tree(root / "output") == before


def test_status_review_of_an_embargoed_item_just_holds_it(tmp_path: Path):
    root = site(tmp_path)
    assert approve(root, "--by", "aliev")[0] == 0
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: review"), "utf-8")
    code, out, err = run_cli("build", "--now", NOW, cwd=root)  # before its date: it never went out
    assert code == 0, out + err
    assert "IN_REVIEW" in out and "STATUS_TAKES_DOWN" not in out + err


def commit_at(root: Path, when: str) -> None:
    """Commit everything with this commit date (git's clock, not the machine's)."""
    git(root, "add", ".")
    env = {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when, "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(root), "GIT_CONFIG_GLOBAL": "/dev/null"}
    author = ["-c", "user.name=p", "-c", "user.email=p@example.kg"]
    subprocess.run(["git", *author, "commit", "-q", "-m", "edit"], cwd=root, env=env, check=True)


@needs_git
def test_item_withdrawn_before_its_date_never_appears(tmp_path: Path):
    """Git history shows the withdrawal came before the date: the item never went out."""
    root = site(tmp_path)
    git(root, "init", "-q", "-b", "main")
    assert approve(root, "--by", "aliev")[0] == 0
    commit_at(root, NOW)
    path = root / REL
    text = path.read_text(encoding="utf-8").replace("status: approved", "status: withdrawn")
    withdrawn = "withdrawn:\n  at: 2026-11-23T10:00:00+06:00\n  reason: Отменено до выхода\nstatus:"
    path.write_text(text.replace("status:", withdrawn, 1), encoding="utf-8")
    code, output = approve(root, "--by", "aliev")
    assert code == 0, output
    commit_at(root, "2026-11-23T10:00:00+06:00")
    code, out, err = run_cli("build", "--now", LATER, cwd=root)  # its date has passed
    assert code == 0, out + err
    assert re.search(rf"^{REL}:\d+: info WITHDRAWN_UNPUBLISHED ", out, re.MULTILINE), out
    assert (root / "output/index.html").is_file()
    for found in (root / "output").rglob("*"):
        assert "remont" not in found.name
        if found.is_file():
            data = found.read_bytes()
            assert "Ремонт дорог".encode() not in data and "Отменено до выхода".encode() not in data, found


def test_item_withdrawn_before_its_passed_date_without_history_is_refused(tmp_path: Path):
    """Without git history an approved item whose date has passed counts as published."""
    root = site(tmp_path)
    assert approve(root, "--by", "aliev")[0] == 0
    path = root / REL
    text = path.read_text(encoding="utf-8").replace("status: approved", "status: withdrawn")
    withdrawn = "withdrawn:\n  at: 2026-11-23T10:00:00+06:00\n  reason: Отменено до выхода\nstatus:"
    path.write_text(text.replace("status:", withdrawn, 1), encoding="utf-8")
    assert approve(root, "--by", "aliev")[0] == 0
    code, _out, err = run_cli("build", "--now", LATER, cwd=root)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error WITHDRAWAL_TAKES_DOWN ", err, re.MULTILINE), err
    assert "HISTORY_UNKNOWN" in err
    assert not (root / "output").exists()


@needs_git
@pytest.mark.parametrize(
    "committed",
    [
        "2026-11-23T10:00:00+06:00",  # claims the edit came while it was embargoed
        "2026-11-25T12:00:00+06:00",  # after it went out
    ],
)
def test_edit_after_approval_is_live_once_the_date_has_passed_whatever_its_commit_date(
    tmp_path: Path, committed: str
):
    """A commit date can be set to anything: from the date on, an edit is an error."""
    root = site(tmp_path)
    git(root, "init", "-q", "-b", "main")
    assert approve(root, "--by", "aliev")[0] == 0
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8") + "Дописано после согласования.\n", encoding="utf-8")
    commit_at(root, committed)
    code, out, err = run_cli("build", "--now", LATER, cwd=root)
    assert re.search(rf"^{REL}:\d+: error APPROVAL_HASH_LIVE ", err, re.MULTILINE), out + err
    assert code == 1
    assert not (root / "output/press-releases/remont/index.html").exists()
    code, out, err = run_cli("check", "--now", NOW, cwd=root)  # before the date: held, a warning
    assert code == 0, out + err
    assert re.search(rf"^{REL}:\d+: warning APPROVAL_HASH_MISMATCH ", out, re.MULTILINE), out


def test_approve_refuses_an_approval_dated_in_the_future(tmp_path: Path):
    root = published_site(tmp_path)
    text = (root / REL).read_text(encoding="utf-8")
    code, _out, err = run_cli(
        "approve", REL, "--by", "sydykova", "--at", LATER, "--yes", "--now", NOW, cwd=root
    )
    assert code == 2
    assert "--at" in err and "Traceback" not in err
    assert (root / REL).read_text(encoding="utf-8") == text
