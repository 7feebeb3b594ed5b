"""Issue 24, the four-eyes bypass: every item has a real author, `new` will not write one
without, and `rules.verify_git` reads who wrote, approved and committed what (real git
repositories in tmp_path)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sitekit import NOW, item, make_site, run_cli

REL = "content/press-releases/remont.md"
FUTURE = "2026-11-25T10:00:00+06:00"  # after NOW: embargoed, so a re-approval needs no correction


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
