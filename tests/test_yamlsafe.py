"""yamlsafe makes the values of front matter itself: they must be exactly PyYAML's."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder import yamlsafe


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
    "1: a\n2.5: b\nnull: c\ntrue: d\n'': e\n",
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
        ("? [a]\n: 1\n", "YAML_SYNTAX"),  # a list as a key
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


@settings(max_examples=300, deadline=None, derandomize=True)
@given(documents, st.sampled_from([None, True]), st.booleans())
def test_random_documents_read_as_pyyaml_reads_them(document, flow, unicode):
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=unicode)
    data, lines, problems = yamlsafe.load(text, "x.md", first_line=2)
    assert not problems
    assert repr(data) == repr(pyyaml(text))
    assert all(line >= 2 for line in lines.values())
