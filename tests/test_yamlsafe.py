"""yamlsafe makes the values of front matter itself: they must be exactly PyYAML's."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.load import chars, yamlsafe


def pyyaml(text: str):
    """What PyYAML's safe constructor (with timestamps kept as text) makes of a document."""
    loader = yamlsafe._Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


TRICKY = [
    "a: 1\nb: 0x1F\nc: 1_000\nd: 1.5e3\ne: .inf\nf: ~\ng: yes\nh: On\ni: 2020-01-01\nj: '1'\n",
    "k: [1, {x: 2}, [null, false]]\nl: -.5\nm: 0o17\nn: 190:20:30\no: 2026-11-20T10:00:00+06:00\n",
    "'1': a\n'2.5': b\n'null': c\n'true': d\n'': e\n2026-01-01: f\n",  # keys that are text
    "<<: {a: 1}\nb: 2\n",  # a merge key: PyYAML's constructor makes it
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!str 12\nb: !!int '7'\nc: !!float '1'\n",
    "a: !!omap [x: 1, y: 2]\n",
    "a: |\n  строка\n  вторая\nb: >\n  сложенная\n  строка\n",
    "- a\n- b\n",
    "just text",
]


@pytest.mark.parametrize("text", TRICKY)
def test_values_are_pyyamls(text):
    data, _lines, problems = yamlsafe.load(text, "x.md")
    assert not problems
    assert repr(data) == repr(pyyaml(text))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("? [a]\n: 1\n", "KEY_NOT_TEXT"),  # a list as a key
        ("? {a: 1}\n: 1\n", "KEY_NOT_TEXT"),
        ("1: a\n", "KEY_NOT_TEXT"),
        ("a:\n  b:\n    - {2.5: b}\n", "KEY_NOT_TEXT"),
        ("yes: a\n", "KEY_NOT_TEXT"),
        ("~: a\n", "KEY_NOT_TEXT"),
        ('a: "x\\vy"\n', "BAD_TEXT"),  # a control character written as an escape
        ('a: ["\\uFFFE"]\n', "BAD_TEXT"),
        ('"\\e": 1\n', "BAD_TEXT"),
        ("a: !!binary Cw==\n", "BAD_TEXT"),  # bytes, which pydantic would read as text
        ("a: x\x85y\n", "BAD_CHAR"),  # the characters libyaml lets through itself
        ("a: x\ufdd0\n", "BAD_CHAR"),
        ("a: !foo bar\n", "YAML_SYNTAX"),  # a tag nothing constructs
        ("a: &x 1\nb: *x\n", "YAML_ALIAS"),
        ("a: 1\na: 2\n", "YAML_DUPLICATE_KEY"),
        ("<<: {a: 1}\na: 1\na: 2\n", "YAML_DUPLICATE_KEY"),  # found on the way PyYAML makes it too
        ("phone: 0b_\n", "YAML_SYNTAX"),  # resolved as a number that is none
        ("x: 0x_\n", "YAML_SYNTAX"),
        ("n: !!int abc\n", "YAML_SYNTAX"),
        ("n: !!float abc\n", "YAML_SYNTAX"),
    ],
)
def test_what_cannot_be_made_is_a_problem(text, code):
    data, _lines, problems = yamlsafe.load(text, "x.md")
    assert data is None
    assert [p.code for p in problems] == [code]


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["yes", "No", "~", "0x10", "1_0", "2026-11-20", "12:30", ".NaN", "- a", "a: b", "ё"]),
)
documents = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=12,
    ),
    max_size=6,
)


def strings(value) -> list[str]:
    """Every key and text in a document."""
    if isinstance(value, dict):
        return [text for key, inner in value.items() for text in (*strings(key), *strings(inner))]
    if isinstance(value, list):
        return [text for inner in value for text in strings(inner)]
    return [value] if isinstance(value, str) else []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(documents, st.sampled_from([None, True]), st.booleans())
def test_random_documents_read_as_pyyaml_reads_them(document, flow, unicode):
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)
    data, lines, problems = yamlsafe.load(text, "x.md", first_line=2)
    if any(chars.first_bad(text) for text in strings(document)):
        # hypothesis's text holds control characters and noncharacters: never let through
        # (as an escape, or as the character itself when PyYAML writes it so: U+0085, U+FDD0)
        assert data is None and problems and {p.code for p in problems} <= {"BAD_TEXT", "BAD_CHAR"}
        return
    assert not problems
    assert repr(data) == repr(pyyaml(text))
    assert all(line >= 2 for line in lines.values())
