"""The text `site-builder new` writes for the editor to replace, and where a file still has it.

One list, read by the skeleton writer (commands/scaffold.py) and by the check (found at
parse time, so the scan is cached with the item; judge/structure.py makes it an error
past draft, and `approve` refuses it): a placeholder added to the skeleton is checked
without anyone having to remember to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from site_builder.load.config import TypeName
from site_builder.load.model import Leftover

ANY = "*"  # in a key: every element of a list


@dataclass(frozen=True)
class Placeholder:
    """A value the skeleton writes: at `key` of the front matter, or a line of the body
    (`key` empty); `text` "" is a slot left empty for text the item needs."""

    kinds: tuple[TypeName, ...]
    key: tuple[str, ...]
    text: str

    @property
    def shown(self) -> str:
        """The key as an editor writes it: `original.outlet`, `facts[].claim`; "" for the body."""
        parts: list[str] = []
        for part in self.key:
            if part == ANY:
                parts[-1] += "[]"
            else:
                parts.append(part)
        return ".".join(parts)


EVERY: tuple[TypeName, ...] = ("press-release", "rebuttal", "announcement", "media-plan", "question")

SUMMARY = Placeholder(EVERY, ("summary",), "")
OUTLET = Placeholder(("rebuttal",), ("original", "outlet"), "Название издания")
ORIGINAL_TITLE = Placeholder(("rebuttal",), ("original", "title"), "Заголовок опровергаемой публикации")
CLAIM = Placeholder(("rebuttal",), ("facts", ANY, "claim"), "")
FACT = Placeholder(("rebuttal",), ("facts", ANY, "fact"), "")
ENTRY_TOPIC = Placeholder(("media-plan",), ("entries", ANY, "topic"), "Тема публикации")
QUESTION = Placeholder(("question",), ("question",), "Вопрос жителя так, как он задан, без имён и контактов")
BODY: dict[TypeName, tuple[Placeholder, ...]] = {
    "press-release": (
        Placeholder(("press-release",), (), "Первый абзац — главное: кто, что, когда и где."),
        Placeholder(("press-release",), (), "Далее — подробности и цитаты."),
    ),
    "rebuttal": (
        Placeholder(
            ("rebuttal",),
            (),
            "Кратко: что утверждается в публикации и почему это не соответствует действительности.",
        ),
    ),
    "announcement": (
        Placeholder(("announcement",), (), "О чём мероприятие, кто участвует и как получить аккредитацию."),
    ),
    "media-plan": (
        Placeholder(("media-plan",), (), "Медиаплан на период. Строки плана — в ключе entries выше."),
    ),
    "question": (
        Placeholder(("question",), (), "Ответ по существу вопроса: что сделано, что будет сделано и когда."),
    ),
}


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


PLACEHOLDERS: tuple[Placeholder, ...] = (
    SUMMARY,
    OUTLET,
    ORIGINAL_TITLE,
    CLAIM,
    FACT,
    ENTRY_TOPIC,
    QUESTION,
    *(placeholder for lines in BODY.values() for placeholder in lines),
)


_SENTENCES = [(p, _same(p.text)) for p in PLACEHOLDERS if not p.key]
# A body that holds a sentence holds its longest word: one pass of `in` over most bodies.
_WORDS = [max(same.split(" "), key=len) for _, same in _SENTENCES]


def body(kind: TypeName) -> str:
    """The body of a new item of this kind: its placeholder paragraphs."""
    return "\n\n".join(placeholder.text for placeholder in BODY[kind]) + "\n"


def _values(data: Any, key: tuple[str, ...], at: tuple[str | int, ...] = ()):
    """Each value at `key` in the front matter, with its key path (ANY: each list element)."""
    if not key:
        yield at, data
        return
    head, rest = key[0], key[1:]
    if head == ANY:
        for index, element in enumerate(data if isinstance(data, list) else []):
            yield from _values(element, rest, (*at, index))
    elif isinstance(data, dict) and head in data:
        yield from _values(data[head], rest, (*at, head))


def _line(lines: dict[tuple, int], at: tuple[str | int, ...]) -> int:
    for end in range(len(at), 0, -1):
        if at[:end] in lines:
            return lines[at[:end]]
    return 1


def found(data: dict[str, Any], lines: dict[tuple, int], text: str, body_line: int) -> tuple[Leftover, ...]:
    """Every placeholder of any kind's skeleton still in this front matter and body, in
    file order: a value that holds one (or is still blank, for a slot left empty), and a
    body line that holds one."""
    out: list[Leftover] = []
    for placeholder in PLACEHOLDERS:
        if not placeholder.key:
            continue
        for at, value in _values(data, placeholder.key):
            if not isinstance(value, str):
                continue
            blank = placeholder.text == "" and value.strip() == ""
            if blank or (placeholder.text and _same(placeholder.text) in _same(value)):
                out.append(Leftover(placeholder.text, placeholder.shown, _line(lines, at)))
    # A line holds a sentence only if it holds the sentence's longest word (no blank in
    # it, so blanks and case folded alike): only such lines are folded for the full test.
    folded = text.casefold()
    sentences = zip(_SENTENCES, _WORDS, strict=True)
    candidates = [(p, same, word) for (p, same), word in sentences if word in folded]
    if candidates:
        for number, (line, low) in enumerate(zip(text.split("\n"), folded.split("\n"), strict=True)):
            maybe = [(p, same) for p, same, word in candidates if word in low]
            if maybe:
                shown = _same(line)
                out += [Leftover(p.text, "", body_line + number) for p, same in maybe if same in shown]
    return tuple(sorted(out, key=lambda leftover: leftover.line))
