"""Office documents (DOCX, ODT): their text, what they tell of their authors, a copy without it.

Both formats are zip archives of XML parts, read here with zipfile and lxml rather than
python-docx or odfpy: the check needs every part (headers, footers, notes, comments,
text boxes, the deleted text of tracked changes, the document properties), which those
libraries do not all expose, and the cleaned copy is the same archive with a few parts
rewritten.  Reading is bounded: a zip bomb or a huge part is refused by its unpacked size,
and no XML entity, DTD or network address is ever resolved.

What is found:

- **text**, paragraph by paragraph, for the restricted-marker check;
- **metadata** a published copy drops: the author and last editor, company and manager,
  the template's path, custom properties, the list of people who commented or changed it,
  and the location and camera data of embedded photos (pictures.py);
- **tracked changes and comments**, which cannot be dropped without changing what the
  document says (deleted text is still in the file; a comment may be the only place a
  remark was made): the document is refused until they are accepted or deleted;
- **a digital signature**: such a document is published as it is (a rewrite breaks it).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from site_builder.load import pictures

MOST_MEMBERS = 10_000
MOST_PART_BYTES = 64 << 20  # one part, unpacked
MOST_TOTAL_BYTES = 256 << 20  # every part read, unpacked

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"

# Per part: the elements a published copy drops, and what each tells.
DROPPED: dict[str, dict[str, str]] = {
    "docProps/core.xml": {
        f"{DC}creator": "author",
        f"{CORE}lastModifiedBy": "last modified by",
        f"{CORE}lastPrinted": "last printed",
    },
    "docProps/app.xml": {
        f"{APP}Company": "company",
        f"{APP}Manager": "manager",
        f"{APP}Template": "template",
        f"{APP}HyperlinkBase": "hyperlink base",
    },
    "meta.xml": {
        f"{META}initial-creator": "author",
        f"{DC}creator": "last modified by",
        f"{META}printed-by": "printed by",
        f"{META}template": "template",
        f"{META}user-defined": "custom properties",
    },
}
# Parts whose every child is personal: custom properties, the people who commented or edited.
EMPTIED = {"docProps/custom.xml": "custom properties", "word/people.xml": "people"}
TRACKED = (
    {
        f"{W}{name}"
        for name in (
            "ins",
            "del",
            "moveFrom",
            "moveTo",
            "rPrChange",
            "pPrChange",
            "sectPrChange",
            "tblPrChange",
        )
    }
    | {f"{W}{name}" for name in ("trPrChange", "tcPrChange", "numberingChange")}
    | {f"{TEXT}changed-region"}
)
COMMENTS = {f"{W}comment", f"{W}commentReference", f"{OFFICE}annotation"}
MAIN = {"word/document.xml", "content.xml"}
PROPERTIES = re.compile(r"^(docProps/.+|meta\.xml)$")
PARAGRAPHS = {f"{W}p", f"{TEXT}p", f"{TEXT}h"}
SIGNATURES = re.compile(r"^(_xmlsignatures/.+|META-INF/documentsignatures\.xml)$")
PHOTO = re.compile(r"\.(jpe?g|png)$", re.I)


class Unreadable(ValueError):
    """Why a document cannot be read: `kind` is "encrypted", "damaged" or "too large"."""

    def __init__(self, kind: str, reason: str = ""):
        super().__init__(reason or kind)
        self.kind, self.reason = kind, reason


@dataclass
class Found:
    """What one document holds (see the module doc)."""

    texts: list[tuple[str, int, str]] = field(default_factory=list)  # (where, number, text)
    metadata: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    sealed: bool = False


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Archive:
    """A zip archive read within the bounds above."""

    def __init__(self, data: bytes):
        if data.startswith(b"\xd0\xcf\x11\xe0"):  # a password-protected DOCX is an OLE file
            raise Unreadable("encrypted")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.members = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise Unreadable("damaged", str(exc)) from None
        if len(self.members) > MOST_MEMBERS:
            raise Unreadable("too large", f"{len(self.members)} parts")
        self.names = {info.filename for info in self.members}
        self.read_bytes = 0

    def read(self, name: str) -> bytes:
        try:
            with self.zip.open(name) as handle:
                data = handle.read(MOST_PART_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, ValueError, NotImplementedError, EOFError, OSError) as exc:
            if "encrypted" in str(exc):
                raise Unreadable("encrypted") from None
            raise Unreadable("damaged", f"{name}: {exc}") from None
        except zlib.error as exc:
            raise Unreadable("damaged", f"{name}: {exc}") from None
        self.read_bytes += len(data)
        if len(data) > MOST_PART_BYTES or self.read_bytes > MOST_TOTAL_BYTES:
            raise Unreadable("too large", name)
        return data

    def xml(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), _parser())
        except etree.XMLSyntaxError as exc:
            raise Unreadable("damaged", f"{name}: {exc}") from None


def read(data: bytes) -> Found:
    """Everything the check needs of a DOCX or ODT (raises Unreadable)."""
    archive = _Archive(data)
    if "META-INF/manifest.xml" in archive.names:
        manifest = archive.read("META-INF/manifest.xml")
        if b"encryption-data" in manifest:
            raise Unreadable("encrypted")
    if not archive.names & MAIN:
        raise Unreadable("damaged", "no word/document.xml or content.xml")
    found = Found(sealed=any(SIGNATURES.match(name) for name in archive.names))
    for info in archive.members:
        name = info.filename
        if PHOTO.search(name):
            found.metadata.update(f"photo: {what}" for what in _photo(archive, name))
        elif name.endswith(".xml") and not name.startswith("META-INF/"):
            _part(name, archive.xml(name), found)
    return found


def _photo(archive: _Archive, name: str) -> list[str]:
    try:
        return pictures.found(archive.read(name))
    except pictures.Damaged:
        return []  # a picture the document's own reader would not show either


def _part(name: str, root: etree._Element, found: Found) -> None:
    """One XML part's text, metadata, tracked changes and comments."""
    dropped = DROPPED.get(name, {})
    if name in EMPTIED and len(root):
        found.metadata.add(EMPTIED[name])
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag in dropped and (len(element) or (element.text or "").strip() or element.attrib):
            found.metadata.add(dropped[tag])
        elif tag in TRACKED:
            found.refused.add("tracked changes")
        elif tag in COMMENTS:
            found.refused.add("comments")
    if PROPERTIES.match(name):
        fields = [text for element in root.iter() if (text := _own_text(element))]
        found.texts += [("document properties, field", n, text) for n, text in enumerate(fields, 1)]
        return
    where = "paragraph" if name in MAIN else "outside the main text, paragraph"
    paragraphs = [p for p in root.iter(*PARAGRAPHS) if not _inside_paragraph(p)]
    found.texts += [(where, n, "".join(p.itertext())) for n, p in enumerate(paragraphs, 1)]
    if not paragraphs:  # a chart, a drawing, another part of text outside paragraphs
        text = " ".join(root.itertext())
        if text.strip():
            found.texts.append(("outside the main text, paragraph", 1, text))


