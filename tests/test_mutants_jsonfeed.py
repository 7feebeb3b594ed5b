"""JSON Feed mutants that survived the feed tests (tests/MUTANTS.md): they check that the
fields are there, in one language; this checks what the feed-level fields say, per language."""

from __future__ import annotations

import json

from attachkit import MINI_PDF
from test_mutants_site import NOW, PLAN_CONFIG, release

from site_builder.build import build
from site_builder.speed.session import Session

TITLES = {"ru": "Пресс-служба", "ky": "Басма сөз кызматы"}


def test_a_json_feed_names_the_site_in_its_own_language_and_links_its_home(tmp_path):
    config = PLAN_CONFIG.replace(
        "  languages: [ru, ky]\n", f"  languages: [ru, ky]\n  titles: {{ky: {TITLES['ky']}}}\n"
    )
    root = tmp_path / "site"
    files = {
        "config.yaml": config,
        "content/press-releases/p/index.md": release("Релиз").replace(
            "status: approved", "summary: Кратко\ntags: [вода, город]\ndivision: pr\nstatus: approved"
        )
        + "[Документ](doc.pdf)\n",
        "content/press-releases/p/doc.pdf": MINI_PDF.decode(),  # a PDF the check can read
        "content/press-releases/p/index.ky.md": release("Релиз ky"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert build(root, NOW, session=Session.of(root, 1)).ok
    items = 0
    for lang, prefix in (("ru", ""), ("ky", "ky/")):
        feeds = sorted((root / "output" / prefix / "feeds").glob("*.json"))
        assert feeds, lang
        for path in feeds:
            feed = json.loads(path.read_text(encoding="utf-8"))
            home = "https://press.example.kg/" + prefix
            title = TITLES[lang]
            assert feed["title"].startswith(title + " — "), (path, feed["title"])
            listing = home if path.stem == "all" else f"{home}{path.stem}/"  # feeds/*.json: types
            assert feed["home_page_url"] == listing
            assert feed["feed_url"] == home + "feeds/" + path.name
            assert feed["description"] == title and feed["language"] == lang
            assert feed["authors"] == [{"name": title, "url": home}]
            for item in feed["items"]:
                url = home + "press-releases/p/"
                assert (item["id"], item["url"], item["language"]) == (url, url, lang)
                assert item["title"] == {"ru": "Релиз", "ky": "Релиз ky"}[lang]
                assert item["date_published"] == "2026-11-03T10:00:00+06:00" == item["date_modified"]
                assert item["attachments"] == [  # the folder's files: every translation's
                    {
                        "url": url + "doc.pdf",
                        "mime_type": "application/pdf",
                        "size_in_bytes": len(MINI_PDF),
                        "title": "doc.pdf",
                    }
                ]
                if lang == "ky":  # no summary, tags or division: no such fields
                    assert not {"summary", "tags", "authors"} & set(item)
                    continue
                assert (item["summary"], item["tags"]) == ("Кратко", ["вода", "город"])
                assert item["authors"] == [{"name": "Отдел"}]
            items += len(feed["items"])
    assert items
