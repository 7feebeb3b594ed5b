"""`site-builder verify`: what it finds wrong with a page's signed approvals, and what
keeps it from checking them at all (a page or keys it cannot read or download)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # nothing could be verified (exit code 2)
    "VERIFY_NOT_FOUND": (
        "no such page file or folder: {target}",
        "Give a page's address (https://…), a saved page (.html) or a folder of a built site.",
    ),
    "VERIFY_BAD_ADDRESS": (
        "'{target}' is not an http:// or https:// address",
        "Give the page's address as the browser shows it, e.g. https://press.example.kg/press-releases/name/.",
    ),
    "VERIFY_UNREADABLE": (
        "cannot read {target}: {detail}",
        "Check the file and its permissions. Nothing was verified.",
    ),
    "VERIFY_FETCH_FAILED": (
        "could not download {url}: {detail}",
        "Check the address and the network connection, then try again. Nothing was verified.",
    ),
    "VERIFY_TOO_LARGE": (
        "{target} is larger than {limit}: it is not a page or keys file of a site",
        "Check the address or the file.",
    ),
    "VERIFY_NO_KEYS": (
        "no keys to verify with: no keys/allowed_signers was found for {target}",
        "Pass the keys of the site the page claims to be from: --keys https://SITE/keys/allowed_signers (or a downloaded copy).",
    ),
    "VERIFY_KEYS_UNREADABLE": (
        "line {number} of the keys {keys} cannot be read: {why}",
        "Download the keys again from the site's /keys/ page: allowed_signers.",
    ),
    "VERIFY_KEYS_ELSEWHERE": (
        "the page takes its keys from {keys}, another site than its own ({origin})",
        "Verify it with the keys of the site you trust: --keys https://SITE/keys/allowed_signers.",
    ),
    # the page is not validly signed (exit code 1)
    "VERIFY_UNSIGNED": (
        "the page carries no signed approval",
        "A signed publication carries its approvals (approval.txt, approval.sig next to its page). Without them the page is no approved publication, or its type is published unsigned.",
    ),
    "VERIFY_RECORD_MALFORMED": (
        "the page's approval data cannot be read: {why}",
        "Download the page again from the site: a page changed after publication cannot be verified.",
    ),
    "VERIFY_ELSEWHERE": (
        "the page says it is {claimed}, but it was read from {actual}",
        "Only the page at its own address is approved: open that one and compare.",
    ),
    "VERIFY_MESSAGE_MALFORMED": (
        "approval {number}: the signed message is not a site-builder approval",
        "Download the page again from the site; a changed page cannot be verified.",
    ),
    "VERIFY_MESSAGE_MISMATCH": (
        "approval {number}: the signed message has {field} '{signed}', but the page has '{page}'",
        "The signature was made for another page, language, step or text: this page is not approved as it is.",
    ),
    "VERIFY_SIGNATURE_MALFORMED": (
        "approval {number}: the signature cannot be read: {why}",
        "Download the page again from the site; a changed page cannot be verified.",
    ),
    "VERIFY_NAMESPACE": (
        "approval {number}: the signature was made for another purpose (namespace '{namespace}')",
        "Approvals are signed with the namespace site-builder-approval: this is no approval of the site.",
    ),
    "VERIFY_KEY_UNLISTED": (
        "approval {number}: it was signed with key {fingerprint}, which the site's keys ({keys}) do not list",
        "Only a key the site publishes at /keys/ makes a valid approval: this one is not valid.",
    ),
    "VERIFY_KEY_OTHER_PERSON": (
        "approval {number}: it names {by}, but was signed with the key of {owner} ({fingerprint})",
        "Each approver signs with their own key: this approval is not valid.",
    ),
    "VERIFY_KEY_WINDOW": (
        "approval {number}: key {fingerprint} of {by} was not valid at {at} (valid {start} – {end}, UTC)",
        "A key signs only in its window, which /keys/ shows: this approval is not valid.",
    ),
    "VERIFY_SIGNATURE_BAD": (
        "approval {number}: the signature of {by} does not match the signed message",
        "The message or the signature changed after signing, or the signature is forged: this approval is not valid.",
    ),
}
