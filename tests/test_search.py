"""Full-text search: what a reader can find through the index files the build writes.

Queries are answered by `search_reader.Reader`, which does what static/search.js does over
the files in output/ (the browser tests check that both give the same results).
"""

from __future__ import annotations

import json
import pickle
import random
from array import array
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from search_reader import Reader
from sitekit import NOW, config_dict, item, make_site

from site_builder.build import build, check
from site_builder.judge.mediarequests import register
from site_builder.outputs import search
from site_builder.outputs.search import documents as search_documents
from site_builder.outputs.search import index as search_index
from site_builder.outputs.search import patch as search_patch
from site_builder.outputs.search import words as search_words
from site_builder.speed.session import Session
from site_builder.view.publish import build_site

KY_CONFIG = config_dict(
    site={
        "title": "Пресс-служба мэрии",
        "base_url": "https://press.example.kg/",
        "language": "ru",
        "languages": ["ru", "ky"],
        "timezone": "Asia/Bishkek",
        "items_per_page": 5,
    }
)
FILES = {
    "content/press-releases/voda.md": item(
        "Вода в Караколе",
        body="Капитальный ремонт водопровода на улице Ленина закончат к маю. Ёлки у мэрии не тронут.\n",
        summary="Ремонт сетей",
        tags=["ЖКХ"],
    ),
    "content/press-releases/remont.md": item(
        "Ремонт дорог",
        date="2026-11-21T10:00:00+06:00",
        body="Асфальт на улице Токтогула. Водопроводы не затронут.\n",
    ),
    "content/press-releases/old.md": item(
        "Старая новость",
        date="2025-01-10T10:00:00+06:00",
        body="Про ремонт крыши школы. Проект прошёл проверку.\n",
    ),
    "content/press-releases/chernovik.md": item(
        "Черновик", status="draft", approval=None, body="Секретныйпроект водопровода.\n"
    ),
    "content/press-releases/review.md": item(
        "На согласовании", status="review", approval=None, body="Согласуемыйтекст.\n"
    ),
    "content/press-releases/closed.md": item(
        "Закрытое", confidentiality="restricted", body="Закрытыйтекст водопровода.\n"
    ),
    "content/press-releases/future.md": item(
        "Эмбарго", date="2026-12-20T10:00:00+06:00", body="Эмбаргированныйтекст.\n"
    ),
    "content/press-releases/otozvano.md": item(
        "Отозванная новость о мосте",
        status="withdrawn",
        withdrawn={"at": "2026-11-21T10:00:00+06:00", "reason": "Ошибка в расчётах"},
        summary="Сводкаотозванного",
        body="Телоотозванного текста про водопровод.\n",
    ),
    "content/press-releases/jol.md": item(
        "Көчөлөрдү оңдоо",
        lang="ky",
        body="Шаардагы көчөлөр жаңыланат. Үйлөрдүн жанындагы жолдор.\n",
    ),
}
HIDDEN = ["секретныйпроект", "согласуемыйтекст", "закрытыйтекст", "эмбаргированныйтекст"]


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("search"), FILES, KY_CONFIG)
    result = build(root, datetime.fromisoformat(NOW), root / "output")
    assert result.ok, [(p.path, p.code) for p in result.problems if p.is_error]
    return root / "output"


def test_published_item_is_found_by_the_beginning_of_a_word(output: Path):
    ru = Reader(output, "ru")
    assert ru.titles("капиталь") == ru.titles("ВОДОПРОВОДА Ленина") == ["Вода в Караколе"]
    assert ru.titles("елки") == ru.titles("Ёлк") == ["Вода в Караколе"]  # ё is е
    assert ru.titles("жкх") == ["Вода в Караколе"]  # tags are searched
    assert ru.titles("ленина токтогула") == []  # every word must match


def test_a_word_in_another_form_is_found_and_the_typed_form_ranks_first(output: Path):
    ru = Reader(output, "ru")
    assert ru.titles("воды") == ru.titles("водой") == ru.titles("вод") == ["Вода в Караколе"]  # вода
    # "Водопроводы" is not a form of "вода": the form stem "вод" matches whole words only
    assert "Ремонт дорог" not in ru.titles("вода")
    assert ru.titles("Караколу") == ["Вода в Караколе"]
    # both have "водопровод…"; the one with the form as typed comes first, newest or not
    assert ru.titles("водопровода") == ["Вода в Караколе", "Ремонт дорог"]
    assert ru.titles("водопроводы") == ["Ремонт дорог", "Вода в Караколе"]


