"""Issue 31: the public face of a withdrawn item is one thing everywhere.

A withdrawn item still has its page (a notice), its place in the listings and feeds, its
calendar entry and its open-data row, so readers and subscribers learn that it was
withdrawn and why. What it shows there is decided once (`view.publish.public_face`): its title,
its dates and the public reason. Everything else it said — summary, tags, image, body,
attachments, corrections, an event's place, speakers and changes, a rebuttal's outlet and
claims, a plan's entries — appears in no output file, in no format.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, announcement_fields, item, make_site, rebuttal_fields

from site_builder.build import build
from site_builder.speed.session import Session

WITHDRAWN_AT = "2026-11-21T10:00:00+06:00"
KINDS = ("press-releases", "announcements", "rebuttals", "media-plans")


def hidden(kind: str) -> dict[str, str]:
    """A marker for each field a withdrawn item of `kind` no longer shows."""
    tag = kind[:4].upper()
    return {
        "summary": f"СВОДКАСКРЫТА{tag}",
        "tag": f"ТЕГСКРЫТ{tag}",
        "body": f"ТЕЛОСКРЫТО{tag}",
        "correction": f"ПОПРАВКАСКРЫТА{tag}",
        "image_alt": f"ПОДПИСЬСКРЫТА{tag}",
        "attachment": f"vlozhenie-skryto-{kind}",
        "place": f"МЕСТОСКРЫТО{tag}",
        "speaker": f"СПИКЕРСКРЫТ{tag}",
        "change": f"ПЕРЕНОССКРЫТ{tag}",
        "outlet": f"ИЗДАНИЕСКРЫТО{tag}",
        "claim": f"УТВЕРЖДЕНИЕСКРЫТО{tag}",
        "plan": f"ПЛАНСКРЫТ{tag}",
    }


def shown(kind: str) -> dict[str, str]:
    tag = kind[:4].upper()
    return {"title": f"Отозвано{tag}", "reason": f"ПРИЧИНА{tag}"}


def withdrawn_item(kind: str) -> str:
    secret, face = hidden(kind), shown(kind)
    extra: dict = {
        "summary": secret["summary"],
        "tags": [secret["tag"]],
        "image": "photo.png",
        "image_alt": secret["image_alt"],
        "corrections": [{"at": "2026-11-20T12:00:00+06:00", "note": secret["correction"]}],
        "withdrawn": {"at": WITHDRAWN_AT, "reason": face["reason"]},
    }
    if kind == "announcements":
        event = announcement_fields()["event"]
        event.update(
            location=secret["place"],
            speakers=[{"name": secret["speaker"], "position": "мэр"}],
            changes=[{"at": "2026-11-20T13:00:00+06:00", "note": secret["change"]}],
        )
        extra["event"] = event
    elif kind == "rebuttals":
        fields = rebuttal_fields()
        fields["original"]["outlet"] = secret["outlet"]
        fields["facts"] = [{"claim": secret["claim"], "fact": "Так не было"}]
        extra.update(fields)
    elif kind == "media-plans":
        extra["period"] = {"from": "2026-11-01", "to": "2026-11-30"}
        extra["entries"] = [
            {
                "date": "2026-11-25",
                "channel": "media",
                "outlet": secret["plan"],
                "topic": secret["plan"],
                "responsible": "petrov",
            }
        ]
    body = f"{secret['body']}\n\n[Документ]({secret['attachment']}.pdf)\n"
    return item(face["title"], status="withdrawn", body=body, **extra)


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    other = item("Обычная новость", tags=["город"])
    files: dict[str, str | bytes] = {"content/press-releases/other.md": other}
    for kind in KINDS:
        folder = f"content/{kind}/withdrawn"
        files[f"{folder}/index.md"] = withdrawn_item(kind)
        files[f"{folder}/{hidden(kind)['attachment']}.pdf"] = b"%PDF-1.4 secret"
        files[f"{folder}/photo.png"] = b"\x89PNG\r\n\x1a\n"
    root = make_site(tmp_path_factory.mktemp("withdrawn"), files)
    result = build(root, datetime.fromisoformat(NOW), root / "output", session=Session.of(root, 1))
    assert result.ok, [(p.path, p.line, p.code) for p in result.problems if p.is_error]
    return root / "output"


def every_file(output: Path) -> dict[str, str]:
    """Every output file's name and text (gzip opened), by its path."""
    found = {}
    for path in sorted(output.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            rel = path.relative_to(output).as_posix()
            found[rel] = rel + "\n" + data.decode("utf-8", "replace")
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_but_the_face_of_a_withdrawn_item_is_published(output: Path, kind: str) -> None:
    files = every_file(output)
    assert len(files) > 30
    for field, marker in hidden(kind).items():
        leaks = [rel for rel, text in files.items() if marker in text or marker.lower() in text.lower()]
        assert not leaks, f"{kind}: the withdrawn item's {field} is in {leaks[:8]}"


# Where the face is shown: the notice page and each format that lists items.
FACE_IN = {
    "page": "{kind}/withdrawn/index.html",
    "rss": "feeds/all.rss.xml",
    "atom": "feeds/all.atom.xml",
    "changes (rss)": "feeds/changes.rss.xml",
    "json feed": "feeds/all.json",
    "open data": "data/items.json",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("where", sorted(FACE_IN))
def test_the_face_is_the_title_and_the_reason(output: Path, kind: str, where: str) -> None:
    files = every_file(output)
    path = FACE_IN[where].format(kind=kind)
    assert path in files, sorted(files)[:40]
    for field, text in shown(kind).items():
        assert text in files[path], (where, field)


def test_the_open_data_row_is_the_face_alone(output: Path) -> None:
    rows = json.loads((output / "data/items.json").read_text(encoding="utf-8"))
    for kind in KINDS:
        (row,) = [r for r in rows if r["title"] == shown(kind)["title"]]
        assert row["summary"] in ("", None) and not row.get("tags"), row
        assert row["withdrawn"] is True and row["withdrawn_reason"] == shown(kind)["reason"], row
        assert row["withdrawn_at"] == WITHDRAWN_AT and row["division"] is None, row


def test_a_site_template_cannot_show_a_withdrawn_item_s_body(tmp_path: Path) -> None:
    """The face is the item itself, not only what the theme shows: a site template that
    prints `entry.item.html` or the item's links gets nothing of the withdrawn body."""
    files: dict[str, str | bytes] = {
        "content/press-releases/w/index.md": withdrawn_item("press-releases"),
        f"content/press-releases/w/{hidden('press-releases')['attachment']}.pdf": b"%PDF-1.4 secret",
        "content/press-releases/w/photo.png": b"\x89PNG\r\n\x1a\n",
        "templates/press-release.html": (
            '{% extends "item.html" %}{% block content %}{{ super() }}'
            "<div>{{ entry.item.html }}|{{ entry.item.md_links }}|{{ entry.item.attachments }}</div>"
            "{% endblock %}"
        ),
    }
    root = make_site(tmp_path, files)
    result = build(root, datetime.fromisoformat(NOW), root / "output", session=Session.of(root, 1))
    assert result.ok, [(p.path, p.line, p.code) for p in result.problems if p.is_error]
    page = (root / "output/press-releases/w/index.html").read_text(encoding="utf-8")
    assert shown("press-releases")["reason"] in page
    for field, marker in hidden("press-releases").items():
        assert marker not in page, field
