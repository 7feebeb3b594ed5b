"""Sign the example site's approvals, and its settings, again with the EXAMPLE keys of examples/keys/.

Every approval of every item under content/ gets the item's current content hash and a new
signature by its approver's key valid on the approval's day (config.yaml `people[].keys`),
made with `ssh-keygen -Y sign` as `site-builder approve --key` makes it.  Who approved
which step and when stays as the file says.  Run it after anything that changes what the
hash covers (the text, or the way the hash is computed):

    PYTHONPATH=. .venv/bin/python examples/sign_example.py

The site settings (config.yaml, templates/, static/: load/settings.py) are signed again by
the EXAMPLE settings administrator (examples/keys/EXAMPLE-settings-admins) when they changed,
as `site-builder approve --settings` signs them, at a fixed time.

It is idempotent: ed25519 signatures are deterministic, so a second run changes nothing.
The keys are examples only (see examples/keys/README.md); they never go into output/.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "examples" / "keys"
sys.path.insert(0, str(ROOT))

from site_builder.commands.approve import rewrite  # noqa: E402
from site_builder.commands.signer import SignError, sign  # noqa: E402
from site_builder.judge import mediarequests  # noqa: E402
from site_builder.judge.approvals import step_of, steps  # noqa: E402
from site_builder.judge.signatures import signed  # noqa: E402
from site_builder.load import admins as admins_module  # noqa: E402
from site_builder.load import content, markdown, sshsig  # noqa: E402
from site_builder.load import settings as settings_module  # noqa: E402
from site_builder.load.config import Config, load_config  # noqa: E402
from site_builder.load.discover import read_source  # noqa: E402
from site_builder.load.model import REQUESTS_SECTION, SECTIONS, Approval, Item  # noqa: E402


def private_keys(folder: Path) -> dict[bytes, Path]:
    """The example private keys by their public key's blob, copied where only this user
    may read them (ssh-keygen refuses a private key others may read, as a checkout leaves it)."""
    found = {}
    for public in sorted(KEYS.glob("EXAMPLE-*.pub")):
        private = folder / public.stem
        shutil.copyfile(public.with_suffix(""), private)
        private.chmod(0o600)
        found[sshsig.read_key(public.read_text(encoding="ascii")).blob] = private
    return found


def key_of(config: Config, approval: Approval, keys: dict[bytes, Path]) -> Path:
    person = config.person(approval.by)
    day = approval.at.astimezone(config.tz).date()
    for entry in person.keys if person else []:
        if entry.public is not None and entry.valid_on(day) and entry.public.blob in keys:
            return keys[entry.public.blob]
    raise SystemExit(f"no example key of {approval.by} valid on {day}")


def resigned(item: Item, text: str, config: Config, keys: dict[bytes, Path], status: str | None) -> str:
    """The file's text with each approval hashed and signed again (`status`: the item's,
    None for a media-request record)."""
    names = steps(config, item.kind)
    listed = len(names) > 1
    approvals = []
    for approval in item.meta.approvals:  # type: ignore[attr-defined]
        step = step_of(approval, names)
        fresh = approval.model_copy(
            update={"hash": item.digest, "signature": None, "step": step if listed else None}
        )
        where = "content/" + item.source
        try:
            signature = sign(signed(item, fresh, step).message(), key_of(config, fresh, keys), where)
        except SignError as exc:
            raise SystemExit(f"{where}: {exc.problem.code} {dict(exc.problem.args)}") from None
        approvals.append(fresh.model_copy(update={"signature": signature}))
    return rewrite(text, status, tuple(approvals), listed)


ADMINS = KEYS / "EXAMPLE-settings-admins"
SETTINGS_AT = "2026-11-20T10:00:00+06:00"  # when the EXAMPLE administrator signs the settings


def resign_settings(config: Config, keys: dict[bytes, Path]) -> bool:
    """settings.approval.yaml signed again over the current settings, unless it holds their
    hash already; whether it was rewritten."""
    from datetime import datetime

    found = settings_module.settings_of(ROOT, config)
    record, _ = settings_module.read_record(ROOT)
    if record is not None and record.model.hash == found.digest and record.model.signatures:
        return False
    text = ADMINS.read_text(encoding="utf-8")
    admin = admins_module.read_admins(text, str(ADMINS))[0][0]
    by, at = admin.principals[0], datetime.fromisoformat(SETTINGS_AT)
    signed = settings_module.message(by, at, found.digest)
    signature = sign(signed, keys[admin.key.blob], settings_module.RECORD, admins_module.NAMESPACE)
    entry = settings_module.SettingsSignature(by=by, at=at, signature=signature)
    (ROOT / settings_module.RECORD).write_text(settings_module.record_text(found, [entry]), encoding="utf-8")
    return True


def main() -> int:
    config = load_config(ROOT)
    md = markdown.make_parser()
    changed = 0
    with tempfile.TemporaryDirectory(prefix="example-keys-") as folder:
        keys = private_keys(Path(folder))
        for path in sorted((ROOT / "content").rglob("*.md")):
            rel = path.relative_to(ROOT / "content").as_posix()
            if rel.split("/")[0] not in (*SECTIONS, REQUESTS_SECTION):
                continue
            source, _ = read_source(ROOT / "content", rel)
            if source is None:
                continue
            if rel.split("/")[0] == REQUESTS_SECTION:  # a record: approved once public
                record = mediarequests.parse(rel, source.raw, config)[0]
                found, status = (record.item if record else None), None
            else:
                found = content.parse(source, config, md)[0]
                status = found.meta.status if found else None
            if found is None or not found.meta.approvals:  # type: ignore[attr-defined]
                continue
            text = source.raw.decode("utf-8-sig").replace("\r\n", "\n")
            new = resigned(found, text, config, keys, status)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed += 1
        if resign_settings(config, keys):
            changed += 1
    print(f"signed again: {changed} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
