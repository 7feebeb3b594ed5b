"""Issue 24, part "audit": `rules.verify_git` over every step of an approval, the audit
export (`site-builder audit`), `status --format json`, back-dated approvals with their
reason, and public media-request records approved like items (git repositories in tmp_path)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, config_dict, item, make_site, tree
from test_trust_author import APPROVER, SECRETARY, edit, git
from test_trust_signatures import keys as keys
from test_trust_signatures import two_step as signed_config

from site_builder.build import build, check
from site_builder.cli import main
from site_builder.judge import mediarequests

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


# --- public media-request records are approved as items are ---------------------------------

RECORD = "content/media-requests/2026/remont.md"
TOPIC = "Ремонт дорог ZQTOPIC"


def record(public: bool = True, author: str | None = "petrov") -> str:
    lines = ["---", "received: 2026-11-10", "outlet: Газета", f"topic: {TOPIC}", "answered: 2026-11-12"]
    lines += ["answer_summary: Ответ дан ZQANSWER"] + ([f"author: {author}"] if author else [])
    return "\n".join([*lines, f"public: {str(public).lower()}", "---", "Заметки пресс-службы.", ""])


def test_a_public_record_without_approval_is_an_error_and_not_published(tmp_path: Path):
    root = make_site(tmp_path, {RECORD: record()})
    found = check(root, MOMENT)
    assert [(p.code, p.line) for p in found.problems if p.is_error] == [("REQUEST_APPROVAL_MISSING", 8)]
    assert not mediarequests.register(found.requests, found.config, MOMENT.date()).public
    done = build(root, MOMENT)
    assert not done.ok and not (root / "output").exists()


def test_an_approved_public_record_is_published(tmp_path: Path, capsys):
    root = make_site(tmp_path, {RECORD: record()})
    out = approve(capsys, root, "aliev", rel=RECORD)
    assert "approved" in out
    text = (root / RECORD).read_text(encoding="utf-8")
    assert "status:" not in text and "\napproval:\n  by: aliev\n" in text
    assert build(root, MOMENT).ok
    page = (root / "output/media-requests/index.html").read_text(encoding="utf-8")
    assert TOPIC in page and "ZQANSWER" in page


def test_an_edited_public_record_must_be_approved_again(tmp_path: Path, capsys):
    root = make_site(tmp_path, {RECORD: record()})
    approve(capsys, root, "aliev", rel=RECORD)
    path = root / RECORD
    path.write_text(path.read_text(encoding="utf-8").replace("ZQANSWER", "ZQOTHER"), encoding="utf-8")
    found = check(root, MOMENT)
    assert [p.code for p in found.problems if p.is_error] == ["REQUEST_APPROVAL_STALE"]
    assert not mediarequests.register(found.requests, found.config, MOMENT.date()).public


def test_a_public_record_needs_an_author_who_is_not_the_approver(tmp_path: Path, capsys):
    root = make_site(tmp_path, {RECORD: record(author="aliev")})
    code, _out, err = cli(capsys, root, "approve", str(root / RECORD), "--by", "aliev", "--yes", "--now", NOW)
    assert code == 1 and "APPROVER_IS_AUTHOR" in err
    root = make_site(tmp_path / "other", {RECORD: record(author=None)})
    code, _out, err = cli(capsys, root, "approve", str(root / RECORD), "--by", "aliev", "--yes", "--now", NOW)
    assert code == 1 and "AUTHOR_MISSING" in err


def test_approve_refuses_a_record_that_is_not_public(tmp_path: Path, capsys):
    root = make_site(tmp_path, {RECORD: record(public=False)})
    before = tree(root)
    code, _out, err = cli(capsys, root, "approve", str(root / RECORD), "--by", "aliev", "--yes", "--now", NOW)
    assert code == 1 and err.startswith(f"{RECORD}:8: error APPROVE_MEDIA_REQUEST "), err
    assert tree(root) == before


def test_a_public_record_signed_as_its_type_requires(tmp_path: Path, keys, capsys):
    config = signed_config(keys)
    config["rules"]["types"]["media-request"] = {"signatures": "required"}
    root = make_site(tmp_path, {RECORD: record()}, config)
    code, _out, err = cli(capsys, root, "approve", str(root / RECORD), "--by", "aliev", "--yes", "--now", NOW)
    assert code == 1 and "SIGN_NO_KEY" in err  # required: no key, no approval
    approve(capsys, root, "aliev", "--key", str(keys["pr"]), rel=RECORD)
    assert errors(root) == []
    path = root / RECORD  # the approval moved to another record: its signature names this one
    other = root / "content/media-requests/2026/copy.md"
    other.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    found = [p for p in check(root, MOMENT).problems if p.is_error]
    assert {p.code for p in found} == {"REQUEST_APPROVAL_STALE", "SIGNATURE_COPIED"}
    assert all(p.path.endswith("copy.md") for p in found)
