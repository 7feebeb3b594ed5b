"""Attachments (what a published file holds besides what it shows) and a public repository."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "ATTACHMENT_MARKER": (
        "restricted-information marker «{marker}» in the attachment ({where} {number})",
        "Remove the restricted information from the file and commit it again, or set confidentiality: restricted on the item so neither it nor its files are published.",
    ),
    "ATTACHMENT_TRACKED_CHANGES": (
        "the attachment holds tracked changes: deleted text and the names of who changed what are in the file",
        "Open it, accept or reject every change (Review → Accept all changes), turn tracking off, save and commit it again. The build does not remove them itself: that would change what the document says.",
    ),
    "ATTACHMENT_COMMENTS": (
        "the attachment holds comments, each with its author's name",
        "Open it, delete every comment (Review → Delete all comments in document), save and commit it again. The build does not remove them itself: a comment may say what the text does not.",
    ),
    "ATTACHMENT_ENCRYPTED": (
        "the attachment is protected by a password: it cannot be checked for restricted information",
        "Publish a copy without a password (readers could not open it either), or remove it from the item's folder.",
    ),
    "ATTACHMENT_DAMAGED": (
        "the attachment cannot be read, so it cannot be checked for restricted information ({reason})",
        "Open it in the program that made it and save (or export to PDF) it again; check that the file is what its name says.",
    ),
    "ATTACHMENT_TOO_LARGE": (
        "the attachment is too large to be checked for restricted information ({reason})",
        "Split it into smaller files, or reduce its pictures; a file over 100 MB, or one that unpacks to more than 256 MB, is not read.",
    ),
    "ATTACHMENT_METADATA_KEPT": (
        "the attachment is signed or encrypted, so it is published with its metadata ({fields})",
        "Removing them would break the signature or the protection. If the names must not be public, remove them before signing (File → Properties) and sign again.",
    ),
    "ATTACHMENT_NOT_SCANNED": (
        "attachments in {format} format are not checked for restricted information or metadata",
        "Publish it as PDF, DOCX or ODT (pictures as JPEG or PNG), or check it by hand before the approval: nothing in it is looked at.",
    ),
    "PUBLIC_REPOSITORY_RESTRICTED": (
        "a restricted item in a public repository: anyone who can read the repository can read it",
        "rules.public_repository is true: keep restricted items out of this repository (in a private one), or, if the repository is in fact private, set rules.public_repository: false.",
    ),
}
