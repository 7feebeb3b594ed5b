"""Signatures for readers: each signed page's approval files next to it (approval.txt, the
exact signed message, and approval.sig), and the approvers' keys, with their windows and
the keys that have ended: keys/allowed_signers for ssh-keygen and a /keys/ page per
language that says how to verify a publication in three commands.

The keys are published only when config.yaml lists any; a key's comment (often
user@host) is left out.  Which pages carry approvals is view/signed.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from site_builder.load import allowed
from site_builder.load.config import TYPES, Config, Division
from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.feeds import page_feeds
from site_builder.outputs.render import render as template
from site_builder.outputs.sitedata import SiteData
from site_builder.view.signed import ALLOWED_SIGNERS, KEYS_PAGE, shown, signed_entries
from site_builder.view.site import Site


def published_keys(config: Config) -> bool:
    """Whether the site publishes keys (any person has one)."""
    return any(person.keys for person in config.people)


def paths(site: Site, root: Path) -> Planned:
    config = site.config
    if published_keys(config):
        yield ALLOWED_SIGNERS, None
        for lang in config.languages:
            yield lang_prefix(site, lang) + KEYS_PAGE + "index.html", None
    base = len(config.base_path)
    for entry in signed_entries(site):
        for one in shown(entry, config):
            for name in one.files:
                yield entry.url[base:] + name, None


def render(site: Site, ctx: Context) -> Files:
    config = site.config
    out: Files = {}
    base = len(config.base_path)
    for entry in signed_entries(site):
        for one in shown(entry, config):
            message, signature = one.files
            out[entry.url[base:] + message] = one.message.encode("utf-8")
            out[entry.url[base:] + signature] = one.signature.encode("ascii")
    if not published_keys(config):
        return out
    out[ALLOWED_SIGNERS] = allowed_signers(config).encode("utf-8")
    people = approvers(config, site.now.astimezone(config.tz).date())
    multi = any(config.rules.for_type(kind).steps for kind in TYPES)
    view = SiteData.of(site)
    for lang in config.languages:
        prefix = lang_prefix(site, lang)
        page = config.base_path + prefix + KEYS_PAGE
        out[prefix + KEYS_PAGE + "index.html"] = template(
            ctx.env(lang),
            "keys.html",
            approvers=people,
            keys_url=config.origin + config.base_path + ALLOWED_SIGNERS,
            example=config.origin + config.base_path,
            several_steps=multi,
            page_url=page,
            feeds=page_feeds(site, lang),
            base=config.base_path + prefix,
            prefix=prefix,
            site_data=view,
        )
    return out


@dataclass(frozen=True)
class KeyShown:
    """One of an approver's keys as the /keys/ page lists it."""

    kind: str
    text: str  # type and base64, without the comment
    fingerprint: str
    start: date | None
    end: date | None
    state: str  # valid, ended or future (on the day of the build)


@dataclass(frozen=True)
class Approver:
    id: str
    name: str
    position: str
    division: Division | None
    keys: tuple[KeyShown, ...]


def approvers(config: Config, today: date) -> list[Approver]:
    """Every person with keys, in config.yaml's order, each key with its window."""
    out = []
    for person in config.people:
        keys = []
        for entry in person.keys:
            if entry.public is None:
                continue  # never in a site that builds: parse_config refuses it
            state = "valid"
            if entry.to is not None and entry.to < today:
                state = "ended"
            elif entry.from_ is not None and today < entry.from_:
                state = "future"
            key = entry.public
            keys.append(KeyShown(key.kind, key.text, key.fingerprint, entry.from_, entry.to, state))
        if keys:
            division = config.division(person.division)
            out.append(Approver(person.id, person.name, person.position, division, tuple(keys)))
    return out


def allowed_signers(config: Config) -> str:
    """The approvers' keys for `ssh-keygen -Y verify -f allowed_signers`, each with its window."""
    lines = [
        f"# {' '.join(config.site.title.split())} — {config.origin}{config.base_path}{KEYS_PAGE}",
        "# ssh-keygen -Y verify -f allowed_signers -I PERSON -n site-builder-approval"
        " -s approval.sig < approval.txt",
        "# valid-after / valid-before: the days of each key in the site's time zone"
        f" ({config.site.timezone}), in UTC.",
    ]
    for person in config.people:
        for entry in person.keys:
            if entry.public is not None:
                start, end = allowed.window(entry.from_, entry.to, config.tz)
                lines.append(allowed.line(person.id, entry.public, start, end))
    return "\n".join(lines) + "\n"
