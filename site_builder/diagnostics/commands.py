"""What the approve and new commands refuse, and git's record of who approved
(rules.verify_git)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "APPROVE_RESTRICTED": (
        "a restricted item cannot be approved for publication",
        "Set confidentiality: public first, if the information may be published.",
    ),
    "CORRECTION_REQUIRED": (
        "this item is already published and its text changed since the approval of {at}",
        "Add a corrections entry (at, note) that tells readers what changed, then approve again.",
    ),
    "FILE_NOT_FOUND": (
        "no such content file",
        "Give the path of a .md file under content/.",
    ),
    "GIT_SHALLOW": (
        "the git history is shallow: approvals cannot be verified",
        "Fetch the full history, e.g. 'git fetch --unshallow' (in GitHub Actions: actions/checkout with fetch-depth: 0).",
    ),
    "GIT_UNAVAILABLE": (
        "rules.verify_git is on but {detail}",
        "Run the build inside the site's git repository with git installed.",
    ),
    "GIT_APPROVER_MISMATCH": (
        "the approval by {by} was committed by {email}, which is not an e-mail of {by}",
        "The approver must commit their approval themselves; add the address to people[].emails if it is theirs.",
    ),
    "GIT_APPROVAL_UNCOMMITTED": (
        "the approval of this item is not committed",
        "Commit the approval before publishing.",
    ),
    "INIT_NOT_EMPTY": (
        "{dir} is not empty ({count} entries, such as {first}): a new site is made only in a new or empty folder",
        "Give the name of a new folder, e.g. site-builder init press-site; nothing was written.",
    ),
    "INIT_NOT_A_FOLDER": (
        "{dir} is a file, not a folder",
        "Give the name of a new folder, e.g. site-builder init press-site; nothing was written.",
    ),
    "NEW_EXISTS": (
        "this file already exists; it was not overwritten",
        "Open and edit it, or give another title or --slug NAME.",
    ),
    "NEW_BAD_TITLE": (
        "the title must be 1 to 300 characters (it has {length})",
        'Pass the title in quotes: site-builder new press-release "Заголовок".',
    ),
    "NEW_BAD_DATE": (
        "--date is not an ISO date-time: '{value}'",
        "Write it like 2026-11-25T10:00 (site time zone) or 2026-11-25.",
    ),
    "NEW_NO_SLUG": (
        "cannot make a Latin file name from the title '{title}'",
        "Pass one with --slug, e.g. --slug city-budget-2027.",
    ),
}
