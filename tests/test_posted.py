"""Proof of distribution: `posted: [{channel, url, at}]` on items and media-plan entries (an
http(s) address, or an error on its line); a social-network plan entry is done only with
that proof; and `build` leaves ready-to-post texts of newly published items in an outbox
outside output/ (Telegram within its limit, with the link; a plain-text e-mail), written
all at once and never holding anything unpublished."""

from __future__ import annotations

import email
import json
from email.policy import default
from pathlib import Path

import pytest
from sitekit import config_dict, item, make_site, run_cli

from site_builder.outputs.outbox import TELEGRAM_LIMIT, units

TYPES = {
    kind: {"approval_hash": "required", "approver_roles": ["pr_department"], "four_eyes": True}
    for kind in ("press-release", "rebuttal", "announcement", "media-plan", "question")
}
CONFIG = config_dict(rules={"types": TYPES})
NOW = "2026-11-22T12:00:00+06:00"
PROOF = [{"channel": "telegram", "url": "https://t.me/press/10", "at": "2026-11-20T12:00:00+06:00"}]


def _check(root: Path, now: str = NOW) -> str:
    _code, out, err = run_cli("check", "--now", now, "--format", "text", cwd=root)
    return out + err


def _approved(root: Path, rel: str, at: str = "2026-10-31T09:00:00+06:00") -> None:
    """Approve `rel` (left in review) over the hash of its content, back then."""
    code, out, err = run_cli(
        "approve", rel, "--by", "aliev", "--at", at, "--reason", "тест", "--yes", "--now", NOW, cwd=root
    )
    assert code == 0, out + err


def _plan(status: str, posted: list | None = None, channel: str = "social", ref: str | None = None) -> str:
    entry = {
        "date": "2026-11-20",
        "channel": channel,
        "outlet": "Telegram мэрии",
        "topic": "Памятка о зимней уборке",
        "responsible": "petrov",
        "status": status,
    }
    if ref:
        entry["ref"] = ref
    if posted is not None:
        entry["posted"] = posted
    return item(
        "План на ноябрь",
        "2026-11-01T10:00:00+06:00",
        period={"from": "2026-11-01", "to": "2026-11-30"},
        entries=[entry],
        approval=False,
        status="review",
    )


@pytest.mark.parametrize("url", ["ftp://files.example.kg/a", "javascript:alert(1)", "t.me/press/1", ""])
def test_a_posted_address_that_is_not_http_is_an_error_on_its_line(tmp_path, url):
    posted = [{"channel": "telegram", "url": url, "at": "2026-11-20T12:00:00+06:00"}]
    root = make_site(
        tmp_path,
        {
            "content/press-releases/a.md": item("Релиз", posted=posted),
            "content/media-plans/p.md": _plan("done", posted),
        },
        CONFIG,
    )
    said = _check(root)
    for rel in ("press-releases/a.md", "media-plans/p.md"):
        lines = (root / "content" / rel).read_text().split("\n")
        line = 1 + next(
            n for n, row in enumerate(lines) if row.strip().startswith(("url:", "- url:", "url: ''"))
        )
        assert f"content/{rel}:{line}: error" in said, said
    assert "Traceback" not in said


def _plan_state(root: Path) -> str:
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    rows = json.loads((root / "output/data/media-plan.json").read_text())
    return rows[0]["state"]


