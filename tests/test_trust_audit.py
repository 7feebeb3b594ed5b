"""Issue 24, part "audit": `rules.verify_git` over every step of an approval, the audit
export (`site-builder audit`), `status --format json`, back-dated approvals with their
reason, and public media-request records approved like items (git repositories in tmp_path)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, config_dict, item, make_site
from test_trust_author import APPROVER, SECRETARY, edit, git

from site_builder.build import check
from site_builder.cli import main

REL = "content/press-releases/remont.md"
FUTURE = "2026-11-25T10:00:00+06:00"  # after NOW: embargoed
MOMENT = datetime.fromisoformat(NOW)
HEAD = "boss@example.kg"


@pytest.fixture(autouse=True)
def no_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ssh-agent: approvals here are signed with --key or not at all."""
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)


def cli(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--root", str(root), "--lang", "en"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def approve(capsys, root: Path, by: str, *more: str, rel: str = REL) -> str:
    code, out, err = cli(capsys, root, "approve", str(root / rel), "--by", by, "--yes", "--now", NOW, *more)
    assert code == 0, out + err
    return out


def errors(root: Path) -> list[str]:
    return [f"{p.code}:{p.line}" for p in check(root, MOMENT).problems if p.is_error]


def two_step(**rule: object) -> dict:
    """The scratch config with a head of transport (boss) and press releases approved in
    two steps, division_head then pr_department."""
    config = config_dict()
    config["people"].append(
        {
            "id": "boss",
            "name": "Начальник управления транспорта",
            "division": "transport",
            "heads": ["transport"],
            "emails": [HEAD],
        }
    )
    config["rules"]["types"]["press-release"] = {"steps": ["division_head", "pr_department"], **rule}
    return config


# --- rules.verify_git: every step ------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A strict-mode, two-step site whose secretary committed a press release for review."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed: the tests of rules.verify_git need it", pytrace=False)
    config = two_step()
    config["rules"]["verify_git"] = True
    text = item("Ремонт дорог", FUTURE, status="review", approval=None, body="Первый текст.\n")
    root = make_site(tmp_path, {REL: text}, config)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "draft")
    return root


def test_verify_git_passes_two_steps_each_committed_by_its_approver(repo: Path, capsys):
    approve(capsys, repo, "boss")
    git(repo, "commit", "-q", "-am", "division head", author=HEAD)
    approve(capsys, repo, "aliev")
    git(repo, "commit", "-q", "-am", "pr department", author=APPROVER)
    assert errors(repo) == []


def test_verify_git_checks_the_first_step_too(repo: Path, capsys):
    """The secretary commits the head's step (typed with --by boss); the PR department then
    approves and commits properly: only the first step is not the head's."""
    approve(capsys, repo, "boss")
    git(repo, "commit", "-q", "-am", "division head (by the secretary)", author=SECRETARY)
    approve(capsys, repo, "aliev")
    git(repo, "commit", "-q", "-am", "pr department", author=APPROVER)
    found = check(repo, MOMENT).problems
    assert [(p.code, dict(p.args)["by"]) for p in found if p.is_error] == [("GIT_APPROVER_MISMATCH", "boss")]


def test_verify_git_four_eyes_per_step(repo: Path, capsys):
    """The head edits the text, then approves it as the first step."""
    edit(repo, "Первый текст.", "Текст, исправленный начальником.")
    git(repo, "commit", "-q", "-am", "polish", author=HEAD)
    approve(capsys, repo, "boss")
    git(repo, "commit", "-q", "-am", "division head", author=HEAD)
    approve(capsys, repo, "aliev")
    git(repo, "commit", "-q", "-am", "pr department", author=APPROVER)
    found = [(p.code, dict(p.args)["by"]) for p in check(repo, MOMENT).problems if p.is_error]
    assert found == [("GIT_APPROVER_EDITED", "boss")]