def test_results_show_title_date_type_and_summary(output: Path):
    ru = Reader(output, "ru")
    [row] = ru.docs("каракол")
    url, title, kind, day, day_text, withdrawn, division = row
    assert (url, title, kind, day) == (
        "/press-releases/voda/",
        "Вода в Караколе",
        "press-release",
        "2026-11-20",
    )
    assert (day_text, withdrawn, division) == ("20 ноября 2026", 0, "transport")
    # the text excerpts are made from: summary, body, tags, loaded per result
    [doc] = ru.ids("каракол")
    text = " ".join(ru.text(doc).split())
    assert text.startswith("Ремонт сетей Капитальный ремонт водопровода") and text.endswith("ЖКХ")


def test_title_words_rank_first_then_newest(output: Path):
    # "Ремонт дорог" has the word in its title; the other two only in the text, newest first.
    assert Reader(output, "ru").titles("ремонт") == ["Ремонт дорог", "Вода в Караколе", "Старая новость"]


@pytest.mark.parametrize("word", [*HIDDEN, "черновик", "эмбарго", "закрытое"])
def test_unpublished_items_are_not_in_the_index(output: Path, word: str):
    assert Reader(output, "ru").ids(word) == []
    files = [path for path in (output / "search").rglob("*") if path.is_file()]
    assert len(files) > 2
    for path in files:
        assert word not in path.read_text(encoding="utf-8").lower(), path


def test_withdrawn_item_is_found_by_title_and_reason_only(output: Path):
    ru = Reader(output, "ru")
    [row] = ru.docs("мост")
    assert row[1] == "Отозванная новость о мосте" and row[5] == 1
    assert ru.text(ru.ids("мост")[0]) == "Ошибка в расчётах"
    assert ru.titles("расчетах") == ["Отозванная новость о мосте"]
    assert ru.ids("телоотозванного") == ru.ids("сводкаотозванного") == []
    assert "Вода в Караколе" in ru.titles("водопровод")
    assert "Отозванная новость о мосте" not in ru.titles("водопровод")
    text = b"".join(p.read_bytes() for p in (output / "search").rglob("*.json")).decode().lower()
    assert "телоотозванного" not in text and "сводкаотозванного" not in text


def test_kyrgyz_words_are_found_in_the_kyrgyz_index(output: Path):
    ky = Reader(output, "ky")
    assert ky.titles("көчө") == ["Көчөлөрдү оңдоо"]
    assert ky.titles("ОҢДО") == ky.titles("үйлөрдүн") == ky.titles("жаңы") == ["Көчөлөрдү оңдоо"]
    assert ky.titles("көчөлөргө") == ky.titles("жолго") == ["Көчөлөрдү оңдоо"]  # other case endings
    assert ky.docs("көчө")[0][4] == "2026-ж., 20-ноябрь"
    assert Reader(output, "ru").ids("көчө") == []  # each language has its own index
    assert ky.ids("водопровод") == []


def test_search_pages_have_a_labelled_form_and_a_note_without_javascript(output: Path):
    for rel, index in (("search/index.html", "/search/ru/"), ("ky/search/index.html", "/search/ky/")):
        page = (output / rel).read_text(encoding="utf-8")
        assert f'data-index="{index}"' in page
        assert '<form class="search-form" role="search"' in page
        assert '<label for="search-q">' in page and 'id="search-q" name="q" type="search"' in page
        assert 'role="status" aria-live="polite"' in page and "<noscript>" in page
        assert "pagefind" not in page


def test_assembly_is_deterministic_and_order_free(tmp_path: Path):
    root = make_site(tmp_path, FILES, KY_CONFIG)
    now = datetime.fromisoformat(NOW)
    result = check(root, now)
    today = now.astimezone(result.config.tz).date()
    site = build_site(
        result.items, result.judgement, result.config, now, register(result.requests, result.config, today)
    )
    docs = [search_documents.document(e) for e in site.of_lang("ru")]
    assert [pickle.loads(pickle.dumps(d)) for d in docs] == docs  # workers can return them
    first = search_index.assemble(site, "ru", docs)
    random.Random(4).shuffle(docs)
    assert search_index.assemble(site, "ru", docs) == first
    assert all(isinstance(data, bytes) for data in first.values())
    for rel, data in first.items():  # compact, sorted, UTF-8 JSON; the texts UTF-8
        if rel.endswith(".txt"):
            data.decode()
            continue
        value = json.loads(data)
        assert data == json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def test_split_shards_find_the_same(tmp_path: Path, monkeypatch, output: Path):
    """A big site's shards are split by more letters; every lookup still finds the same."""
    monkeypatch.setattr(search_index, "SPLIT", 20)
    root = make_site(tmp_path, FILES, KY_CONFIG)
    assert build(root, datetime.fromisoformat(NOW), root / "output").ok
    small, big = Reader(output, "ru"), Reader(root / "output", "ru")
    assert len(small.keys) == 1 and len(big.keys) > 20 and max(map(len, big.keys)) >= 3, sorted(big.keys)
    assert "про" in big.keys and "про" in big.split  # "про" itself, and the longer words below it
    words = {w for key in small.keys for w in small.shard(key)}
    for word in sorted(words):
        for prefix in {word[:2], word[:3], word}:
            assert big.ids(prefix) == small.ids(prefix), prefix


