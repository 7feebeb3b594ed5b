"""ssh-keygen's "allowed signers" file (`man ssh-keygen`, ALLOWED SIGNERS), written and read.

A build publishes the approvers' keys as /keys/allowed_signers, one line per key:

    tokto-aigerim namespaces="site-builder-approval",valid-after="20250831180000Z",
        valid-before="20260630175959Z" ssh-ed25519 AAAA…   (one line)

The principal is the person's id, as an approval's `by:` names them.  A key's window in
config.yaml is a span of whole days in the site's time zone, both ends included; it is
written as the first and the last second of that span in UTC (the `Z` form: ssh-keygen
reads a time without it in the time zone of the computer it runs on), and ssh-keygen
takes both bounds as included, as the build does.

`site-builder verify` reads such a file back (`parse`): only the options written here
(and `cert-authority`, whose line it skips: certificates are not used for approvals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fnmatch import fnmatchcase

from site_builder.load import sshsig

STAMP = "%Y%m%d%H%M%SZ"
MAX_LINES = 10_000


def stamp(moment: datetime) -> str:
    """A moment as ssh-keygen's options take it, in UTC: 20260630175959Z."""
    return moment.astimezone(UTC).strftime(STAMP)


def window(start: date | None, end: date | None, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """The first and the last second of a span of whole days in a time zone."""
    first = datetime.combine(start, time(), tz) if start is not None else None
    last = None
    if end is not None:
        last = datetime.combine(end + timedelta(days=1), time(), tz) - timedelta(seconds=1)
    return first, last


def line(principal: str, key: sshsig.PublicKey, start: datetime | None, end: datetime | None) -> str:
    """One line of the file: the person may sign approvals with this key in this window."""
    options = [f'namespaces="{sshsig.NAMESPACE}"']
    if start is not None:
        options.append(f'valid-after="{stamp(start)}"')
    if end is not None:
        options.append(f'valid-before="{stamp(end)}"')
    return f"{principal} {','.join(options)} {key.text}"


@dataclass(frozen=True)
class Allowed:
    """One line of an allowed signers file, read."""

    principals: tuple[str, ...]  # patterns, as ssh_config(5) PATTERNS: * and ?, ! negates
    key: sshsig.PublicKey
    namespaces: tuple[str, ...] | None  # None: any
    after: datetime | None
    before: datetime | None
    number: int  # its line in the file

    def names(self, principal: str) -> bool:
        """Whether the line's principals name this person (a negated pattern that matches refuses)."""
        matched = False
        for pattern in self.principals:
            if pattern.startswith("!"):
                if fnmatchcase(principal, pattern[1:]):
                    return False
            elif fnmatchcase(principal, pattern):
                matched = True
        return matched

    def serves(self, namespace: str) -> bool:
        return self.namespaces is None or any(fnmatchcase(namespace, n) for n in self.namespaces)

    def valid_at(self, moment: datetime) -> bool:
        return (self.after is None or self.after <= moment) and (self.before is None or moment <= self.before)


class Unreadable(ValueError):
    """A line that is not an allowed signer; its text says why (an English message id)."""

    def __init__(self, number: int, why: str) -> None:
        super().__init__(why)
        self.number, self.why = number, why


_OPTION = re.compile(r'([A-Za-z-]+)(?:="([^"]*)")?')
_TIME = re.compile(r"^(\d{8})(\d{4}(\d{2})?)?(Z?)$")
BAD_OPTIONS = "its options cannot be read"
BAD_TIME = "a time that is not YYYYMMDD[HHMM[SS]][Z]"
TOO_LONG = "the file has too many lines"


def parse_time(text: str, local: tzinfo | None = None) -> datetime:
    """ssh-keygen's YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]; without Z in `local` (by default
    this computer's time zone, as ssh-keygen reads it).  Raises ValueError."""
    found = _TIME.match(text)
    if not found:
        raise ValueError(BAD_TIME)
    digits = found.group(1) + (found.group(2) or "0000") + ("" if found.group(3) else "00")
    moment = datetime.strptime(digits, "%Y%m%d%H%M%S")
    if found.group(4):
        return moment.replace(tzinfo=UTC)
    return moment.replace(tzinfo=local) if local is not None else moment.astimezone()


def parse(text: str, local: tzinfo | None = None) -> list[Allowed]:
    """The lines of an allowed signers file (comments and empty lines skipped, and lines of
    certificate authorities); raises Unreadable at the first line that cannot be read."""
    found: list[Allowed] = []
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise Unreadable(MAX_LINES, TOO_LONG)
    for number, raw in enumerate(lines, 1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        principals, _, rest = entry.partition(" ")
        rest = rest.lstrip()
        options: dict[str, str | None] = {}
        first = rest.split(" ", 1)[0]
        if "=" in first or first.lower().startswith("cert-authority"):
            rest = _options(rest, options, number)
        if "cert-authority" in options:
            continue
        try:
            key = sshsig.read_key(rest)
            after = parse_time(options["valid-after"] or "", local) if "valid-after" in options else None
            before = parse_time(options["valid-before"] or "", local) if "valid-before" in options else None
        except sshsig.UnknownKeyType:
            continue  # a key this program cannot verify with (ssh-dss, a security key): not ours
        except sshsig.Invalid as exc:
            raise Unreadable(number, str(exc)) from None
        except ValueError as exc:
            raise Unreadable(number, str(exc)) from None
        spaces = options.get("namespaces")
        found.append(
            Allowed(
                tuple(p for p in principals.split(",") if p),
                key,
                tuple(spaces.split(",")) if spaces is not None else None,
                after,
                before,
                number,
            )
        )
    return found


def _options(rest: str, options: dict[str, str | None], number: int) -> str:
    """Read the options at the start of `rest` into `options`; the rest of the line after them."""
    at = 0
    while True:
        found = _OPTION.match(rest, at)
        if not found:
            raise Unreadable(number, BAD_OPTIONS)
        options[found.group(1).lower()] = found.group(2)
        at = found.end()
        if rest.startswith(",", at):
            at += 1
            continue
        if not rest.startswith(" ", at):
            raise Unreadable(number, BAD_OPTIONS)
        return rest[at:].lstrip()
