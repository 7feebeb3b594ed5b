"""What attachments would publish besides what they show, and what a public repository holds.

For each attachment of a public item (load/attachments.py reads it, once per version):

- a restricted marker in its text is an error, as in the item's own text;
- tracked changes and comments (each with its author) are refused: an error for an item
  that is out or approved to go out, a warning while it is a draft or under review;
- a file that cannot be read (encrypted, damaged, too large) cannot be checked: the same;
- metadata (authors, GPS location …) is dropped from the published copy, which is made at
  render time (`Checked.cleaned`); a signed or encrypted PDF keeps it, with a warning;
- a document in a format that cannot be read is a warning.

With `rules.public_repository: true` the repository itself is public: a restricted item
anywhere in content/ is an error, and so is a marker in any attachment, drafts and
restricted items' included.  The files of a withdrawn item are not published: only
markers are looked for in them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import NamedTuple

from site_builder.errors import Problem, problem
from site_builder.judge.rules import Judgement
from site_builder.judge.verdict import State
from site_builder.load import attachments, documents
from site_builder.load.config import Config
from site_builder.load.model import Attachment, Item
from site_builder.speed.session import Session

# The states whose attachments are published now or once their date comes (INVALID: an
# approval that does not hold is itself an error; its files are judged as if it held).
GOING_OUT = {State.PUBLISHED, State.SCHEDULED, State.INVALID}
KEPT_BACK = {State.WITHDRAWN, State.UNPUBLISHED, State.RESTRICTED}  # their files are not published
UNREADABLE = {
    "encrypted": "ATTACHMENT_ENCRYPTED",
    "damaged": "ATTACHMENT_DAMAGED",
    "too large": "ATTACHMENT_TOO_LARGE",
}
REFUSED = {"tracked changes": "ATTACHMENT_TRACKED_CHANGES", "comments": "ATTACHMENT_COMMENTS"}


class Checked(NamedTuple):
    problems: list[Problem]
    # attachment source → (SHA-256 of the file, size of its copy): published without metadata
    cleaned: dict[str, tuple[str, int]]


def check(
    content_dir: Path, items: list[Item], judgement: Judgement, config: Config, session: Session
) -> Checked:
    """The problems of every attachment, and which are published as cleaned copies."""
    public_repository = config.rules.public_repository
    problems = _restricted_items(items) if public_repository else []
    going: dict[str, bool] = {}  # source → whether any item publishing it goes out
    shown: dict[str, bool] = {}  # source → whether any item may ever publish it
    files: dict[str, Attachment] = {}
    for item in items:
        if not item.attachments:
            continue
        state = judgement.verdicts[item.source].state
        restricted = item.meta.confidentiality == "restricted"
        if restricted and not public_repository:
            continue
        for attachment in item.attachments:  # an item's translations share its folder's files
            files[attachment.source] = attachment
            going[attachment.source] = going.get(attachment.source, False) or state in GOING_OUT
            visible = not restricted and state not in KEPT_BACK
            shown[attachment.source] = shown.get(attachment.source, False) or visible
    if not files:
        return Checked(problems, {})
    scans = attachments.scan(content_dir, files.values(), config.rules.restricted_markers, session)
    cleaned: dict[str, tuple[str, int]] = {}
    for source, attachment in sorted(files.items()):
        path = "content/" + source
        if documents.kind(attachment.name) == "":
            if shown[source]:
                problems.append(problem(path, 0, "warning", "ATTACHMENT_NOT_SCANNED", format=_suffix(source)))
            continue
        scan = scans.get(source)
        if scan is None:
            continue
        problems += [
            problem(path, 0, "error", "ATTACHMENT_MARKER", marker=marker, where=where, number=number)
            for marker, where, number in scan.markers
        ]
        if shown[source]:
            problems += _refusals(path, scan, "error" if going[source] else "warning")
            if scan.cleaned >= 0:
                cleaned[source] = (scan.digest, scan.cleaned)
        elif scan.unreadable[0]:  # a marker could hide in it
            problems.append(_unreadable(path, scan, "warning"))
    return Checked(problems, cleaned)


def published(items: list[Item], cleaned: dict[str, tuple[str, int]]) -> list[Item]:
    """The items as the site publishes them: an attachment published without its metadata
    has its copy's size (feeds give it); other items are the same objects."""
    if not cleaned:
        return items
    return [_published(item, cleaned) if item.attachments else item for item in items]


def _published(item: Item, cleaned: dict[str, tuple[str, int]]) -> Item:
    if not any(a.source in cleaned for a in item.attachments):
        return item
    files = tuple(
        dataclasses.replace(a, size=cleaned[a.source][1]) if a.source in cleaned else a
        for a in item.attachments
    )
    return dataclasses.replace(item, attachments=files)


def _refusals(path: str, scan: attachments.Scan, severity) -> list[Problem]:
    out = [problem(path, 0, severity, REFUSED[what]) for what in scan.refused]
    if scan.unreadable[0]:
        out.append(_unreadable(path, scan, severity))
    if scan.sealed and scan.metadata:
        out.append(problem(path, 0, "warning", "ATTACHMENT_METADATA_KEPT", fields=", ".join(scan.metadata)))
    return out


def _unreadable(path: str, scan: attachments.Scan, severity) -> Problem:
    kind, why = scan.unreadable
    return problem(path, 0, severity, UNREADABLE[kind], reason=why or "—")


def _restricted_items(items: list[Item]) -> list[Problem]:
    """Every restricted item, in a repository anyone may read."""
    return [
        problem(
            "content/" + item.source, item.line("confidentiality"), "error", "PUBLIC_REPOSITORY_RESTRICTED"
        )
        for item in items
        if item.meta.confidentiality == "restricted"
    ]


def _suffix(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name[name.rfind(".") + 1 :].upper() if "." in name else name
