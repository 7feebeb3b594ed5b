"""Issue 24, the four-eyes bypass: every item has a real author, `new` will not write one
without, and `rules.verify_git` reads who wrote, approved and committed what (real git
repositories in tmp_path)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import NOW, config_dict, item, make_site, run_cli

REL = "content/press-releases/remont.md"
FUTURE = "2026-11-25T10:00:00+06:00"  # after NOW: embargoed, so a re-approval needs no correction
SECRETARY, APPROVER, OTHER = "petrov@example.kg", "aliev@example.kg", "sydykova@example.kg"


def check(root: Path) -> tuple[int, str]:
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert "Traceback" not in out + err
    return code, out + err


def codes(output: str) -> list[str]:
    return re.findall(r"^\S+: (?:error|warning) ([A-Z_]+) ", output, re.MULTILINE)


# --- an author, and a real one ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["approved", "review", "draft"])
def test_an_item_without_author_is_an_error(tmp_path: Path, status: str):
    """The bypass: no `author:`, so a PR-department person writes and approves alone."""
    text = item("Ремонт дорог", status=status, author=None, division="pr")
    root = make_site(tmp_path, {REL: text})
    code, output = check(root)
    assert code == 1, output
    assert re.search(rf"^{REL}:2: error AUTHOR_MISSING ", output, re.MULTILINE), output
    assert "author:" in output and "petrov" in output and "aliev" in output  # the hint lists people


def test_an_unknown_author_is_an_error_with_a_suggestion(tmp_path: Path):
    root = make_site(tmp_path, {REL: item("Ремонт дорог", author="petrow")})
    code, output = check(root)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error UNKNOWN_PERSON ", output, re.MULTILINE), output
    assert "'petrov'" in output  # Did you mean 'petrov'?


def test_approve_refuses_an_item_without_author(tmp_path: Path):
    text = item("Ремонт дорог", FUTURE, status="review", approval=None, author=None)
    root = make_site(tmp_path, {REL: text})
    code, out, err = run_cli("approve", REL, "--by", "aliev", "--yes", "--now", NOW, cwd=root)
    assert code != 0 and "AUTHOR_MISSING" in out + err
    assert "status: review" in (root / REL).read_text(encoding="utf-8")


@pytest.fixture
def no_git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user.email anywhere: not the machine's, not the user's."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_git_identity")
@pytest.mark.parametrize("email", [None, "stranger@example.org"])
def test_new_without_a_known_author_refuses_and_writes_nothing(tmp_path: Path, email: str | None):
    root = make_site(tmp_path)
    if email:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "config", "user.email", email], check=True)
    code, out, err = run_cli("new", "press-release", "Новость", "--now", NOW, cwd=root)
    assert code != 0, out + err
    assert "NEW_NO_AUTHOR" in err and "--author" in err and "petrov" in err
    assert email is None or email in err
    assert not list((root / "content").rglob("*.md")) and not out.strip()


@pytest.mark.usefixtures("no_git_identity")
def test_new_fills_the_author_from_author_or_the_git_email(tmp_path: Path):
    root = make_site(tmp_path)
    code, out, err = run_cli("new", "press-release", "Новость", "--author", "petrov", "--now", NOW, cwd=root)
    assert code == 0, err
    assert "author: petrov\n" in (root / out.strip()).read_text(encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.email", "Sydykova@example.kg"], check=True)
    code, out, err = run_cli("new", "press-release", "Другая", "--now", NOW, cwd=root)
    assert code == 0, err
    assert "author: sydykova\n" in (root / out.strip()).read_text(encoding="utf-8")
    code, out, err = run_cli("new", "press-release", "Третья", "--author", "sydykowa", "--now", NOW, cwd=root)
    assert code != 0 and "UNKNOWN_PERSON" in err and "'sydykova'" in err


# --- rules.verify_git ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def git_installed(request: pytest.FixtureRequest) -> None:
    if "repo" in request.fixturenames and shutil.which("git") is None:
        pytest.fail("git is not installed: the tests of rules.verify_git need it", pytrace=False)


def git(root: Path, *args: str, author: str = SECRETARY, committer: str | None = None, date: str = "") -> str:
    committer = committer or author
    env = {
        **({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}),
        "GIT_AUTHOR_NAME": author.split("@")[0],
        "GIT_AUTHOR_EMAIL": author,
        "GIT_COMMITTER_NAME": committer.split("@")[0],
        "GIT_COMMITTER_EMAIL": committer,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(root),
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def approve(root: Path, by: str = "aliev") -> None:
    code, out, err = run_cli("approve", REL, "--by", by, "--yes", "--now", NOW, cwd=root)
    assert code == 0, out + err


def edit(root: Path, old: str, new: str) -> None:
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A strict-mode site whose secretary committed a press release for review."""
    config = config_dict()
    config["rules"]["verify_git"] = True
    text = item("Ремонт дорог", FUTURE, status="review", approval=None, body="Первый текст.\n")
    root = make_site(tmp_path, {REL: text}, config)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "draft")
    return root


def test_the_honest_flow_passes(repo: Path):
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    edit(repo, "Первый текст.", "Второй текст.")  # the secretary edits; the approver approves again
    git(repo, "commit", "-q", "-am", "edit")
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval again", author=APPROVER)
    code, output = check(repo)
    assert code == 0, output


