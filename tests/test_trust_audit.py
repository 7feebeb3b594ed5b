"""Issue 24, part "audit": `rules.verify_git` over every step of an approval, the audit
export (`site-builder audit`), `status --format json`, back-dated approvals with their
reason, and public media-request records approved like items (git repositories in tmp_path)."""

from __future__ import annotations

import csv
import io
import json
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


# --- the audit export, status --format json, back-dated approvals ----------------------------


def audit_rows(capsys, root: Path, *args: str) -> tuple[list[dict], str]:
    code, out, err = cli(capsys, root, "audit", "--now", NOW, *args)
    assert code == 0, out + err
    return list(csv.DictReader(io.StringIO(out))), err


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A one-step site in git: the secretary's item, approved by aliev, edited, approved again."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed: the audit tests need it", pytrace=False)
    text = item("Ремонт дорог", FUTURE, status="review", approval=None, body="Первый текст.\n")
    root = make_site(tmp_path, {REL: text}, config_dict())
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "draft")
    return root


def test_a_replaced_approval_stays_in_the_audit(history: Path, capsys):
    root = history
    approve(capsys, root, "aliev", "--at", "2026-11-22T09:00", "--reason", "Согласовано утром")
    git(root, "commit", "-q", "-am", "approval", author=APPROVER)
    first = git(root, "rev-parse", "HEAD").strip()
    edit(root, "Первый текст.", "Второй текст.")
    git(root, "commit", "-q", "-am", "edit")
    approve(capsys, root, "sydykova", "--at", "2026-11-22T11:30:00+06:00", "--reason", "=по телефону")
    rows, err = audit_rows(capsys, root)
    assert [(r["path"], r["by"], r["in_file"]) for r in rows] == [
        (REL, "aliev", "no"),
        (REL, "sydykova", "yes"),
    ]
    old, new = rows
    assert old["commit"] == first and old["commit_author"] == f"aliev <{APPROVER}>"
    assert (
        old["hash"] != new["hash"] and old["signature"] == "absent" and old["reason"] == "Согласовано утром"
    )
    assert (
        new["commit"] == "" and new["reason"] == "'=по телефону"
    )  # not committed; made inert for spreadsheets
    assert new["at"] == "2026-11-22T11:30:00+06:00" and new["step"] == "approval"
    assert new["item"] == "press-releases/remont" and new["lang"] == "ru" and new["title"] == "Ремонт дорог"
    assert err == ""
    git(root, "commit", "-q", "-am", "approval again", author="sydykova@example.kg")
    again, _ = audit_rows(capsys, root)
    assert again[0] == old and again[1]["commit"] == git(root, "rev-parse", "HEAD").strip()
    _code, out, _ = cli(capsys, root, "audit", "--now", NOW, "--format", "json")
    document = json.loads(out)
    assert document["version"] == 1 and document["history"] == "git"
    assert [e["commit"]["sha"] for e in document["events"]] == [r["commit"] for r in again]
    assert document["events"][0]["signature"] == {"state": "absent", "problem": None, "reason": None}
    assert document["events"][1]["reason"] == "=по телефону"


def test_a_back_dated_approval_needs_a_reason_recorded_and_shown(tmp_path: Path, capsys):
    text = item("Ремонт дорог", FUTURE, status="review", approval=None)
    root = make_site(tmp_path, {REL: text})
    args = ("approve", str(root / REL), "--by", "aliev", "--yes", "--now", NOW, "--at", "2026-11-21T16:00")
    code, _out, err = cli(capsys, root, *args)
    assert code == 1 and "APPROVE_REASON_NEEDED" in err
    assert "approval:" not in (root / REL).read_text(encoding="utf-8")
    approve(capsys, root, "aliev", "--at", "2026-11-21T16:00", "--reason", "Согласовано на совещании")
    assert '  reason: "Согласовано на совещании"\n' in (root / REL).read_text(encoding="utf-8")
    rows, err = audit_rows(capsys, root)
    assert [(r["reason"], r["at"], r["commit"]) for r in rows] == [
        ("Согласовано на совещании", "2026-11-21T16:00:00+06:00", "")
    ]
    assert "no git history" in err  # said, not hidden
    code, out, _ = cli(capsys, root, "status", "--now", NOW, "--format", "json")
    (found,) = json.loads(out)["items"]
    assert found["approvals"][0]["reason"] == "Согласовано на совещании"


