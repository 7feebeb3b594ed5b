"""Approval signatures: the message each approval signs, and its check against the keys
config.yaml gives the approver on the approval's day ("the config of the day").

The message (namespace `site-builder-approval`) is these UTF-8 lines, each ending in "\\n":

    site-builder approval 1
    path: content/<source>
    item: <item key>
    lang: <lang>
    step: <step>
    by: <person id>
    at: <ISO 8601, to the second, with its offset>
    hash: sha256:<hex>

so a signature holds for one item at one path, one step, one person, one moment and one
text.  Whether a signature verifies over a message is cached in the session's cache by
(signature, message) (the key is part of the signature): a rebuild verifies nothing it
verified before, and a site without signatures never reaches the cache or `cryptography`.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from typing import NamedTuple

from site_builder.errors import Problem, problem
from site_builder.judge.approvals import Lines, step_of, steps
from site_builder.load import sshsig
from site_builder.load.config import Config, KeyEntry
from site_builder.load.model import Approval, Item
from site_builder.speed import cache
from site_builder.speed.cache import Cache

BUCKET = "signatures"
VERSION_LINE = "site-builder approval 1"


class Signed(NamedTuple):
    """What one approval signs, field by field."""

    path: str  # content/<source>
    item: str  # the item's key (its id, or <folder>/<stem>)
    lang: str
    step: str
    by: str
    at: str  # ISO 8601 to the second, with offset
    hash: str

    def message(self) -> bytes:
        fields = zip(("path", "item", "lang", "step", "by", "at", "hash"), self, strict=True)
        return "".join([VERSION_LINE + "\n", *(f"{name}: {value}\n" for name, value in fields)]).encode()


def signed(item: Item, approval: Approval, step: str) -> Signed:
    """What `approval` of `item`, given as `step`, signs."""
    at = approval.at.isoformat(timespec="seconds")
    return Signed("content/" + item.source, item.key, item.lang, step, approval.by, at, approval.hash or "")


def _name(signature: sshsig.Signature, message: bytes) -> str:
    return cache.key(b"sshsig", signature.blob, message)


class Signatures:
    """The signature checks of one judging run, over the items it judges.

    Every signature's verification is worked out up front, from `store` where it was
    before, and what was new is kept there.  `elsewhere(item)` names the other files
    whose approval holds the same signature validly: a copy is told from a forgery.
    """

    def __init__(
        self, items: Iterable[Item], config: Config, store: Cache | None = None, bucket: str = BUCKET
    ) -> None:
        self.config, self.bucket = config, bucket
        self._valid: dict[str, bool] = {}
        self._holders: dict[bytes, set[str]] = {}  # signature → the sources where it verifies
        self._owners: dict[bytes, list[tuple[str, KeyEntry]]] | None = None
        self._modes: dict[str, str] = {}  # type → its `signatures:`
        wanted: dict[str, tuple[sshsig.Signature, bytes]] = {}
        found: list[tuple[str, bytes, str]] = []  # (source, signature, name)
        for item in items:
            if not self.checked(item):
                continue
            names = steps(config, item.kind)
            for approval in item.meta.approvals:  # type: ignore[attr-defined]
                signature = _read(approval)
                if signature is not None and self.owners(signature.key.blob):  # else never verified
                    message = signed(item, approval, step_of(approval, names)).message()
                    name = _name(signature, message)
                    wanted[name] = (signature, message)
                    found.append((item.source, signature.blob, name))
        if wanted:
            self._settle(wanted, store)
        for source, blob, name in found:
            if self._valid[name]:
                self._holders.setdefault(blob, set()).add(source)

    def checked(self, item: Item) -> bool:
        """Whether the item has a signature its type asks to verify."""
        if not item.signed:
            return False
        return self.config.rules.for_type(item.kind).signatures != "off"

    def _settle(self, wanted: dict[str, tuple[sshsig.Signature, bytes]], store: Cache | None) -> None:
        names = sorted(wanted)
        kept = store.get_many(self.bucket, names) if store is not None else [None] * len(names)
        fresh: dict[str, bytes] = {}
        for name, value in zip(names, kept, strict=True):
            if not isinstance(value, bool):
                value = sshsig.verify(*wanted[name])
                fresh[name] = pickle.dumps(value)
                if store is not None:
                    store.remember(self.bucket, name, value)
            self._valid[name] = value
        if store is not None:
            store.put_many(self.bucket, fresh)
            store.compact(self.bucket, set(names))

    def valid(self, signature: sshsig.Signature, message: bytes) -> bool:
        name = _name(signature, message)
        if name not in self._valid:
            self._valid[name] = sshsig.verify(signature, message)
        return self._valid[name]

    def elsewhere(self, item: Item) -> tuple[str, ...]:
        """Other files whose approval validly holds one of this item's signatures."""
        if not self.checked(item):
            return ()
        found: set[str] = set()
        for approval in item.meta.approvals:  # type: ignore[attr-defined]
            signature = _read(approval)
            if signature is not None:
                found |= self._holders.get(signature.blob, set()) - {item.source}
        return tuple(sorted(found))

    def owners(self, blob: bytes) -> list[tuple[str, KeyEntry]]:
        """The people config.yaml lists this key for (one at most: KEY_SHARED), with its entries."""
        if self._owners is None:
            self._owners = {}
            for person in self.config.people:
                for entry in person.keys:
                    if entry.public is not None:
                        self._owners.setdefault(entry.public.blob, []).append((person.id, entry))
        return self._owners.get(blob, [])

    def problems(self, item: Item) -> list[Problem]:
        """Each approval signed when its type requires it, and each signature valid: made
        with a key of the approver valid on the approval's day, over this very approval."""
        approvals: list[Approval] = item.meta.approvals  # type: ignore[assignment]
        mode = self._modes.get(item.kind) or self._modes.setdefault(
            item.kind, self.config.rules.for_type(item.kind).signatures
        )
        if mode == "off" or (mode == "optional" and not any(a.signature for a in approvals)):
            return []
        path, names, where = "content/" + item.source, steps(self.config, item.kind), Lines(item)
        out: list[Problem] = []
        for index, approval in enumerate(approvals):
            step = step_of(approval, names)
            if approval.signature is None:
                if mode == "required":
                    args = {"step": step, "by": approval.by, "kind": item.kind, "source": path}
                    out.append(problem(path, where.of(index), "error", "SIGNATURE_MISSING", **args))
                continue
            found = self._one(item, approval, step)
            if found is not None:
                code, args = found
                out.append(problem(path, where.of(index, "signature"), "error", code, **args))
        return out

    def _one(self, item: Item, approval: Approval, step: str) -> tuple[str, dict[str, object]] | None:
        """What is wrong with an approval's signature (a code and its arguments), if anything
        (`approval.signature` must be there)."""
        path = "content/" + item.source
        try:
            signature = sshsig.read_signature(approval.signature or "")
        except sshsig.Invalid as exc:
            return "SIGNATURE_MALFORMED", {"why": str(exc), "source": path}
        key = signature.key
        if signature.namespace != sshsig.NAMESPACE:
            return "SIGNATURE_NAMESPACE", {"namespace": signature.namespace[:60]}
        owners = self.owners(key.blob)
        if not owners:
            return "SIGNATURE_UNKNOWN_KEY", {"fingerprint": key.fingerprint}
        mine = [entry for person, entry in owners if person == approval.by]
        if not mine:
            return "SIGNATURE_OTHER_PERSON", {
                "by": approval.by,
                "owner": owners[0][0],
                "fingerprint": key.fingerprint,
            }
        if not self.valid(signature, signed(item, approval, step).message()):
            return self._mismatch(item, approval, step, signature)
        day = approval.at.astimezone(self.config.tz).date()
        if not any(entry.valid_on(day) for entry in mine):
            entry = mine[0]
            return "SIGNATURE_KEY_WINDOW", {
                "fingerprint": key.fingerprint,
                "by": approval.by,
                "start": entry.from_ or "…",
                "end": entry.to or "…",
                "at": approval.at.astimezone(self.config.tz).strftime("%Y-%m-%d %H:%M"),
            }
        return None

    def why(self, item: Item, approval: Approval, step: str) -> Problem | None:
        """Why an approval's signature does not hold (whatever its type's `signatures:`
        says), as the problem `problems` would report; None when it holds or is absent."""
        if not approval.signature:
            return None
        found = self._one(item, approval, step)
        if found is None:
            return None
        path = "content/" + item.source
        return problem(
            path,
            Lines(item).of(item.meta.approvals.index(approval), "signature"),
            "error",
            found[0],
            **found[1],
        )

    def _mismatch(
        self, item: Item, approval: Approval, step: str, signature: sshsig.Signature
    ) -> tuple[str, dict[str, object]]:
        """Why a signature by the right key fails: made for another file, another step, or
        over something that changed since (or never: forged)."""
        path = "content/" + item.source
        others = self._holders.get(signature.blob, set()) - {item.source}
        if others:
            return "SIGNATURE_COPIED", {"other": "content/" + min(others), "source": path}
        for other in steps(self.config, item.kind):
            if other != step and sshsig.verify(signature, signed(item, approval, other).message()):
                return "SIGNATURE_WRONG_STEP", {"signed": other, "step": step}
        return "SIGNATURE_MISMATCH", {"source": path}


def _read(approval: Approval) -> sshsig.Signature | None:
    if not approval.signature:
        return None
    try:
        return sshsig.read_signature(approval.signature)
    except sshsig.Invalid:
        return None
