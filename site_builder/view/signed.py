"""The approvals a published page carries, for readers to verify: each signed step's exact
message and signature (judge/signatures.py), and the commands that check them with stock
ssh-keygen against the keys the site publishes at /keys/allowed_signers.

Only entries have them (items judged PUBLISHED or WITHDRAWN: view/publish.py), so nothing
of an unpublished item — scheduled, draft, under review, restricted, invalid — is ever
shown; nor of a draft previewed by `serve --drafts`.  A withdrawn item's notice keeps its
original approvals.  A type whose `signatures:` is off shows none: they are not checked.

The last step's files are approval.txt and approval.sig (the release by the press
office); an earlier step's are approval-<step>.txt and .sig.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime

from site_builder.judge.approvals import step_of, steps
from site_builder.judge.signatures import signed
from site_builder.load import allowed, sshsig
from site_builder.load.config import Config
from site_builder.view.entries import Entry
from site_builder.view.site import Site

FINAL = "approval"
KEYS_PAGE = "keys/"
ALLOWED_SIGNERS = "keys/allowed_signers"
RECORD_VERSION = 1


@dataclass(frozen=True)
class Shown:
    """One signed step of a published item, as its page and its files show it."""

    name: str  # the files' stem: approval, or approval-<step> for an earlier step
    step: str
    by: str
    signer: str  # the person's name (their id when config.yaml no longer has them)
    at: str  # as signed: ISO 8601 to the second, with its offset
    moment: datetime
    hash: str
    message: str  # exactly the signed bytes, as UTF-8 text
    signature: str  # armored, as ssh-keygen writes it

    @property
    def files(self) -> tuple[str, str]:
        return f"{self.name}.txt", f"{self.name}.sig"


def shown(entry: Entry, config: Config) -> tuple[Shown, ...]:
    """The signed approvals of a published entry's page, in step order (none for a preview).

    Its page, its files and the plan of the files all ask: worked out once per entry, which
    the preview server keeps from build to build while its item and the settings are the same."""
    item = entry.item
    if entry.preview or not item.signed:
        return ()
    kept = entry.__dict__.get("_signed")
    if kept is not None and kept[0] is item and kept[1] is config:
        return kept[2]
    found = _shown(entry, config)
    entry.__dict__["_signed"] = (item, config, found)
    return found


def signed_entries(site: Site) -> list[Entry]:
    """The entries whose pages may carry signed approvals (one pass per site)."""
    return site.memo("signed-entries", lambda: [e for e in site.entries if e.item.signed])


def _shown(entry: Entry, config: Config) -> tuple[Shown, ...]:
    item = entry.item
    approvals = item.meta.approvals  # type: ignore[attr-defined]
    if config.rules.for_type(item.kind).signatures == "off":
        return ()
    names = steps(config, item.kind)
    out: list[Shown] = []
    for approval in approvals:
        if not approval.signature:
            continue
        try:
            armored = sshsig.armored(sshsig.read_signature(approval.signature).blob)
        except sshsig.Invalid:  # never on a published page: `check` refuses it
            continue
        step = step_of(approval, names)
        what = signed(item, approval, step)
        person = config.person(approval.by)
        out.append(
            Shown(
                name=FINAL if step == names[-1] else f"{FINAL}-{step}",
                step=step,
                by=approval.by,
                signer=person.name if person is not None else approval.by,
                at=what.at,
                moment=approval.at,
                hash=what.hash,
                message=what.message().decode("utf-8"),
                signature=armored,
            )
        )
    return tuple(out)


def record(entry: Entry, config: Config, approvals: tuple[Shown, ...]) -> dict:
    """What the page embeds for programs (`site-builder verify`): who it is (its address,
    source, item and language, which each signed message must name) and its approvals."""
    item, page = entry.item, config.origin + entry.url
    return {
        "version": RECORD_VERSION,
        "url": page,
        "path": "content/" + item.source,
        "item": item.key,
        "lang": item.lang,
        "withdrawn": entry.withdrawn,
        "keys": config.origin + config.base_path + ALLOWED_SIGNERS,
        "approvals": [
            {
                "step": one.step,
                "by": one.by,
                "at": one.at,
                "hash": one.hash,
                "message": one.message,
                "signature": one.signature,
                "files": [page + name for name in one.files],
            }
            for one in approvals
        ],
    }


def commands(entry: Entry, config: Config, approvals: tuple[Shown, ...]) -> list[str]:
    """The commands that verify this page's signatures with stock tools: one curl for the
    keys and every signature file, then for each step what it signed and its check (at
    the approval's time: a key that has ended since still verifies what it signed)."""
    if not approvals:
        return []
    page = config.origin + entry.url
    urls = [config.origin + config.base_path + ALLOWED_SIGNERS]
    urls += [page + name for one in reversed(approvals) for name in one.files]
    out = ["curl -fsSL --remote-name-all " + " ".join(shlex.quote(url) for url in urls)]
    for one in reversed(approvals):  # the release first
        message, signature = one.files
        out.append(f"cat {message}")
        out.append(
            f"ssh-keygen -Y verify -f allowed_signers -I {one.by} -n {sshsig.NAMESPACE}"
            f" -O verify-time={allowed.stamp(one.moment)} -s {signature} < {message}"
        )
    return out
