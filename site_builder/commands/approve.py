"""`site-builder approve`: record an approval bound to the item's content hash.

The file is edited as text, not re-serialised, so the editor's formatting, comments and
key order stay; only the `status:` line and the `approval:` block are replaced.  A public
media-request record is approved the same way (it has no `status:`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from site_builder.commands import console, moments, signer
from site_builder.errors import Problem, problem
from site_builder.i18n import word
from site_builder.judge import approvals as steps
from site_builder.judge import mediarequests
from site_builder.judge.authors import author_problems
from site_builder.judge.signatures import signed
from site_builder.judge.structure import placeholder_problems
from site_builder.judge.verdict import after_date, approver_problems, fmt
from site_builder.load import content, discover, markdown, sshsig
from site_builder.load.config import Config
from site_builder.load.discover import read_source
from site_builder.load.fields import EARLIEST, LATEST, in_range, problems_from
from site_builder.load.links import is_link, symlink
from site_builder.load.model import MONITORING_SECTION, REQUESTS_SECTION, SECTIONS, Approval, Common, Item

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass(frozen=True)
class Request:
    """What `approve` was asked: who approves, when, which step (None: the next) and why
    it is recorded after the fact (needed when `at` is in the past)."""

    by: str
    at: datetime
    step: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Approved:
    item: Item
    original: str  # the file's text
    status: str | None  # None: a media-request record, which has no status
    approvals: tuple[Approval, ...]  # the block to write: the steps that stand, then the new one
    steps: tuple[str, ...]  # the type's steps

    @property
    def digest(self) -> str:
        return self.item.digest

    @property
    def step(self) -> str:
        return self.steps[len(self.approvals) - 1]

    @property
    def text(self) -> str:
        """The new file text."""
        return rewrite(self.original, self.status, self.approvals, len(self.steps) > 1)

    def message(self) -> bytes:
        """What the new approval signs (judge/signatures.py)."""
        return signed(self.item, self.approvals[-1], self.step).message()

    def signed(self, signature: str) -> Approved:
        last = self.approvals[-1].model_copy(update={"signature": signature})
        return replace(self, approvals=(*self.approvals[:-1], last))


def approve(
    source: discover.Source, config: Config, request: Request, now: datetime
) -> tuple[Approved | None, list[Problem]]:
    """Check that `request.by` may approve the item's next step at `request.at`, and produce
    the new file text (unsigned: see `Approved.signed`)."""
    person_id, at = request.by, request.at
    if not in_range(at):  # --at: as far from Python's limits as every date in a file
        value = at.isoformat()
        args = {"key": "--at", "value": value, "earliest": EARLIEST, "latest": LATEST}
        return None, [problem("content/" + source.rel, 0, "error", "DATE_RANGE", **args)]
    item, problems = _parsed(source, config)
    errors = [p for p in problems if p.is_error]
    if item is None or errors:
        return None, errors or problems
    path = "content/" + source.rel
    names = steps.steps(config, item.kind)
    kept, refusals = _next(item, config, request, names)
    if any(p.code in ("APPROVE_ALL_STEPS_DONE", "APPROVE_STEP_ORDER", "STEP_UNKNOWN") for p in refusals):
        return None, refusals  # not the step asked for: who may give the next one is beside the point
    if len(names) > 1:  # written as a list: each step named
        kept = [a.model_copy(update={"step": names[i]}) for i, a in enumerate(kept)]
    step = names[len(kept)] if len(kept) < len(names) else names[-1]
    line = item.line("approval", "by")
    refusals += approver_problems(item, config, person_id, at, line, step)
    refusals += author_problems(item, config)  # without an author four-eyes proves nothing
    refusals += _when(item, config, request, now) if isinstance(item.meta, Common) else []
    if at.replace(microsecond=0) < now.replace(microsecond=0) and not request.reason:
        refusals.append(problem(path, 0, "error", "APPROVE_REASON_NEEDED", at=fmt(at, config)))
    if kept and at < kept[-1].at:
        args = {"step": step, "previous": kept[-1].step or names[len(kept) - 1]}
        args |= {"at": fmt(at, config), "before": fmt(kept[-1].at, config)}
        refusals.append(problem(path, item.line("approval"), "error", "STEP_TIME_ORDER", **args))
    text = source.raw.decode("utf-8-sig").replace("\r\n", "\n")
    if not refusals and _published(item, now) and item.on_approval:
        item, text, refusals = _pinned(source, item, text, config)
    given = {"by": person_id, "at": at.astimezone(config.tz), "hash": item.digest, "reason": request.reason}
    if len(names) > 1:
        given["step"] = step
    try:
        new = Approval.model_validate(given)
    except ValidationError as exc:
        refusals += problems_from(exc, Approval, path, {}, 0)
    if refusals:
        return None, refusals
    # Out only once every step is done: until then it is under review.
    status: str | None = "approved" if len(kept) + 1 == len(names) else "review"
    if not isinstance(item.meta, Common):
        status = None  # a record: public: true asks for publication, the approval grants it
    elif item.meta.status == "withdrawn":
        status = "withdrawn"
    return Approved(item, text, status, (*kept, new), names), []


def _parsed(source: discover.Source, config: Config) -> tuple[Item | None, list[Problem]]:
    """The file as the approval rules see it: an item, or a public media-request record."""
    section = source.rel.split("/")[0]
    path = "content/" + source.rel
    if section == REQUESTS_SECTION and "/" in source.rel:
        record, problems = mediarequests.parse(source.rel, source.raw, config)
        if record is not None and not record.meta.public:
            return None, [problem(path, record.lines.get(("public",), 0), "error", "APPROVE_MEDIA_REQUEST")]
        return (record.item if record is not None else None), problems
    if "/" not in source.rel or section not in SECTIONS:  # no item kind to parse as
        return None, [problem(path, 0, "error", "UNKNOWN_SECTION", sections=", ".join(SECTIONS))]
    return content.parse(source, config, markdown.make_parser())


def _when(item: Item, config: Config, request: Request, now: datetime) -> list[Problem]:
    """What an item's dates (not a record's: it has none) say against this approval."""
    path, at, meta = "content/" + item.source, request.at, item.meta
    refusals: list[Problem] = []
    if meta.confidentiality == "restricted":
        refusals.append(problem(path, item.line("confidentiality"), "error", "APPROVE_RESTRICTED"))
    previous = meta.approval
    published = _published(item, now)
    if published and previous is not None and previous.hash not in (None, item.digest):
        if not any(at_ > previous.at for at_ in item.notes):
            refusals.append(
                problem(
                    path,
                    item.line("approval"),
                    "error",
                    "CORRECTION_REQUIRED",
                    at=previous.at.astimezone(config.tz).strftime("%Y-%m-%d %H:%M"),
                )
            )
    if not item.on_approval or published:  # else the date is this approval's own time
        refusals += after_date(item, config, at, item.date_line)
    return refusals + placeholder_problems(item)


def _published(item: Item, now: datetime) -> bool:
    """Did the approved version in the file go out (its date and its final approval passed)?"""
    meta, previous = item.meta, item.meta.approval
    return previous is not None and meta.date is not None and meta.date <= now and previous.at <= now


def _pinned(
    source: discover.Source, item: Item, text: str, config: Config
) -> tuple[Item, str, list[Problem]]:
    """An item without `date:` that went out when it was approved, approved again: its
    publication time is written into `date:`, so the new approval (after a correction, a
    withdrawal) does not move it to now.  The item as re-read with that line, and its text."""
    assert item.meta.date is not None
    stamp = item.meta.date.astimezone(config.tz).isoformat(timespec="seconds")
    line = f"date: {stamp}  # опубликовано при согласовании; дату записала команда approve"
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))
    # `date:` with no value (or null), else the skeleton's line that suggests an embargo
    blank = next((i for i in range(1, end) if re.match(r"date\s*:", lines[i])), None)
    if blank is None:
        blank = next((i for i in range(1, end) if re.match(r"#\s*date\s*:", lines[i])), None)
    if blank is not None:
        lines[blank] = line
    else:  # at the end, at the top level: whatever the key before it holds, it ends there
        lines.insert(end, line)
    text = "\n".join(lines)
    pinned, problems = content.parse(
        replace(source, raw=text.encode("utf-8")), config, markdown.make_parser()
    )
    if pinned is None:
        return item, text, [p for p in problems if p.is_error]
    return pinned, text, [p for p in problems if p.is_error]


def _next(
    item: Item, config: Config, request: Request, names: tuple[str, ...]
) -> tuple[list[Approval], list[Problem]]:
    """The approvals that stand before this one, and why the asked step may not come next:
    steps go in order, each once, each by a different person.  A one-step approval given
    again replaces the one there."""
    path = "content/" + item.source
    kept = steps.standing(item, config)
    if len(kept) == len(names) and len(names) == 1:
        kept = []
    if len(kept) == len(names):
        args = {"steps": ", ".join(names), "first": names[0]}
        return kept, [problem(path, item.line("approval"), "error", "APPROVE_ALL_STEPS_DONE", **args)]
    step = names[len(kept)]
    out: list[Problem] = []
    if request.step is not None and request.step not in names:
        args = {"step": request.step, "kind": item.kind, "steps": ", ".join(names), "source": path}
        out.append(problem(path, 0, "error", "STEP_UNKNOWN", **args))
    elif request.step is not None and request.step != step:
        args = {"next": step, "step": request.step, "steps": ", ".join(names)}
        out.append(problem(path, item.line("approval"), "error", "APPROVE_STEP_ORDER", **args))
    for index, approval in enumerate(kept):
        if approval.by == request.by:
            args = {"person": request.by, "other": names[index], "step": step}
            out.append(problem(path, item.line("approval"), "error", "STEP_SAME_PERSON", **args))
    return kept, out


def rewrite(text: str, status: str | None, approvals: tuple[Approval, ...], listed: bool) -> str:
    """Replace the status line and the approval block of the front matter (a list of steps
    when `listed`, else one mapping); no status line when `status` is None (a record)."""
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    head, rest = lines[1:end], lines[end:]
    kept: list[str] = []
    skipping = False
    for line in head:
        key = _TOP_KEY.match(line)
        if key:
            skipping = key.group(1) in ("approval", "status")
        elif skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        else:
            skipping = False
        if not skipping:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    block = ([f"status: {status}"] if status is not None else []) + ["approval:"]
    for approval in approvals:
        block += _entry(approval, "  - " if listed else "  ", "    " if listed else "  ")
    return "\n".join(["---", *kept, *block, *rest])


def _entry(approval: Approval, first: str, indent: str) -> list[str]:
    """One approval's lines: step, by, at, hash, reason, then the signature as a literal block."""
    fields = [("step", approval.step), ("by", approval.by), ("at", approval.at.isoformat(timespec="seconds"))]
    fields += [("hash", f'"{approval.hash}"' if approval.hash else None)]
    fields += [("reason", json.dumps(approval.reason, ensure_ascii=False) if approval.reason else None)]
    lines = [f"{key}: {value}" for key, value in fields if value is not None]
    if approval.signature:
        lines.append("signature: |")
        lines += ["  " + line for line in approval.signature.strip().split("\n")]
    return [(first if index == 0 else indent) + line for index, line in enumerate(lines)]


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    if args.settings:  # a settings administrator signs the site settings
        from site_builder.commands import settings

        return settings.run(args, root, now)
    if args.path is None or not args.by:
        console.say(word("approve needs the item's file and --by PERSON", args.lang), sys.stderr)
        return console.EXIT_USAGE
    config = console.site_config(root, args)
    if config is None:
        return console.EXIT_PROBLEMS
    if is_link(root / "content"):  # the approval would be written wherever it leads
        console.show([symlink(root, root / "content")], args)
        return console.EXIT_PROBLEMS
    target = args.path if args.path.is_absolute() else Path.cwd() / args.path
    content_dir = (root / "content").resolve()
    try:
        rel = target.resolve().relative_to(content_dir).as_posix()
    except ValueError:
        rel = ""
    if not rel.endswith(".md") or not target.is_file() or target.is_symlink():
        console.show([problem(str(args.path), 0, "error", "FILE_NOT_FOUND")], args)
        return console.EXIT_PROBLEMS
    try:  # without an offset, like every date an editor writes: the site's time zone
        at = moments.parse(args.at, "--at", config.tz) if args.at else now
    except moments.BadMoment as exc:
        exc.say(args.lang)
        return console.EXIT_USAGE
    if at > now:  # a future approval would take a live page down until that moment
        console.say(
            word("--at is in the future: an approval is recorded when it is given", args.lang),
            sys.stderr,
        )
        return console.EXIT_USAGE
    source, problems = read_source(content_dir, rel)
    if rel.split("/")[0] == MONITORING_SECTION:  # internal: nothing of it is ever published
        source, problems = None, [problem("content/" + rel, 0, "error", "APPROVE_MONITORING")]
    request = Request(args.by, at, args.step, args.reason)
    done, problems = approve(source, config, request, now) if source else (None, problems)
    key: Path | sshsig.PublicKey | None = None
    if done is not None:
        key, problems = _key(done, config, args)
    if done is None or problems:
        console.show(problems, args)
        return console.EXIT_PROBLEMS
    _summary(done, config, args, key)
    if not args.yes and not console.confirmed(args):
        return console.EXIT_PROBLEMS
    if key is not None:
        try:
            done = _signed(done, config, key)
        except signer.SignError as exc:
            console.show([exc.problem], args)
            return console.EXIT_PROBLEMS
    target.write_text(done.text, encoding="utf-8")
    following = done.steps[len(done.approvals)] if len(done.approvals) < len(done.steps) else None
    if following is None:
        console.say(word("approved", args.lang))
    else:
        console.say(word("approved; the next step is {step}", args.lang).format(step=following))
    return console.EXIT_OK


