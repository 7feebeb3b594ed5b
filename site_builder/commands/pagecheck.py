"""One published page's signed approvals, checked against a site's allowed signers.

A signed page embeds `<script type="application/json" id="approval">` (view/signed.py):
who the page is (address, source, item, language) and each approval's exact signed
message and SSH signature.  Each approval is valid when its message is a site-builder
approval of this very page (its path, item and language, the page's `<html lang>`) and
says what the approval lists (step, person, time, hash); and its signature, made for
site-builder approvals, verifies over that message with a key the allowed signers list
for that person at that time (ssh-keygen's `-Y verify -O verify-time=…`).

The hash cannot be checked from the page (it covers the source file, not the HTML): a
saved copy of a page shows what its signatures approve, not that its text is theirs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from site_builder.errors import Problem, problem
from site_builder.judge.signatures import VERSION_LINE
from site_builder.load import allowed, sshsig

_RECORD = re.compile(r"<script\b[^>]*\bid=[\"']approval[\"'][^>]*>(.*?)</script\s*>", re.S | re.I)
_LANG = re.compile(r"<html\b[^>]*\blang=[\"']([^\"']*)[\"']", re.I)
FIELDS = ("path", "item", "lang", "step", "by", "at", "hash")
LISTED = ("step", "by", "at", "hash", "message", "signature")


@dataclass
class Approval:
    """One approval of a page, as checked."""

    step: str
    by: str
    at: str
    fingerprint: str = ""
    problem: Problem | None = None


@dataclass
class Verdict:
    """What a page's approvals say, checked."""

    where: str
    claimed: str = ""  # the address the page says it has
    keys: str = ""  # the allowed signers it was checked with (their address or path)
    withdrawn: bool = False
    approvals: list[Approval] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # of the page as a whole

    @property
    def signed(self) -> bool:
        return bool(self.approvals)

    @property
    def valid(self) -> bool:
        return self.signed and not self.problems and all(a.problem is None for a in self.approvals)


class Malformed(ValueError):
    """The page's approval data cannot be read; the text says why (a message id)."""


TWICE = "the page has more than one approval record"
NOT_JSON = "the approval record is not JSON"
NO_LIST = "the approval record has no list of approvals"
NO_IDENTITY = "the approval record lacks the page's address, source, item, language or keys"
INCOMPLETE = "an approval lacks one of step, by, at, hash, message and signature"
REASONS = (TWICE, NOT_JSON, NO_LIST, NO_IDENTITY, INCOMPLETE)  # message ids of the catalog


def record_of(html: str) -> dict | None:
    """The page's approval record; None when it has none (an unsigned page)."""
    found = _RECORD.findall(html)
    if not found:
        return None
    if len(found) > 1:
        raise Malformed(TWICE)
    try:
        data = json.loads(found[0])
    except (ValueError, RecursionError):  # RecursionError: arrays nested a million deep
        raise Malformed(NOT_JSON) from None
    if not isinstance(data, dict) or not isinstance(data.get("approvals"), list):
        raise Malformed(NO_LIST)
    if not all(isinstance(data.get(name), str) for name in ("url", "path", "item", "lang", "keys")):
        raise Malformed(NO_IDENTITY)
    for approval in data["approvals"]:
        if not isinstance(approval, dict) or not all(isinstance(approval.get(n), str) for n in LISTED):
            raise Malformed(INCOMPLETE)
    return data


def has_record(html: str) -> bool:
    """Whether a page embeds approvals (cheaper than reading them)."""
    return "approval" in html and _RECORD.search(html) is not None


def page_lang(html: str) -> str | None:
    found = _LANG.search(html)
    return found.group(1) if found else None


