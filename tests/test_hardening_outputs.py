"""Issue 22, outputs: formulas in CSV cells (S3), collisions of output paths (T3),
a withdrawn item's files in feeds (W1), and URLs of files with any name (W2).

Outputs are read back with the parsers their readers use (csv, json, feedparser, lxml).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import feedparser
from sitekit import NOW, item, make_site, run_cli

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: a spreadsheet takes such a cell for a formula


def build(site: Path) -> Path:
    code, out, err = run_cli("build", "--now", NOW, cwd=site)
    assert code == 0, out + err
    return site / "output"


def csv_cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


# S3 -------------------------------------------------------------------------------------------


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)"]
    tab = "\t=ТАБ(1)"  # a slug of its own: tags of one slug are one tag
    plan = item(
        "=1+2 план",
        date="2026-11-01T10:00:00+06:00",
        period={"from": "2026-11-01", "to": "2026-11-30"},
        entries=[
            {
                "date": "2026-11-28",
                "channel": "media",
                "outlet": "=cmd|x",
                "topic": "@import",
                "format": "-",
                "responsible": "pr",
            },
        ],
    )
    request = (
        "---\nreceived: 2026-11-02\noutlet: '+7 ТВ'\ntopic: '=WEBSERVICE(\"http://x\")'\n"
        "answered: 2026-11-03\nanswer_summary: '-ответ'\npublic: true\n---\nТекст.\n"
    )
    site = make_site(
        tmp_path,
        {
            "content/press-releases/a.md": item("@Заголовок", tags=[*hostile, tab], summary="=1"),
            "content/media-plans/plan.md": plan,
            "content/media-requests/r.md": request,
        },
    )
    data = build(site) / "data"
    found = {}
    for name in ("items", "events", "media-plan", "media-requests"):
        rows = csv_cells(data / f"{name}.csv")
        records = json.loads((data / f"{name}.json").read_text(encoding="utf-8"))
        assert len(rows) == len(records) + 1
        for row in rows:
            for value in row:
                assert not value.startswith(DANGEROUS), (name, value)
        found[name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    release = next(r for r in found["items"] if r["type"] == "press-release")
    assert release["title"] == "'@Заголовок"
    assert release["tags"] == "'" + "; ".join([*hostile, tab])
    (entry,) = found["media-plan"]
    assert (entry["outlet"], entry["topic"], entry["format"]) == ("'=cmd|x", "'@import", "'-")
    (asked,) = [r for r in found["media-requests"] if r["row_type"] == "request"]
    assert (asked["outlet"], asked["topic"]) == ("'+7 ТВ", '\'=WEBSERVICE("http://x")')
    assert asked["answer_summary"] == "'-ответ"
    # The JSON files keep the text as it was written: only spreadsheets read CSV this way.
    items = json.loads((data / "items.json").read_text(encoding="utf-8"))
    assert any(r["title"] == "@Заголовок" for r in items)


def test_the_status_csv_export_makes_formulas_text(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/press-releases/a.md": item('=HYPERLINK("http://evil")')})
    code, out, err = run_cli("status", "--format", "csv", "--now", NOW, cwd=site)
    assert code == 0, out + err
    rows = csv_cells_text(out)
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert not any(value.startswith(DANGEROUS) for row in rows for value in row)


def csv_cells_text(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# W1 -------------------------------------------------------------------------------------------


WITHDRAWN = {
    "status": "withdrawn",
    "withdrawn": {"at": "2026-11-21T10:00:00+06:00", "reason": "Ошибка в данных"},
}


def test_a_withdrawn_items_files_leave_every_feed(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/press-releases/gone/index.md": item(
                "Отозванный", image="photo.png", tags=["тег"], **WITHDRAWN
            ),
            "content/press-releases/gone/report.pdf": b"%PDF-1.4 old",
            "content/press-releases/gone/photo.png": b"\x89PNG old",
            "content/press-releases/kept/index.md": item("Живой", tags=["тег"]),
            "content/press-releases/kept/kept.pdf": b"%PDF-1.4 kept",
        },
    )
    out = build(site)
    assert not (out / "press-releases/gone/report.pdf").exists()
    assert (out / "press-releases/gone/index.html").exists()  # the withdrawal notice
    feeds = sorted((out / "feeds").rglob("*.xml"))
    assert len(feeds) >= 6
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            links = [link.href for link in entry.get("links", []) if link.get("rel") == "enclosure"]
            links += [e.href for e in entry.get("enclosures", [])]
            assert not any("gone/" in link for link in links), (path, links)
            if "kept/" in entry.link and "changes" not in path.name:
                assert any(link.endswith("kept/kept.pdf") for link in links), (path, links)
    for path in sorted((out / "feeds").rglob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8"))["items"]:
            if "gone/" in entry["url"]:
                assert "attachments" not in entry
    page = (out / "press-releases/gone/index.html").read_text(encoding="utf-8")
    assert "photo.png" not in page and "report.pdf" not in page  # no og:image, JSON-LD image
    everything = b"".join(path.read_bytes() for path in out.rglob("*") if path.is_file())
    assert b"gone/report.pdf" not in everything and b"gone/photo.png" not in everything