def _key(
    done: Approved, config: Config, args: argparse.Namespace
) -> tuple[Path | sshsig.PublicKey | None, list[Problem]]:
    """What signs this approval: `--key`, else a key of the approver valid that day that
    ssh-agent holds (unless the type's signatures are off); None when nothing does, which
    a type that requires signatures refuses."""
    path = "content/" + done.item.source
    mode = config.rules.for_type(done.item.kind).signatures
    key: Path | sshsig.PublicKey | None = None
    if args.key is not None:
        key = args.key.expanduser()
    elif mode != "off":
        key = signer.in_agent(_keys_of(config, args.by, done.approvals[-1].at))
    if key is None and mode == "required":
        return None, [problem(path, 0, "error", "SIGN_NO_KEY", kind=done.item.kind, person=args.by)]
    if key is not None and signer.keygen() is None:
        return None, [signer.missing(path)]
    return key, []


def _keys_of(config: Config, person_id: str, at: datetime) -> list[sshsig.PublicKey]:
    """The person's keys valid on that day (in the site's time zone)."""
    person = config.person(person_id)
    day = at.astimezone(config.tz).date()
    entries = person.keys if person is not None else []
    return [entry.public for entry in entries if entry.public is not None and entry.valid_on(day)]


def _signed(done: Approved, config: Config, key: Path | sshsig.PublicKey) -> Approved:
    """The approval signed with `key`, if that is a key of the approver valid that day and
    the signature verifies; else SignError."""
    path, approval = "content/" + done.item.source, done.approvals[-1]
    armored = signer.sign(done.message(), key, path)
    label = str(key) if isinstance(key, Path) else key.fingerprint
    try:
        signature = sshsig.read_signature(armored)
    except sshsig.Invalid as exc:
        raise signer.SignError(problem(path, 0, "error", "SIGN_FAILED", key=label, detail=str(exc))) from None
    if signature.key.blob not in {k.blob for k in _keys_of(config, approval.by, approval.at)}:
        day = approval.at.astimezone(config.tz).date()
        args = {"fingerprint": signature.key.fingerprint, "person": approval.by, "day": day}
        raise signer.SignError(problem(path, 0, "error", "SIGN_KEY_NOT_LISTED", **args))
    if not sshsig.verify(signature, done.message()):
        detail = "the signature does not verify"
        raise signer.SignError(problem(path, 0, "error", "SIGN_FAILED", key=label, detail=detail))
    return done.signed(armored)


