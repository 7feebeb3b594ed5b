"""PDF attachments (pypdf): their text, who made them, comments, and a copy without the names.

- **text**, page by page (and the text of annotations), for the restricted-marker check;
- **metadata** a published copy drops: the document information's Author, Creator and
  Producer, and the same in its XMP packet (dc:creator, xmp:CreatorTool, pdf:Producer),
  which the copy keeps otherwise, so a PDF/A stays one;
- **comments** (sticky notes, highlights, strike-outs: markup annotations, each with its
  author): refused, as dropping them could drop the only place a remark was made;
- **signed or encrypted** PDFs are published as they are: a rewrite would break the
  signature or the protection, so their metadata stays (a warning says which).

Every failure of the parser on a damaged file is reported as one, with its reason.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable
from typing import TypeVar

import pypdf
from lxml import etree
from pypdf.errors import DependencyError, FileNotDecryptedError
from pypdf.generic import NameObject

from site_builder.load.office import Found, Unreadable

MOST_PAGES = 5000
DROPPED_INFO = ("/Author", "/Creator", "/Producer")  # the first two alone make a copy: see `_read`
SHOWN_INFO = ("/Title", "/Subject", "/Keywords")
DROPPED_XMP = (
    "{http://purl.org/dc/elements/1.1/}creator",
    "{http://ns.adobe.com/xap/1.0/}CreatorTool",
    "{http://ns.adobe.com/pdf/1.3/}Producer",
)
# Markup annotations: remarks on the document, each with its author (ISO 32000 12.5.6.2).
COMMENTS = {"/Text", "/Popup", "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Caret"}

T = TypeVar("T")
logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is reported, not logged


def _reader(data: bytes) -> pypdf.PdfReader:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # protected against editing only: anyone can read it
        except (DependencyError, NotImplementedError):
            opened = 0
        if not opened:
            raise Unreadable("encrypted")
    return reader


def read(data: bytes) -> Found:
    """Everything the check needs of a PDF (raises Unreadable)."""
    return _guarded(_read, data)


def cleaned(data: bytes) -> bytes:
    """The PDF without the metadata `read` finds; called only for one that is neither
    signed nor encrypted (see `Found.sealed`).  Raises Unreadable."""
    return _guarded(_cleaned, data)


def _guarded(work: Callable[[bytes], T], data: bytes) -> T:
    """`work` on a PDF, each way the parser can fail on a damaged file as Unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return work(data)
    except (Unreadable, MemoryError):
        raise
    except FileNotDecryptedError:
        raise Unreadable("encrypted") from None
    except RecursionError:
        raise Unreadable("damaged", "nested too deeply") from None
    except Exception as exc:  # a parser's every way to fail on a damaged file: reported
        raise Unreadable("damaged", f"{type(exc).__name__}: {exc}"[:200]) from None


def _read(data: bytes) -> Found:
    reader = _reader(data)
    found = Found(sealed=reader.is_encrypted or b"/ByteRange" in data)
    info = reader.metadata or {}
    # Who wrote it and with what; the program that made the PDF (Producer) goes with them,
    # but alone it names no one and is no reason to rewrite a file.
    found.metadata.update(key[1:] for key in DROPPED_INFO[:2] if str(info.get(key) or "").strip())
    shown = [str(info.get(key) or "") for key in SHOWN_INFO]
    found.texts += [("document properties, field", n, text) for n, text in enumerate(shown, 1) if text]
    xmp = _xmp(reader.trailer["/Root"])
    if xmp is not None and any(DROPPED_XMP[2] not in (e.tag, a) for e, a in _xmp_named(xmp)):
        found.metadata.add("XMP")
    if len(reader.pages) > MOST_PAGES:
        raise Unreadable("too large", f"{len(reader.pages)} pages")
    for number, page in enumerate(reader.pages, 1):
        found.texts.append(("page", number, page.extract_text() or ""))
        for annotation in page.get("/Annots") or ():
            annotation = annotation.get_object()
            if annotation.get("/Subtype") in COMMENTS:
                found.refused.add("comments")
            contents = annotation.get("/Contents")
            if contents:
                found.texts.append(("page", number, str(contents)))
    return found


def _xmp(root) -> etree._Element | None:
    stream = root.get("/Metadata")
    if stream is None:
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(stream.get_object().get_data(), parser)
    except etree.XMLSyntaxError:
        return None  # no reader shows a broken packet; a copy drops it (see `cleaned`)


def _xmp_named(xmp: etree._Element):
    """The XMP elements and attributes `DROPPED_XMP` names: (element, attribute or None)."""
    for element in xmp.iter():
        if element.tag in DROPPED_XMP:
            yield element, None
        for name in element.attrib:
            if name in DROPPED_XMP:
                yield element, name


def _cleaned(data: bytes) -> bytes:
    reader = _reader(data)
    writer = pypdf.PdfWriter(clone_from=reader)
    kept = {k: v for k, v in (writer.metadata or {}).items() if k not in DROPPED_INFO}
    writer.metadata = None
    if kept:
        writer.add_metadata(kept)
    stream = writer.root_object.get("/Metadata")
    xmp = _xmp(writer.root_object)
    if stream is not None and xmp is None:
        del writer.root_object[NameObject("/Metadata")]
    elif stream is not None and xmp is not None:
        for element, attribute in list(_xmp_named(xmp)):
            if attribute is not None:
                del element.attrib[attribute]
            elif element.getparent() is not None:
                element.getparent().remove(element)
        stream.get_object().set_data(etree.tostring(xmp.getroottree(), encoding="UTF-8"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