def check(where: str, html: str, signers: list[allowed.Allowed] | None, keys: str = "") -> Verdict:
    """The verdict on a page's approvals (`signers`: the site's allowed signers; None when
    none were found: then only an unsigned or unreadable page has a verdict)."""
    verdict = Verdict(where, keys=keys)
    try:
        record = record_of(html)
    except Malformed as exc:
        verdict.problems.append(problem(where, 0, "error", "VERIFY_RECORD_MALFORMED", why=str(exc)))
        return verdict
    if record is None or not record["approvals"]:
        verdict.problems.append(problem(where, 0, "error", "VERIFY_UNSIGNED"))
        return verdict
    verdict.claimed, verdict.withdrawn = record["url"], record.get("withdrawn") is True
    page = {"path": record["path"], "item": record["item"], "lang": record["lang"]}
    checker = _Checker(where, page, page_lang(html), signers or [], keys)
    for number, listed in enumerate(record["approvals"], 1):
        one = Approval(listed["step"], listed["by"], listed["at"])
        verdict.approvals.append(one)
        one.problem = checker.check(number, listed, one)
    return verdict


def message_fields(message: str) -> dict[str, str] | None:
    """The fields of a signed approval message, or None when it is not one."""
    lines = message.split("\n")
    if len(lines) != len(FIELDS) + 2 or lines[0] != VERSION_LINE or lines[-1] != "":
        return None
    found: dict[str, str] = {}
    for name, line in zip(FIELDS, lines[1:-1], strict=True):
        if not line.startswith(name + ": "):
            return None
        found[name] = line[len(name) + 2 :]
    return found


@dataclass
class _Checker:
    where: str
    page: dict[str, str]  # path, item and lang, as the page's record has them
    shown: str | None  # the page's <html lang>
    signers: list[allowed.Allowed]
    keys: str

    def check(self, number: int, listed: dict, one: Approval) -> Problem | None:
        """What is wrong with one approval of the page, if anything (`one` gets its key)."""

        def fail(code: str, **args: object) -> Problem:
            return problem(self.where, 0, "error", code, number=number, **args)

        fields = message_fields(listed["message"])
        if fields is None:
            return fail("VERIFY_MESSAGE_MALFORMED")
        expected = {**self.page, **{name: listed[name] for name in ("step", "by", "at", "hash")}}
        for name in FIELDS:
            if fields[name] != expected[name]:
                return fail(
                    "VERIFY_MESSAGE_MISMATCH",
                    field=name,
                    signed=fields[name][:200],
                    page=expected[name][:200],
                )
        if self.shown is not None and self.shown != fields["lang"]:
            return fail("VERIFY_MESSAGE_MISMATCH", field="lang", signed=fields["lang"], page=self.shown[:20])
        try:
            moment = datetime.fromisoformat(fields["at"])
        except ValueError:
            return fail("VERIFY_MESSAGE_MALFORMED")
        if moment.tzinfo is None:
            return fail("VERIFY_MESSAGE_MALFORMED")
        try:
            signature = sshsig.read_signature(listed["signature"])
        except sshsig.Invalid as exc:
            return fail("VERIFY_SIGNATURE_MALFORMED", why=str(exc))
        key = signature.key
        one.fingerprint = key.fingerprint
        if signature.namespace != sshsig.NAMESPACE:
            return fail("VERIFY_NAMESPACE", namespace=signature.namespace[:60])
        listing = [a for a in self.signers if a.key.blob == key.blob and a.serves(sshsig.NAMESPACE)]
        if not listing:
            return fail("VERIFY_KEY_UNLISTED", fingerprint=key.fingerprint, keys=self.keys)
        mine = [a for a in listing if a.names(one.by)]
        if not mine:
            owner = ",".join(listing[0].principals)[:100]
            return fail("VERIFY_KEY_OTHER_PERSON", by=one.by, owner=owner, fingerprint=key.fingerprint)
        if not any(a.valid_at(moment) for a in mine):
            start, end = mine[0].after, mine[0].before
            return fail(
                "VERIFY_KEY_WINDOW",
                fingerprint=key.fingerprint,
                by=one.by,
                at=one.at,
                start=allowed.stamp(start) if start else "…",
                end=allowed.stamp(end) if end else "…",
            )
        if not sshsig.verify(signature, listed["message"].encode("utf-8")):
            return fail("VERIFY_SIGNATURE_BAD", by=one.by)
        return None
