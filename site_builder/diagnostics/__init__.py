"""Every diagnostic code with its English message and hint (gettext msgids): `CODES`.

The codes are kept by what they are about, one module each; this is the one place that
merges them.  Translations live in locale/<lang>/LC_MESSAGES/site_builder.po; the codes
are stable and documented in docs/diagnostics.md, which `python -m site_builder.diagnostics_doc`
writes in the order of `CODES`: the order in which the codes were added, which the groups
keep in turn (a new code goes at the end of the last group, or of a new one after it).
"""

from __future__ import annotations

from site_builder.diagnostics import (
    attachments,
    audit,
    authors,
    commands,
    files,
    frontmatter,
    held,
    outputs,
    questions,
    record,
    references,
    registers,
    rules,
    schedule,
    settings,
    signatures,
    takedown,
    templates,
    terms,
    values,
    verify,
)

GROUPS = (
    files,
    frontmatter,
    references,
    rules,
    templates,
    commands,
    schedule,
    outputs,
    authors,
    signatures,
    takedown,
    attachments,
    settings,
    audit,
    verify,
    values,
    held,
    terms,
    registers,
    questions,
    record,
)


def _merged() -> dict[str, tuple[str, str]]:
    """The groups' codes in one table, in order; a code defined twice is a mistake."""
    merged: dict[str, tuple[str, str]] = {}
    for group in GROUPS:
        twice = merged.keys() & group.CODES.keys()
        if twice:
            raise ValueError(f"diagnostic codes defined twice: {', '.join(sorted(twice))}")
        merged |= group.CODES
    return merged


CODES: dict[str, tuple[str, str]] = _merged()
