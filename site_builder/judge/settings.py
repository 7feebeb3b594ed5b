"""Are the site settings approved?  A settings administrator's valid signature over the
current settings hash (load/settings.py), checked against the administrators' keys that
the environment gives (load/admins.py).

Without those keys nothing can be verified: a warning (a first build on a laptop), an
error when the environment requires signed settings (CI), nothing when it waives them.
With them, the settings must carry at least one signature that verifies, by an
administrator's key, over this very hash; else an error that names what changed since
the last signature.  A signature that is there but does not verify (damaged, forged, or
over other settings while claiming these) is an error too, whatever else is signed; one
by a key that is no administrator's (a former one's) neither approves nor harms.  A
verification is cached in the session's cache by (signature, message): a rebuild
verifies nothing again, nor imports `cryptography`.
"""

from __future__ import annotations

from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load import sshsig
from site_builder.load.admins import KEYS_ENV, NAMESPACE, REQUIRE_ENV, Admins
from site_builder.load.config import Config
from site_builder.load.settings import RECORD, Record, read_record, settings_of
from site_builder.load.settings import message as signed_message
from site_builder.speed import cache
from site_builder.speed.cache import Cache

BUCKET = "settings"
SHOWN = 6  # changed parts named in a message
MISMATCH = "it does not verify over these settings, this signer and this time (changed since, or forged)"
REASONS = (MISMATCH,)  # message ids, as load/admins.py's


def problems(root: Path, config: Config, admins: Admins, store: Cache | None = None) -> list[Problem]:
    """What is wrong with the settings' approval (nothing when an administrator signed them)."""
    if admins.problems:
        return list(admins.problems)
    if not admins.keys:
        if admins.required:
            return [
                problem(RECORD, 0, "error", "SETTINGS_KEYS_MISSING", variable=KEYS_ENV, switch=REQUIRE_ENV)
            ]
        if admins.waived:  # whoever runs the build said so, from outside the repository
            return []
        return [problem(RECORD, 0, "warning", "SETTINGS_UNVERIFIED", variable=KEYS_ENV)]
    record, found = read_record(root)
    if found:
        return found
    if record is None:
        return [problem(RECORD, 0, "error", "SETTINGS_UNSIGNED")]
    settings = settings_of(root, config)
    if record.model.hash != settings.digest:
        changed = settings.changed(record.model.parts) or ["?"]
        shown = ", ".join(changed[:SHOWN]) + (f" (+{len(changed) - SHOWN})" if len(changed) > SHOWN else "")
        return [problem(RECORD, record.line("hash"), "error", "SETTINGS_CHANGED", changed=shown)]
    return _signatures(record, settings.digest, admins, store)


def _signatures(record: Record, digest: str, admins: Admins, store: Cache | None) -> list[Problem]:
    out: list[Problem] = []
    valid = strangers = 0
    for index, entry in enumerate(record.model.signatures):
        line = record.line("signatures", index, "signature")
        try:
            signature = sshsig.read_signature(entry.signature)
        except sshsig.Invalid as exc:
            out.append(problem(RECORD, line, "error", "SETTINGS_SIGNATURE_BAD", by=entry.by, why=str(exc)))
            continue
        admin = admins.owner(signature.key)
        if admin is None:
            strangers += 1  # a former administrator's, say: it neither approves nor harms
            continue
        if entry.by not in admin.principals or not _verified(
            signature, signed_message(entry.by, entry.at, digest), store
        ):
            out.append(problem(RECORD, line, "error", "SETTINGS_SIGNATURE_BAD", by=entry.by, why=MISMATCH))
            continue
        valid += 1
    if not valid and not out:
        code = "SETTINGS_NOT_ADMIN" if strangers else "SETTINGS_UNSIGNED"
        out.append(problem(RECORD, record.line("signatures"), "error", code, origin=admins.origin))
    return out


def _verified(signature: sshsig.Signature, message: bytes, store: Cache | None) -> bool:
    name = cache.key(b"settings", signature.blob, message)
    kept = store.get(BUCKET, name) if store is not None else None
    if isinstance(kept, bool):
        return kept
    value = sshsig.verify(signature, message, NAMESPACE)
    if store is not None:
        store.put(BUCKET, name, value)
    return value