def _publication(done: Approved, config: Config, lang: str) -> str:
    """When the item goes out: its `date:`, or when this approval completes it (a record: —)."""
    item = done.item
    if not isinstance(item.meta, Common):
        return "—"
    if item.on_approval and len(done.approvals) == len(done.steps):
        return fmt(done.approvals[-1].at, config) + " " + word("(when approved)", lang)
    if item.on_approval:
        return word("when the last step is approved", lang)
    return fmt(item.meta.date, config)


def _summary(
    done: Approved, config: Config, args: argparse.Namespace, key: Path | sshsig.PublicKey | None
) -> None:
    item, at, lang = done.item, done.approvals[-1].at, args.lang
    person = config.person(args.by)
    if key is None:
        signing = word("not signed", lang)
    else:
        signing = str(key) if isinstance(key, Path) else f"{key.fingerprint} (ssh-agent)"
    number = len(done.approvals)
    rows = [
        ("Item", "content/" + item.source),
        ("Type", item.kind),
        ("Title", item.title),
        ("Author", item.meta.author or "—"),
        ("Publication date", _publication(done, config, lang)),
        (
            "Step",
            word("{step} ({number} of {total})", lang).format(
                step=done.step, number=number, total=len(done.steps)
            ),
        ),
        ("Approver", f"{person.name if person else args.by} ({args.by}), {fmt(at, config)}"),
        ("Content hash", done.digest),
        ("Signature", signing),
    ]
    for label, value in rows:
        console.say(f"{word(label, lang):>16}: {value}")
