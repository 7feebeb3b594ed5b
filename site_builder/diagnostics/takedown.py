"""A published page leaves only by withdrawal or by a redirect: the take-downs that would
make one disappear silently, and the aliases (old addresses) that redirect."""

from __future__ import annotations

_WITHDRAW = "withdraw it (status: withdrawn with withdrawn: at, reason): its address then shows the title and the public reason"

CODES: dict[str, tuple[str, str]] = {
    "RESTRICTED_TAKES_DOWN": (
        "this item went out on {went} (approved by {by} on {at}); confidentiality: restricted would take its page down",
        "A published page never disappears silently: to take it down, " + _WITHDRAW + ".",
    ),
    "WITHDRAWAL_TAKES_DOWN": (
        "withdrawn at {withdrawn}, before its date {date}, but it went out on {went} (approved by {by} on {at}): its page would disappear without a notice",
        "Date the withdrawal when it is made (withdrawn.at at or after {went}), so the page shows the withdrawal notice. "
        "A withdrawal before the date is for an item that never went out, which git history shows.",
    ),
    "HELD_TAKES_DOWN": (
        "this item went out on {went} (approved by {by} on {at}), but as the file is now it would not be published: its page would disappear",
        "Restore its approved version (date and approval), have the change approved with a corrections entry, or "
        + _WITHDRAW
        + ".",
    ),
    "DELETED_TAKES_DOWN": (
        "this file was deleted, but {url} went out on {went} (approved by {by} on {at}): the page would disappear",
        "Restore the file and "
        + _WITHDRAW
        + '; or, if another item replaces it, add aliases: ["{alias}"] to that item.',
    ),
    "MOVED_TAKES_DOWN": (
        "this file was moved to {to}, but its address {url} went out on {went} (approved by {by} on {at}): the old address would disappear",
        'Add aliases: ["{alias}"] to {to}, so the old address redirects to the new one.',
    ),
    "ALIAS_BAD": (
        "aliases: «{value}» is not an address on this site",
        "Write the old address as a path from the site's root, e.g. /press-releases/old-name/ "
        "(letters, digits and . _ ~ - between the slashes; a page may end in .html).",
    ),
    "ALIAS_COLLISION": (
        "aliases: {alias} is already taken by {other}",
        "An alias is an old address that now redirects here: it may not be, or lie under, the address of a current item, "
        "nor be another item's alias.",
    ),
    "HISTORY_UNKNOWN": (
        "no git history (not a repository, a shallow clone, or content/ never committed): a published item that was deleted or renamed cannot be found, and an approved item whose date has passed counts as published; item pages show only their current version, and no publication log is published",
        "Build from a full clone of the site's repository (in GitHub Actions: actions/checkout with fetch-depth: 0).",
    ),
}
