"""Front matter: its YAML and the value of each key."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "FM_MISSING": (
        "no front matter: the first line must be '---'",
        "Did you forget the '---' line at the top, before title: …?",
    ),
    "FM_UNCLOSED": (
        "the front matter is not closed",
        "Add a line with just '---' after the last key, before the text.",
    ),
    "YAML_SYNTAX": (
        "YAML syntax error: {detail}",
        "Check indentation (spaces only), the colon after each key, and put text with ': ' or '#' in quotes.",
    ),
    "YAML_TAB": (
        "a tab character is used for indentation",
        "Indent with spaces only.",
    ),
    "YAML_DUPLICATE_KEY": (
        "the key '{key}' appears twice (first on line {first})",
        "Keep only one of them.",
    ),
    "KEY_NOT_TEXT": (
        "the key '{key}' is not text",
        "Keys are names such as title or date. YAML reads 1, 2.5, yes, no, on, off, true, false, null and ~ as numbers, true/false or nothing, and brackets as a list or mapping: correct the key, or put a word meant as a key in quotes.",
    ),
    "YAML_ALIAS": (
        "YAML anchors and aliases (& and *) are not allowed",
        "Write each value out in full.",
    ),
    "YAML_TOO_BIG": (
        "the YAML has more than {limit} values",
        "Front matter holds metadata only; move long content to the text.",
    ),
    "YAML_TOO_DEEP": (
        "the YAML is nested more than {limit} levels deep",
        "Front matter holds flat metadata: keys with values, lists and one level of sub-keys.",
    ),
    "YAML_NOT_MAPPING": (
        "the front matter must be keys with values (key: value)",
        "Write it as 'title: …' lines, one key per line.",
    ),
    "KEY_MISSING": (
        "the required key '{key}' is missing",
        "Add '{key}: …'.",
    ),
    "KEY_UNKNOWN": (
        "unknown key '{key}'",
        "Allowed keys here: {allowed}.",
    ),
    "WRONG_TYPE": (
        "'{key}' must be {expected}; found '{value}'",
        "Correct the value's form.",
    ),
    "BAD_VALUE": (
        "'{key}' has the value '{value}', which is not allowed",
        "Allowed: {allowed}.",
    ),
    "BAD_DATE": (
        "'{key}' is not a valid date or time: '{value}'",
        "Write 2026-05-14 or 2026-05-14T10:00 (an offset such as +06:00 is optional); check that the day exists.",
    ),
    "DATE_RANGE": (
        "'{key}' is outside the dates a site may have: '{value}'",
        "Dates must lie between {earliest} and {latest}; check the year.",
    ),
    "BAD_ID": (
        "'{key}' is not a valid id: '{value}'",
        "Use lowercase Latin letters, digits, '-' and '_'.",
    ),
    "BAD_URL": (
        "'{key}' is not an http(s) address: '{value}'",
        "Write the full address starting with https://.",
    ),
    "BAD_TEXT": (
        "'{key}' contains the invisible character {char} ({what})",
        "Remove it: no page or feed may hold it. In double quotes an escape such as \\v, \\e or \\uFFFE writes one.",
    ),
    "TOO_LONG": (
        "'{key}' is {length} characters long; the limit is {limit}",
        "Shorten it; details belong in the text.",
    ),
    "EMPTY_VALUE": (
        "'{key}' is empty",
        "Fill it in or remove the key.",
    ),
    "EMPTY_ENTRY": (
        "'{key}' is an empty entry",
        "Remove it from the list or write what it stands for: an empty entry says nothing, and an empty marker would match every line.",
    ),
    "BAD_SLUG": (
        "the slug '{value}' is not allowed",
        "Use lowercase Latin letters, digits and hyphens only (no '/', '..' or spaces), or remove slug: to derive it from the file name.",
    ),
}