def test_status_json_matches_the_csv(tmp_path: Path, capsys, keys):
    files = {
        REL: item("=Ремонт дорог", FUTURE, status="review", approval=None),
        "content/press-releases/old.md": item(
            "Старый", approval={"by": "aliev", "at": "2026-11-20T09:00:00+06:00"}
        ),
        "content/press-releases/draft.md": item("Черновик", status="draft", approval=None),
        "content/press-releases/broken.md": "---\ntitle: [\n---\n",
    }
    root = make_site(tmp_path, files, signed_config(keys))
    approve(capsys, root, "boss", "--key", str(keys["head"]))
    _code, out, _ = cli(capsys, root, "status", "--now", NOW, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    _code, out, _ = cli(capsys, root, "status", "--now", NOW, "--format", "json")
    document = json.loads(out)
    assert document["version"] == 1 and len(document["items"]) == len(table) == 4
    for row, found in zip(table, document["items"], strict=True):
        assert list(found) == [*row, "approvals", "blockers"]
        for key, value in row.items():
            expected = {"yes": True, "no": False}[value] if key == "legacy_approval" else value or None
            assert found[key] == ((value.removeprefix("'") or None) if key == "title" else expected), key
    by_path = {found["item"]: found for found in document["items"]}
    (step,) = by_path[REL]["approvals"]
    assert step["step"] == "division_head" and step["by"] == "boss" and step["signed"] is True
    assert by_path["content/press-releases/broken.md"]["blockers"][0]["severity"] == "error"
    assert by_path["content/press-releases/old.md"]["legacy_approval"] is True


def test_the_audit_says_why_a_signature_does_not_hold(tmp_path: Path, capsys, keys):
    root = make_site(
        tmp_path, {REL: item("Ремонт дорог", FUTURE, status="review", approval=None)}, signed_config(keys)
    )
    approve(capsys, root, "boss", "--key", str(keys["head"]))
    approve(capsys, root, "aliev", "--key", str(keys["pr"]))
    path = root / REL
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "at: 2026-11-22T12:00:00+06:00", "at: 2026-11-22T11:00:00+06:00", 1
        ),
        encoding="utf-8",
    )
    rows, _ = audit_rows(capsys, root, "--lang", "en")
    assert [(r["step"], r["signature"], r["signature_problem"]) for r in rows] == [
        ("division_head", "invalid", "SIGNATURE_MISMATCH"),
        ("pr_department", "valid", ""),
    ]
    assert rows[0]["signature_reason"].startswith("the signature does not match this approval: its path")
    out = tmp_path / "audit.json"
    code, printed, _ = cli(capsys, root, "audit", "--now", NOW, "--format", "json", "--output", str(out))
    assert code == 0 and printed == ""
    assert (
        json.loads(out.read_text(encoding="utf-8"))["events"][0]["signature"]["problem"]
        == "SIGNATURE_MISMATCH"
    )


def test_verify_git_checks_a_public_record_too(history: Path, capsys):
    """The record's approval typed with --by aliev and committed by the secretary."""
    root = history
    config = (root / "config.yaml").read_text(encoding="utf-8")
    (root / "config.yaml").write_text(
        config.replace("rules:\n", "rules:\n  verify_git: true\n", 1), encoding="utf-8"
    )
    (root / RECORD).parent.mkdir(parents=True)
    (root / RECORD).write_text(record(), encoding="utf-8")
    approve(capsys, root, "aliev", rel=RECORD)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "record approved (by the secretary)", author=SECRETARY)
    found = [(p.path, p.code) for p in check(root, MOMENT).problems if p.is_error]
    assert found == [(RECORD, "GIT_APPROVER_MISMATCH")]


def test_the_audit_notes_are_translated():
    from site_builder.commands.audit import NOTES
    from site_builder.i18n import word

    for msgid in NOTES.values():
        assert word(msgid, "ru") != msgid


def test_the_audit_reads_what_history_holds_even_where_it_no_longer_parses(history: Path, capsys):
    """A version with a key the model refuses still yields its approval; one that is not
    even YAML is named in a note; neither is a traceback."""
    root = history
    approve(capsys, root, "aliev")
    edit(root, "status: approved\n", "status: approved\nobsolete_key: 1\n")
    git(root, "commit", "-q", "-am", "approval, with a key the model no longer knows", author=APPROVER)
    (root / REL).write_bytes(b"---\ntitle: [\n---\n\xff\xfe")
    git(root, "commit", "-q", "-am", "broken")
    rows, err = audit_rows(capsys, root, "--lang", "en")
    assert [(r["by"], r["in_file"], r["commit_author"]) for r in rows] == [
        ("aliev", "no", f"aliev <{APPROVER}>")
    ]
    assert "1 version(s) of content files are unreadable" in err and f"{REL}@" in err
    assert "1 content file(s) have errors" in err
