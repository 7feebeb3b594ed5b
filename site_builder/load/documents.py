"""An attachment's format, and what the check and the published copy need of it, by format.

- DOCX, ODT (office.py): text of every paragraph, note, comment and property; drops the
  author, the last editor, company, manager …; refuses tracked changes and comments.
- PDF (pdfs.py): text of every page, annotation and the title; drops Author, Creator and
  Producer (in XMP too); refuses comments.
- JPEG, PNG (pictures.py): no text; drops the GPS location, owner, camera data, XMP, IPTC
  and comments.
- TXT, CSV, XML, JSON, HTML, SVG: the text of every line.

Other formats of documents and archives (DOC, XLSX, ZIP …) cannot be checked: `kind` says
so with "", and the check warns.  Pictures, audio and video of other formats are not
looked into (None).
"""

from __future__ import annotations

from site_builder.load import office, pictures
from site_builder.load.office import Found, Unreadable

MOST_BYTES = 100 << 20  # an attachment larger than this is not read (nor published cleaned)

KINDS = {
    ".docx": "DOCX",
    ".odt": "ODT",
    ".pdf": "PDF",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".txt": "text",
    ".csv": "text",
    ".xml": "text",
    ".json": "text",
    ".html": "text",
    ".htm": "text",
    ".svg": "text",
}
# Documents and archives that may hold text, in formats the check cannot read.
UNCHECKED = {
    ".doc", ".docm", ".dot", ".dotx", ".rtf", ".xls", ".xlsx", ".xlsm", ".ods", ".ppt", ".pptx",
    ".odp", ".odg", ".pages", ".numbers", ".key", ".epub", ".djvu", ".zip", ".rar", ".7z", ".tar",
    ".gz", ".tgz", ".tif", ".tiff", ".heic", ".webp",
}  # fmt: skip


def kind(name: str) -> str | None:
    """The format the check reads a file as ("DOCX", "PDF" …), "" for a document it cannot
    read, None for a file with nothing to check (an SVG, a video)."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix in KINDS:
        return KINDS[suffix]
    return "" if suffix in UNCHECKED else None


def read(name: str, data: bytes) -> Found:
    """What a file of a format `kind` names holds (raises office.Unreadable)."""
    found = kind(name)
    if found in ("DOCX", "ODT"):
        return office.read(data)
    if found == "PDF":
        from site_builder.load import pdfs  # pypdf takes longer to import than a build of a small site

        return pdfs.read(data)
    if found in ("JPEG", "PNG"):
        start = pictures.JPEG_START if found == "JPEG" else pictures.PNG_START
        if not data.startswith(start):
            raise Unreadable("damaged", f"not a {found} file")
        try:
            return Found(metadata=set(pictures.found(data)))
        except pictures.Damaged as exc:
            raise Unreadable("damaged", str(exc)) from None
    if found == "text":
        return Found(texts=[("line", n, line) for n, line in enumerate(_text(data).split("\n"), 1)])
    return Found()


def _text(data: bytes) -> str:
    """A text file as its reader's editor would show it: UTF-8, else the Windows Cyrillic
    code page an office in the region may still save in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", "replace")


def cleaned(name: str, data: bytes) -> bytes:
    """The file without the metadata `read` found (for a format that has any); raises
    office.Unreadable."""
    found = kind(name)
    if found in ("DOCX", "ODT"):
        return office.cleaned(data)
    if found == "PDF":
        from site_builder.load import pdfs

        return pdfs.cleaned(data)
    if found in ("JPEG", "PNG"):
        try:
            return pictures.cleaned(data)
        except pictures.Damaged as exc:
            raise Unreadable("damaged", str(exc)) from None
    return data


__all__ = ["Found", "Unreadable", "cleaned", "kind", "read"]
