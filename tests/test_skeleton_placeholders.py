"""Skeleton text never goes out: every placeholder `new` writes is an error, on its line,
at `check` (past draft) and at `approve`.  The placeholders are one list
(load/skeleton.py), and these tests read it: a placeholder added to it is covered, and a
skeleton text written outside it fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sitekit import make_site, require_now

from site_builder.cli import main
from site_builder.load import skeleton
from site_builder.load.skeleton import PLACEHOLDERS

NOW = "2026-12-07T10:12:00+06:00"
KINDS = ["press-release", "rebuttal", "announcement", "media-plan"]
CODES = {True: "PLACEHOLDER_TEXT", False: "PLACEHOLDER_EMPTY"}


def run(capsys, *args: str) -> tuple[int, str, str]:
    require_now(args)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def new(capsys, root: Path, kind: str) -> Path:
    """`new`, then what an editor in a hurry does: fill in the place and send it for review."""
    code, out, err = run(
        capsys, "new", kind, "Заголовок", "--root", str(root), "--author", "petrov", "--now", NOW
    )
    assert code == 0, err
    path = root / out.strip()
    text = path.read_text(encoding="utf-8").replace("  location:  #", "  location: Мэрия  #")
    path.write_text(text.replace("status: draft", "status: review"), encoding="utf-8")
    return path


def expected(path: Path, kind: str) -> list[str]:
    """Each placeholder of this kind's skeleton as CODE:LINE, found in the file as written."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out = []
    for placeholder in PLACEHOLDERS:
        if kind not in placeholder.kinds:
            continue
        if placeholder.text:
            hits = [n for n, line in enumerate(lines, 1) if placeholder.text in line]
        else:
            last = placeholder.key[-1]
            hits = [n for n, line in enumerate(lines, 1) if line.lstrip(" -").startswith(f'{last}: ""')]
        assert len(hits) == 1, (placeholder, hits)  # the skeleton writes each placeholder once
        out.append(f"{CODES[bool(placeholder.text)]}:{hits[0]}")
    return sorted(out, key=lambda found: int(found.split(":")[1]))


def found(output: str, rel: str) -> list[str]:
    """CODE:LINE of each placeholder problem reported for the file."""
    out = []
    for line in output.splitlines():
        if line.startswith(rel + ":") and " error PLACEHOLDER_" in line:
            number, rest = line[len(rel) + 1 :].split(": error ", 1)
            out.append(f"{rest.split(' ', 1)[0]}:{number}")
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_every_placeholder_is_an_error_on_its_line_and_approve_refuses(tmp_path, capsys, kind):
    root = make_site(tmp_path)
    path = new(capsys, root, kind)
    rel = path.relative_to(root).as_posix()
    want = expected(path, kind)
    assert want, f"{kind}: the skeleton has no placeholder"
    code, out, err = run(capsys, "check", "--root", str(root), "--now", NOW)
    assert code == 1
    assert found(out + err, rel) == want, out + err

    code, out, err = run(
        capsys, "approve", str(path), "--by", "aliev", "--yes", "--root", str(root), "--now", NOW
    )
    assert code == 1 and found(out + err, rel) == want, out + err
    assert "status: review" in path.read_text(encoding="utf-8")  # nothing written

    # A draft is work in progress: its placeholders wait for review.
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: review", "status: draft"), encoding="utf-8"
    )
    code, out, err = run(capsys, "check", "--root", str(root), "--now", NOW)
    assert code == 0 and "PLACEHOLDER_" not in out + err, out + err


def test_the_messages_name_the_placeholder_and_the_key(tmp_path, capsys):
    root = make_site(tmp_path)
    new(capsys, root, "rebuttal")
    err = run(capsys, "check", "--root", str(root), "--now", NOW)[2]
    assert "«Название издания» — текст-заготовка команды site-builder new" in err
    assert "«Заголовок опровергаемой публикации» — текст-заготовка" in err
    assert "поле summary по-прежнему пустое" in err and "поле facts[].claim по-прежнему пустое" in err


# Keys whose skeleton value is the editor's own (the title, ids given or looked up) or a
# real default choice, not text to replace.
OWN = {
    ("title",),
    ("division",),
    ("author",),
    ("status",),
    ("event", "kind"),
    ("entries", 0, "channel"),
    ("entries", 0, "outlet"),
    ("entries", 0, "responsible"),
}


def leaves(value, at=()):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaves(inner, (*at, index))
    elif isinstance(value, str):
        yield at, value


@pytest.mark.parametrize("kind", KINDS)
def test_the_skeleton_writes_no_text_outside_the_list(tmp_path, capsys, kind):
    root = make_site(tmp_path)
    code, out, _ = run(
        capsys, "new", kind, "Заголовок", "--root", str(root), "--author", "petrov", "--now", NOW
    )
    assert code == 0
    text = (root / out.strip()).read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    listed = {p.text for p in PLACEHOLDERS}
    stray = [
        (at, value) for at, value in leaves(yaml.safe_load(head)) if at not in OWN and value not in listed
    ]
    assert stray == []
    paragraphs = [line for line in body.split("\n") if line.strip()]
    assert paragraphs and all(line in listed for line in paragraphs)
    assert body.strip() == skeleton.body(kind).strip()


# ── the body scan folds only the lines that may hold a sentence (issue 29) ──────────────────

_PIECES = [
    *(p.text for lines in skeleton.BODY.values() for p in lines),
    *(p.text.upper() for lines in skeleton.BODY.values() for p in lines),
    "подробности",
    "ПОДРОБНОСТИ и",
    "Далее —",
    "\u00a0",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "текст",
    "ẞ",
    "ς",
    "İ",
]


def _reference(text: str, body_line: int) -> list[tuple[str, int]]:
    """The scan as it was before issue 29: every line blank-squeezed and folded."""
    found = []
    for number, line in enumerate(text.split("\n")):
        shown = " ".join(line.split()).casefold()
        found += [
            (p.text, body_line + number) for p in PLACEHOLDERS if not p.key and p.text.casefold() in shown
        ]
    return found


def test_the_body_scan_finds_what_the_full_scan_finds():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=5), max_size=12))
    def check(parts):
        text = " ".join(parts)
        got = [(leftover.text, leftover.line) for leftover in skeleton.found({}, {}, text, 7)]
        assert got == sorted(_reference(text, 7), key=lambda pair: pair[1])

    check()


def test_the_body_scan_folds_only_lines_holding_a_sentences_longest_word(monkeypatch):
    folded = []
    real = skeleton._same
    monkeypatch.setattr(skeleton, "_same", lambda text: folded.append(text) or real(text))
    body = "Текст новости.\n\nПодробности на сайте.\n\nДалее — подробности и цитаты.\n" + "Ещё строка.\n" * 50
    leftovers = skeleton.found({}, {}, body, 10)
    assert [(leftover.text, leftover.line) for leftover in leftovers] == [
        ("Далее — подробности и цитаты.", 14)
    ]
    assert folded == ["Подробности на сайте.", "Далее — подробности и цитаты."]