def _own_text(element: etree._Element) -> str:
    return (element.text or "").strip() if isinstance(element.tag, str) and not len(element) else ""


def _inside_paragraph(element: etree._Element) -> bool:
    """A paragraph in a text box of another paragraph: its text is the outer one's too."""
    return any(parent.tag in PARAGRAPHS for parent in element.iterancestors())


def cleaned(data: bytes) -> bytes:
    """The document without the metadata `read` finds (tracked changes and comments are
    refused before a build gets here); the same archive, its other parts byte for byte."""
    archive = _Archive(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.members:
            name, part = info.filename, archive.read(info.filename)
            if name in DROPPED or name in EMPTIED:
                part = _dropped(name, archive.xml(name))
            elif PHOTO.search(name):
                with contextlib.suppress(pictures.Damaged):  # kept as it is: no reader shows it
                    part = pictures.cleaned(part)
            copy = zipfile.ZipInfo(name, info.date_time)
            copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
            copy.create_system, copy.comment = info.create_system, info.comment
            target.writestr(copy, part)
    return out.getvalue()


def _dropped(name: str, root: etree._Element) -> bytes:
    """A properties part without the elements `DROPPED` (or `EMPTIED`) names."""
    doomed = list(root) if name in EMPTIED else [e for e in root.iter() if e.tag in DROPPED[name]]
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    tree = root.getroottree()
    standalone = tree.docinfo.standalone
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=standalone)


__all__ = ["Found", "Unreadable", "cleaned", "read"]