def test_a_new_item_changes_only_the_shards_of_its_words(tmp_path: Path, monkeypatch):
    """Ids count from the oldest item: publishing one leaves the rest of the index as it was."""
    monkeypatch.setattr(search_index, "SPLIT", 20)
    root = make_site(tmp_path, FILES, KY_CONFIG)
    now = datetime.fromisoformat(NOW)

    def index() -> tuple[dict[str, bytes], Reader]:
        assert build(root, now, root / "output").ok
        folder = root / "output" / "search" / "ru"
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.json")}
        reader = Reader(root / "output", "ru")
        reader.shard = lambda key: json.loads(files[f"w/{'-'.join(f'{ord(c):x}' for c in key) or '0'}.json"])
        return files, reader

    before, old = index()
    (root / "content/press-releases/most.md").write_text(
        item("Новый мост", date="2026-11-22T08:00:00+06:00", body="Мост через реку Каракол.\n"),
        encoding="utf-8",
    )
    after, new = index()
    assert new.titles("мост") == ["Новый мост", *old.titles("мост")]  # old ids still hold
    words = ["новый", "мост", "через", "реку", "каракол"]
    # The shards on the way to the new words, and below the ones that held them (a shard
    # that grows past SPLIT is split further).
    held = [key for word in words for key in old.shards_for(word)]
    keys = {
        k for k in old.keys | new.keys if any(w.startswith(k) for w in words) or k.startswith(tuple(held))
    }
    new_text = f"f/{sum(rel.startswith('f/') for rel in before)}.txt"  # the new item's text
    touched = {"index.json", "d/0.json", "facets.json", new_text} | {
        "w/" + ("-".join(f"{ord(c):x}" for c in k) or "0") + ".json" for k in keys
    }
    changed = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
    assert changed <= touched and len(after) - len(changed) > 10


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80))
def test_words_are_the_pattern_s_words(text: str):
    """`words` splits on blanks first for speed; it finds just what the pattern finds."""
    assert search_words.words(text) == set(search_words._WORD.findall(search_words.normalise(text)))
    mixed = f"{text} ремонт_дорог, «Ала-Тоо»… 2026-ж. ¹²³ x ё"
    assert search_words.words(mixed) == set(search_words._WORD.findall(search_words.normalise(mixed)))


@pytest.mark.parametrize("split", [20, 400, 48_000])
def test_the_preview_server_s_patched_index_equals_a_fresh_one(tmp_path: Path, monkeypatch, split: int):
    """`serve` patches the index it kept when an edit leaves every date and URL alone; after
    random body and title edits (words gained, lost, moved into the title) its files are
    byte for byte a clean build's, and the patch, not a rebuild, made them."""
    from site_builder.speed.cache import Cache

    monkeypatch.setattr(search_index, "SPLIT", split)
    rng = random.Random(split)
    vocabulary = ["вода", "водопровод", "мост", "мэрия", "школа", "шаар", "жол", "ремонт", "асфальт", "ёлка"]
    vocabulary += [f"слово{n}" for n in range(40)] + ["zebra", "ыйык", "ңыз", "2026"]
    files = {
        f"content/press-releases/n{n}.md": item(
            f"Новость {n}",
            date=f"2026-11-{10 + n}T10:00:00+06:00",
            body=" ".join(rng.sample(vocabulary, 8)) + ".\n",
        )
        for n in range(8)
    }
    root = make_site(tmp_path / "site", files, KY_CONFIG)
    now = datetime.fromisoformat(NOW)
    kept = Cache(root / ".site-cache", memory=True)
    preview = tmp_path / "preview"
    made = []
    monkeypatch.setattr(search_patch.LiveIndex, "__init__", _counting(search_patch.LiveIndex.__init__, made))
    assert build(root, now, preview, session=Session(1, kept, in_place=True)).ok
    for step in range(8):
        n = rng.randrange(8)
        title = f"Новость {n}" + ("" if rng.random() < 0.5 else " " + rng.choice(vocabulary))
        body = " ".join(rng.sample(vocabulary, rng.randint(1, 12))) + ".\n"
        (root / f"content/press-releases/n{n}.md").write_text(
            item(title, date=f"2026-11-{10 + n}T10:00:00+06:00", body=body), encoding="utf-8"
        )
        assert build(root, now, preview, session=Session(1, kept, in_place=True)).ok
        kept.sweep()
        clean = tmp_path / f"clean{step}"
        assert build(root, now, clean, session=Session.of(root, 1, False)).ok
        assert _search_files(preview) == _search_files(clean), f"step {step}"
    assert len(made) == 2  # one index per language, made once: every edit was a patch


