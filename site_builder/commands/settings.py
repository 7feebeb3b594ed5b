"""`site-builder approve --settings`: a settings administrator signs the site settings.

The settings hash (load/settings.py) is signed with `ssh-keygen -Y sign -n
site-builder-settings`, with `--key` or a key of the administrator that ssh-agent holds,
and recorded in settings.approval.yaml beside the signatures of other administrators over
the same settings (a signature over other settings is dropped: git keeps it).  When the
environment gives the administrators' keys (load/admins.py), a key that is not the
administrator's is refused before anything is written; when it does not, CI checks it.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from site_builder.commands import console, signer
from site_builder.errors import Problem, problem
from site_builder.i18n import word
from site_builder.load import sshsig
from site_builder.load.admins import NAMESPACE, Admins
from site_builder.load.settings import RECORD, Settings, SettingsSignature, message, read_record, record_text
from site_builder.load.settings import settings_of as settings_at


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    if args.path is not None or args.at or args.step or args.reason or not args.by:
        console.say(
            word(
                "--settings signs the site settings: give --by NAME, and no item, --at, --step or --reason",
                args.lang,
            ),
            sys.stderr,
        )
        return console.EXIT_USAGE
    config = console.site_config(root, args)
    if config is None:
        return console.EXIT_PROBLEMS
    admins = Admins.from_environ()
    if admins.problems:
        console.show(list(admins.problems), args)
        return console.EXIT_PROBLEMS
    settings = settings_at(root, config)
    record, _ = read_record(root)  # unreadable: written afresh (git keeps the old one)
    kept: list[SettingsSignature] = []
    if record is not None and record.model.hash == settings.digest:
        kept = [entry for entry in record.model.signatures if entry.by != args.by]
    changed = settings.changed(record.model.parts) if record is not None else []
    at = now.astimezone(config.tz).replace(microsecond=0)
    key: Path | sshsig.PublicKey | None = args.key.expanduser() if args.key is not None else None
    if key is None and admins.keys:
        key = signer.in_agent(admins.of(args.by))
    if key is None:
        return _refused([problem(RECORD, 0, "error", "SETTINGS_SIGN_NO_KEY", by=args.by)], args)
    if signer.keygen() is None:
        return _refused([signer.missing(RECORD)], args)
    _summary(args, settings, changed, at, key, admins)
    if not args.yes and not console.confirmed(args):
        return console.EXIT_PROBLEMS
    try:
        signature = _sign(args.by, at, settings.digest, key, admins)
    except signer.SignError as exc:
        return _refused([exc.problem], args)
    target = root / RECORD
    if os.path.islink(target):  # never written through
        return _refused([problem(RECORD, 0, "error", "SETTINGS_RECORD_BAD", why="a symbolic link")], args)
    new = SettingsSignature(by=args.by, at=at, signature=signature)
    target.write_text(record_text(settings, [*kept, new]), encoding="utf-8")
    console.say(word("settings approved: {path}", args.lang).format(path=RECORD))
    if not admins.keys:
        console.say(
            word(
                "the administrators' keys were not given: CI checks that this key is an administrator's",
                args.lang,
            ),
            sys.stderr,
        )
    return console.EXIT_OK


def _sign(by: str, at: datetime, digest: str, key: Path | sshsig.PublicKey, admins: Admins) -> str:
    """The armored signature, refused (SignError) when the key is not the administrator's
    (as far as the environment says) or the signature does not verify."""
    signed = message(by, at, digest)
    armored = signer.sign(signed, key, RECORD, NAMESPACE)
    label = str(key) if isinstance(key, Path) else key.fingerprint
    try:
        signature = sshsig.read_signature(armored)
    except sshsig.Invalid as exc:
        raise signer.SignError(
            problem(RECORD, 0, "error", "SIGN_FAILED", key=label, detail=str(exc))
        ) from None
    owner = admins.owner(signature.key)
    if admins.keys and (owner is None or by not in owner.principals):
        args = {"fingerprint": signature.key.fingerprint, "by": by, "origin": admins.origin}
        raise signer.SignError(problem(RECORD, 0, "error", "SETTINGS_SIGN_NOT_ADMIN", **args))
    if not sshsig.verify(signature, signed, NAMESPACE):
        detail = "the signature does not verify"
        raise signer.SignError(problem(RECORD, 0, "error", "SIGN_FAILED", key=label, detail=detail))
    return armored


def _summary(
    args: argparse.Namespace,
    settings: Settings,
    changed: list[str],
    at: datetime,
    key: Path | sshsig.PublicKey,
    admins: Admins,
) -> None:
    lang = args.lang
    shown = ", ".join(changed[:20]) + (f" (+{len(changed) - 20})" if len(changed) > 20 else "")
    rows = [
        (word("Settings hash", lang), settings.digest),
        (word("Changed since signed", lang), shown or "—"),
        (word("Administrator", lang), f"{args.by}, {at.isoformat(timespec='seconds')}"),
        (word("Signature", lang), str(key) if isinstance(key, Path) else f"{key.fingerprint} (ssh-agent)"),
        (word("Administrators' keys", lang), admins.origin if admins.keys else word("not given", lang)),
    ]
    for label, value in rows:
        console.say(f"{label:>16}: {value}")


def _refused(problems: list[Problem], args: argparse.Namespace) -> int:
    console.show(problems, args)
    return console.EXIT_PROBLEMS