def test_an_approval_without_hash_is_an_error_in_strict_mode(repo: Path):
    """`approval: {by, at}` typed in and committed by the secretary (approval_hash: optional)."""
    typed = "status: approved\napproval:\n  by: aliev\n  at: 2026-11-22T11:00:00+06:00\n"
    edit(repo, "status: review\n", typed)
    git(repo, "commit", "-q", "-am", "approved (by phone)")
    code, output = check(repo)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error GIT_APPROVAL_UNHASHED ", output, re.MULTILINE), output


def test_an_approval_committed_by_the_secretary_is_an_error(repo: Path):
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=SECRETARY)
    code, output = check(repo)
    assert code == 1 and "GIT_APPROVER_MISMATCH" in codes(output), output


def test_an_amended_approval_commit_is_an_error(repo: Path):
    """The secretary edits the approved text, re-hashes it and amends the approver's commit:
    git keeps the approver as author, but the committer is the secretary."""
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    edit(repo, "Первый текст.", "Другой текст.")
    approve(repo)  # anyone can run it with --by aliev
    git(repo, "commit", "-q", "-a", "--amend", "--no-edit", author=APPROVER, committer=SECRETARY)
    assert git(repo, "log", "-1", "--format=%ae %ce") == f"{APPROVER} {SECRETARY}\n"
    code, output = check(repo)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error GIT_APPROVAL_RECOMMITTED ", output, re.MULTILINE), output
    assert SECRETARY in output


def test_a_forge_merge_button_may_be_trusted_by_name(repo: Path):
    approve(repo)
    button = "noreply@github.com"
    git(repo, "commit", "-q", "-am", "approval (squash-merged)", author=APPROVER, committer=button)
    code, output = check(repo)
    assert code == 1 and "GIT_APPROVAL_RECOMMITTED" in codes(output), output
    config = (repo / "config.yaml").read_text(encoding="utf-8")
    trusting = f"  verify_git: true\n  trusted_merge_committers: [{button}]\n"
    config = config.replace("  verify_git: true\n", trusting)
    (repo / "config.yaml").write_text(config, encoding="utf-8")
    code, output = check(repo)
    assert code == 0, output


def test_an_approver_who_edited_the_text_is_an_error(repo: Path):
    """aliev edits the secretary's draft, then approves it: four-eyes over the history."""
    edit(repo, "Первый текст.", "Текст, исправленный согласующим.")
    git(repo, "commit", "-q", "-am", "polish", author=APPROVER)
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    code, output = check(repo)
    assert code == 1
    assert re.search(rf"^{REL}:\d+: error GIT_APPROVER_EDITED ", output, re.MULTILINE), output
    assert git(repo, "log", "-1", "--skip=1", "--format=%h")[:7] in output


def test_an_approver_who_edited_since_the_previous_approval_is_an_error(repo: Path):
    approve(repo, "sydykova")
    git(repo, "commit", "-q", "-am", "approval", author=OTHER)
    edit(repo, "Первый текст.", "Второй текст.")
    git(repo, "commit", "-q", "-am", "edit", author=APPROVER)
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    code, output = check(repo)
    assert code == 1 and "GIT_APPROVER_EDITED" in codes(output), output


def test_an_edit_before_the_previous_approval_was_checked_then(repo: Path):
    """aliev's edit was approved by sydykova; the secretary's later edit is aliev's to approve."""
    edit(repo, "Первый текст.", "Второй текст.")
    git(repo, "commit", "-q", "-am", "edit", author=APPROVER)
    approve(repo, "sydykova")
    git(repo, "commit", "-q", "-am", "approval", author=OTHER)
    edit(repo, "Второй текст.", "Третий текст.")
    git(repo, "commit", "-q", "-am", "edit")
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    code, output = check(repo)
    assert code == 0, output


def test_an_edit_merged_from_a_branch_after_the_previous_approval_is_seen(repo: Path):
    """The approver edits on a branch made before sydykova's approval (its commit back-dated
    to look older still) and merges it after: her approval never saw that edit."""
    edit(repo, "Первый текст.", "Первый текст.\n\nВторой абзац.")
    git(repo, "commit", "-q", "-am", "second paragraph")
    git(repo, "branch", "polish")
    approve(repo, "sydykova")
    git(repo, "commit", "-q", "-am", "approval", author=OTHER)
    git(repo, "checkout", "-q", "polish")
    edit(repo, "Второй абзац.", "Второй абзац согласующего.")
    git(repo, "commit", "-q", "-am", "polish", author=APPROVER, date="2020-01-01T00:00:00+06:00")
    git(repo, "merge", "-q", "--no-edit", "main")  # main merged into the branch, which then lands
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--ff-only", "polish")
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    code, output = check(repo)
    assert code == 1 and "GIT_APPROVER_EDITED" in codes(output), output


def test_an_uncommitted_change_to_the_approval_is_an_error(repo: Path):
    approve(repo)
    git(repo, "commit", "-q", "-am", "approval", author=APPROVER)
    edit(repo, "  by: aliev", "  by: sydykova")  # the hash does not cover `by`
    code, output = check(repo)
    assert code == 1 and "GIT_APPROVAL_UNCOMMITTED" in codes(output), output
