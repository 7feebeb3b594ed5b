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
    # the gate on a built site (commands/gate.py)
    "GATE_NO_OUTPUT": (
        "there is no built site at {target}",
        "Build it first (site-builder build), or give the folder of the built site: site-builder verify FOLDER.",
    ),
    "GATE_LINK_BROKEN": (
        "the link '{href}' leads to no file of the site ({target} does not exist)",
        "If the page shows an item, correct the link in its text (a link to another item is to its .md file, "
        "a file beside the item by its own name); otherwise correct the template or the static/ file that "
        "makes it.",
    ),
    "GATE_LINK_FRAGMENT": (
        "the link '{href}' leads to #{fragment}, but {target} has no element with that id",
        "Correct the part after #, or give the heading or element the page should scroll to that id.",
    ),
    "GATE_LINK_OUTSIDE": (
        "the link '{href}' leaves the site's address (its pages are under {base}): the host would not find it",
        "A site published under a path (e.g. https://org.github.io/press/) needs every link under it: in a "
        "template, write addresses with the site's URL filters instead of a leading /.",
    ),
    "GATE_HTML_INVALID": (
        "the HTML is not valid: {message}",
        "The Nu Html Checker's words (in English) say what is wrong at this line. If the markup came from an "
        "item's text (HTML in its Markdown), correct the item; otherwise correct the template.",
    ),
    "GATE_ACCESSIBILITY": (
        "accessibility: {help} (axe rule {rule}, {impact}) at {element}",
        "See {url}. If the element came from an item's text (an image without a description, a table, a "
        "link without words), correct the item; otherwise correct the template.",
    ),
    "GATE_TOOL_FAILED": (
        "the check of {check} could not run: {detail}",
        "The tool is installed but failed: run .ci/install-browser-deps.sh again, or see its message. "
        "A check that did not run is not passed.",
    ),
}