def _counting(function, calls: list):
    def counted(*args, **kwargs):
        calls.append(1)
        return function(*args, **kwargs)

    return counted


def _search_files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in (output / "search").rglob("*.json")}


@pytest.mark.parametrize("split", [20, 48_000])
def test_a_build_patches_the_index_it_kept_and_equals_a_clean_build(tmp_path: Path, monkeypatch, split: int):
    """`build` with its disk cache patches the index the last build kept (`_Kept`) when the
    older items keep their ids: edits in place and new items after the newest.  After
    random such edits, and the ones that move ids (an older item added, one removed, a
    date changed), its files are byte for byte a clean build's; only the moves build the
    index afresh."""
    monkeypatch.setattr(search_index, "SPLIT", split)
    rng = random.Random(split)
    vocabulary = ["вода", "водопровод", "мост", "мэрия", "школа", "шаар", "жол", "ремонт", "асфальт", "ёлка"]
    vocabulary += [f"слово{n}" for n in range(40)] + ["zebra", "ыйык", "ңыз", "2026"]
    monkeypatch.setattr(search_index, "CHUNK", 3)  # new items start new chunks too

    def write(n: int, day: int, title: str = "") -> None:
        body = " ".join(rng.sample(vocabulary, rng.randint(1, 12))) + ".\n"
        lang = "ky" if n == 3 else "ru"
        (root / f"content/press-releases/n{n}.md").write_text(
            item(title or f"Новость {n}", date=f"2026-11-{day:02d}T10:00:00+06:00", body=body, lang=lang),
            encoding="utf-8",
        )

    root = make_site(tmp_path, {}, KY_CONFIG)
    (root / "content/press-releases").mkdir()
    days = {n: 5 + n for n in range(8)}
    for n, day in days.items():
        write(n, day)
    now = datetime.fromisoformat(NOW)
    afresh: list[int] = []
    monkeypatch.setattr(search, "assemble_ordered", _counting(search.assemble_ordered, afresh))
    output = tmp_path / "output"
    assert build(root, now, output, session=Session.of(root, 1)).ok
    assert len(afresh) == 2  # the first build: both languages
    moves = rebuilt = 0
    for step in range(14):
        action = rng.choice(["edit", "edit", "title", "newest", "older", "remove", "redate"])
        if action in ("edit", "title"):
            n = rng.choice(sorted(days))
            write(n, days[n], f"Новость {n} {rng.choice(vocabulary)}" if action == "title" else "")
        elif action == "newest":
            n = max(days) + 1
            days[n] = max(days.values()) + 1
            write(n, days[n])
        elif action == "older":
            n = max(days) + 1
            days[n] = 1
            write(n, 1)
        elif len(days) > 3:
            n = rng.choice(sorted(days))
            if action == "remove":
                del days[n]
                (root / f"content/press-releases/n{n}.md").unlink()
            else:
                days[n] = rng.choice([d for d in range(1, 20) if d not in days.values()])
                write(n, days[n])
        else:
            continue
        moves += action in ("older", "remove", "redate")
        before = len(afresh)
        assert build(root, now, output, session=Session.of(root, 1)).ok
        made = len(afresh) - before
        if action not in ("older", "remove", "redate"):
            assert made == 0, f"step {step}: {action} was not patched"
        else:
            rebuilt += made
        clean = tmp_path / f"clean{step}"
        assert build(root, now, clean, session=Session.of(root, 1, False)).ok
        assert _search_files(output) == _search_files(clean), f"step {step}: {action}"
    assert moves and rebuilt


def test_a_kept_index_that_does_not_hold_its_docs_is_built_afresh(tmp_path: Path):
    """A kept index whose lines do not hold the changed docs' old words as they should (not
    this index) is not patched into a wrong one: the build makes it afresh."""
    from site_builder.speed.cache import Cache

    root = make_site(tmp_path / "site", FILES, KY_CONFIG)
    now = datetime.fromisoformat(NOW)
    output = tmp_path / "output"
    assert build(root, now, output, session=Session.of(root, 1)).ok
    store = Cache(root / ".site-cache")
    kept = store.get(search.KEPT, "ru")
    assert isinstance(kept, search_patch.KeptIndex) and "водопроводы" in kept.lines
    # Every id holds the word already, so the edit's docs cannot gain it.
    kept.lines["водопроводы"] = search_index.line_of("водопроводы", array("I", range(2 * len(kept.keys))))
    store.put(search.KEPT, "ru", kept)
    path = root / "content/press-releases/voda.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Ёлки", "Водопроводы и ёлки"), encoding="utf-8")
    assert build(root, now, output, session=Session.of(root, 1)).ok
    clean = tmp_path / "clean"
    assert build(root, now, clean, session=Session.of(root, 1, False)).ok
    assert _search_files(output) == _search_files(clean)