def test_a_social_entry_is_done_only_with_proof(tmp_path):
    root = make_site(tmp_path, {"content/media-plans/p.md": _plan("done")}, CONFIG)
    _approved(root, "content/media-plans/p.md")
    said = _check(root)
    lines = (root / "content/media-plans/p.md").read_text().split("\n")
    status_line = 1 + next(n for n, row in enumerate(lines) if row.strip() == "status: done")
    assert f"content/media-plans/p.md:{status_line}: warning PLAN_SOCIAL_NO_PROOF" in said, said
    assert _plan_state(root) == "overdue"
    # The proof, added after the plan was approved, is approved with the plan (it makes the
    # public entry "done"): approved again, the entry is done.
    text = (root / "content/media-plans/p.md").read_text()
    proof = "  posted:\n  - channel: telegram\n    url: https://t.me/press/10\n    at: 2026-11-20T12:00\n"
    assert "\n  status: done\n" in text
    (root / "content/media-plans/p.md").write_text(
        text.replace("\n  status: done\n", "\n  status: done\n" + proof)
    )
    assert "APPROVAL_HASH" in _check(root)
    text = (root / "content/media-plans/p.md").read_text()
    (root / "content/media-plans/p.md").write_text(
        text.replace(
            "\nstatus: approved\n",
            "\ncorrections:\n- at: 2026-11-20T13:00\n  note: Отмечена публикация в Telegram."
            "\nstatus: review\n",
        ).split("\napproval:")[0]
        + "\n---\n"
        + text.split("\n---\n", 2)[-1]
    )
    _approved(root, "content/media-plans/p.md", "2026-11-21T09:00:00+06:00")
    said = _check(root)
    assert "PLAN_SOCIAL_NO_PROOF" not in said and " error " not in said, said
    assert _plan_state(root) == "done"


def test_a_social_entry_linked_to_a_published_item_is_overdue_without_proof(tmp_path):
    root = make_site(
        tmp_path,
        {
            "content/press-releases/a.md": item("Релиз"),
            "content/media-plans/p.md": _plan("planned", ref="press-releases/a.md"),
        },
        config_dict(),
    )
    (root / "content/media-plans/p.md").write_text(
        (root / "content/media-plans/p.md")
        .read_text()
        .replace("status: review", "status: approved\napproval: {by: aliev, at: 2026-11-01T09:00:00+06:00}")
    )
    said = _check(root)
    assert "warning PLAN_SOCIAL_OVERDUE" in said, said
    assert _plan_state(root) == "overdue"


def test_proof_on_an_approved_item_keeps_its_approval(tmp_path):
    root = make_site(
        tmp_path, {"content/press-releases/a.md": item("Релиз", approval=False, status="review")}, CONFIG
    )
    _approved(root, "content/press-releases/a.md")
    path = root / "content/press-releases/a.md"
    path.write_text(
        path.read_text().replace(
            "status: approved",
            "posted:\n- channel: vk\n  url: https://vk.com/wall-1_2\n"
            "  at: 2026-11-20T12:00\nstatus: approved",
        )
    )
    said = _check(root)
    assert " error " not in said and "warning" not in said, said
    path.write_text(path.read_text().replace("Текст материала.", "Другой текст."))
    assert "APPROVAL_HASH" in _check(root)  # while the text itself stays bound


LONG = ("Длинный абзац о ремонте дорог 😀 в городе. " * 40 + "\n\n") * 8


def _outbox_site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        {
            "content/press-releases/new.md": item(
                "Новый релиз", "2026-11-22T10:00:00+06:00", summary="Кратко о главном.", body=LONG
            ),
            "content/press-releases/yesterday.md": item("Вчерашний релиз", "2026-11-21T10:00:00+06:00"),
            "content/press-releases/old.md": item("Старый релиз", "2026-11-10T10:00:00+06:00"),
            "content/press-releases/embargo.md": item("Эмбарго до завтра", "2026-11-23T10:00:00+06:00"),
            "content/press-releases/draft.md": item("Черновик с тайной", status="draft", approval=False),
            "content/press-releases/withdrawn.md": item(
                "Отозванный релиз",
                "2026-11-22T08:00:00+06:00",
                status="withdrawn",
                withdrawn={"at": "2026-11-22T09:00:00+06:00", "reason": "Ошибка"},
            ),
        },
        config_dict(),
    )


def test_build_writes_ready_to_post_texts_of_new_items_only(tmp_path):
    root = _outbox_site(tmp_path)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    box = root / "outbox"
    index = json.loads((box / "index.json").read_text())
    assert [e["title"] for e in index] == ["Новый релиз", "Вчерашний релиз"]  # today and yesterday
    everything = "".join(p.read_text(encoding="utf-8") for p in box.iterdir() if p.is_file())
    for hidden in ("Старый релиз", "Эмбарго", "Черновик", "Отозванный"):
        assert hidden not in everything, hidden
    telegram = (box / index[0]["telegram"]).read_text(encoding="utf-8")
    assert units(telegram) <= TELEGRAM_LIMIT < units(LONG)
    assert units(telegram) > TELEGRAM_LIMIT - 100  # as much of the body as fits
    assert telegram.startswith("Новый релиз\n\nКратко о главном.\n\n")
    assert telegram.rstrip().endswith("\nhttps://press.example.kg/press-releases/new/")
    assert "…" in telegram
    message = email.message_from_bytes((box / index[0]["email"]).read_bytes(), policy=default)
    assert message["Subject"] == "Новый релиз" and message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Длинный абзац о ремонте дорог" in body and "https://press.example.kg/press-releases/new/" in body
    assert (
        not (root / "output" / "index.json").exists()
        or "telegram" not in (root / "output/index.json").read_text()
    )
    assert not any("telegram" in p.name for p in (root / "output").rglob("*"))
    # Later: yesterday's item is no longer new; the folder is replaced as a whole.
    code, out, err = run_cli("build", "--now", "2026-11-24T12:00:00+06:00", cwd=root)
    assert code == 0, out + err
    titles = [e["title"] for e in json.loads((box / "index.json").read_text())]
    assert titles == ["Эмбарго до завтра"]
    assert not any("new" in p.name for p in box.iterdir())


@pytest.mark.parametrize(
    ("folder", "code"),
    [
        ("output/outbox", "OUTBOX_OVERLAPS"),
        ("content/outbox", "OUTBOX_OVERLAPS"),
        (".", "OUTBOX_OVERLAPS"),
        ("taken", "OUTBOX_FOREIGN"),
    ],
)
def test_the_outbox_never_lands_on_the_output_sources_or_foreign_files(tmp_path, folder, code):
    config = config_dict(outbox={"folder": folder})
    root = make_site(
        tmp_path, {"content/press-releases/new.md": item("Новый", "2026-11-22T10:00:00+06:00")}, config
    )
    (root / "taken").mkdir()
    (root / "taken/notes.txt").write_text("my own notes")
    exit_code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert exit_code == 1 and f"config.yaml: error {code}" in out + err, out + err
    assert not (root / "output").exists()  # refused before a byte was written
    assert (root / "taken/notes.txt").read_text() == "my own notes"
    assert not (root / "content/outbox").exists() and not (root / "output/outbox").exists()


def test_proof_on_a_plan_entry_is_approved_with_the_plan(tmp_path):
    """A social entry's `posted:` turns it "done" on the public plan and in open data: a
    claim of the office, so it is content — added after the approval, the plan's hash no
    longer holds (as for `status: done`), and the plan's earlier approved version stays out."""
    plan = item(
        "План",
        approval=False,
        status="review",
        division="pr",
        period={"from": "2026-11-01", "to": "2026-11-30"},
        entries=[
            {
                "date": "2026-11-15",
                "channel": "social",
                "outlet": "ВКонтакте",
                "topic": "Тема",
                "responsible": "transport",
            }
        ],
    )
    root = make_site(tmp_path, {"content/media-plans/plan.md": plan}, CONFIG)
    _approved(root, "content/media-plans/plan.md")
    assert "APPROVAL_HASH" not in _check(root)
    path = root / "content/media-plans/plan.md"
    text = path.read_text()
    assert "  responsible: transport\n" in text
    path.write_text(
        text.replace(
            "  responsible: transport\n",
            "  responsible: transport\n  posted:\n  - channel: vk\n    url: https://vk.com/wall-1_2\n"
            "    at: 2026-11-15T12:00\n",
            1,
        )
    )
    assert "APPROVAL_HASH" in _check(root)
