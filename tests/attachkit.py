"""Small attachment files made in the tests: DOCX, ODT, PDF, JPEG and PNG, with the text,
metadata, tracked changes and comments a test asks for (a plain module: see sitekit.py)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pypdf
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

# The least PDF a reader opens (one empty page; the reader rebuilds the missing xref table):
# tests that only need "a PDF attachment" add a comment line of their own after it.
MINI_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
    b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\ntrailer<</Root 1 0 R>>\n"
    b"startxref\n0\n%%EOF\n"
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def _zip(parts: dict[str, str | bytes], stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            kind = zipfile.ZIP_STORED if stored or name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2026, 11, 17, 12, 0, 0)), data, compress_type=kind)
    return out.getvalue()


def docx(
    *paragraphs: str,
    creator: str = "",
    editor: str = "",
    header: str = "",
    tracked: bool = False,
    comment: str = "",
    photo: bytes = b"",
    stored: bool = False,
) -> bytes:
    """A Word document with these paragraphs (and what the keywords add)."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    if tracked:
        body += (
            '<w:p><w:del w:id="1" w:author="Иванов"><w:r><w:delText>старое</w:delText></w:r></w:del></w:p>'
        )
    if comment:
        body += '<w:p><w:r><w:commentReference w:id="0"/></w:r></w:p>'
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
    }
    if header:
        parts["word/header1.xml"] = f'<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>{header}</w:t></w:r></w:p></w:hdr>'
    if comment:
        parts["word/comments.xml"] = (
            f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Иванов">'
            f"<w:p><w:r><w:t>{comment}</w:t></w:r></w:p></w:comment></w:comments>"
        )
    if creator or editor:
        parts["docProps/core.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>График</dc:title><dc:creator>{creator}</dc:creator>"
            f"<cp:lastModifiedBy>{editor}</cp:lastModifiedBy></cp:coreProperties>"
        )
    if photo:
        parts["word/media/image1.jpeg"] = photo
    return _zip(parts, stored)


ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def odt(*paragraphs: str, creator: str = "", tracked: bool = False, comment: str = "") -> bytes:
    """An OpenDocument text with these paragraphs (and what the keywords add)."""
    body = "".join(f"<text:p>{text}</text:p>" for text in paragraphs)
    if tracked:
        body = (
            '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info>'
            "<dc:creator>Иванов</dc:creator></office:change-info><text:p>старое</text:p></text:deletion>"
            "</text:changed-region></text:tracked-changes>" + body
        )
    if comment:
        body += (
            "<text:p><office:annotation><dc:creator>Иванов</dc:creator>"
            f"<text:p>{comment}</text:p></office:annotation></text:p>"
        )
    namespaces = (
        f'xmlns:office="{ODF_OFFICE}" xmlns:text="{ODF_TEXT}" xmlns:dc="http://purl.org/dc/elements/1.1/"'
    )
    parts: dict[str, str | bytes] = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "META-INF/manifest.xml": (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            "</manifest:manifest>"
        ),
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces}>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>",
    }
    if creator:
        parts["meta.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {namespaces} '
            'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
            f"<meta:initial-creator>{creator}</meta:initial-creator><dc:creator>{creator}</dc:creator>"
            "<dc:title>План</dc:title></office:meta></office:document-meta>"
        )
    return _zip(parts)


def pdf(
    text: str, *, author: str = "", title: str = "", note: str = "", password: str = "", signed: bool = False
) -> bytes:
    """A one-page PDF showing `text` (any Unicode: the font maps its codes by a ToUnicode map);
    `signed`: with a signature field (whose signature no one checks here)."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(300, 300)
    chars = sorted(set(text)) or [" "]
    codes = {c: i + 1 for i, c in enumerate(chars)}
    pairs = "\n".join(f"<{codes[c]:02x}> <{ord(c):04x}>" for c in chars)
    to_unicode = DecodedStreamObject()
    to_unicode.set_data(
        (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            "1 begincodespacerange <00> <ff> endcodespacerange "
            f"{len(chars)} beginbfchar\n{pairs}\nendbfchar endcmap "
            "CMapName currentdict /CMap defineresource pop end end"
        ).encode()
    )
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/ToUnicode"): writer._add_object(to_unicode),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    shown = "".join(f"{codes[c]:02x}" for c in text)
    content.set_data(f"BT /F1 12 Tf 20 200 Td <{shown}> Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.metadata = None
    info = {"/Author": author, "/Creator": "Microsoft Word" if author else "", "/Title": title}
    if any(info.values()):
        writer.add_metadata({k: v for k, v in info.items() if v})
    if note:
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Text"),
                NameObject("/Rect"): ArrayObject([NumberObject(10)] * 4),
                NameObject("/Contents"): TextStringObject(note),
                NameObject("/T"): TextStringObject("Иванов"),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    if signed:
        signature = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Sig"),
                NameObject("/ByteRange"): ArrayObject([NumberObject(0)] * 4),
            }
        )
        field = DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject("signature"),
                NameObject("/V"): writer._add_object(signature),
            }
        )
        fields = ArrayObject([writer._add_object(field)])
        form = {NameObject("/Fields"): fields, NameObject("/SigFlags"): NumberObject(3)}
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject(form)
    if password:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def exif(orientation: int = 6, artist: str = "", gps: bool = True) -> bytes:
    """A big-endian TIFF structure: orientation, maybe an artist and a GPS directory."""
    entries = [(0x0112, 3, 1, struct.pack(">HH", orientation, 0))]
    extra = b""
    count = 1 + bool(artist) + gps
    after = 8 + 2 + 12 * count + 4  # where data past the first directory starts
    if artist:
        text = artist.encode() + b"\x00"
        entries.append((0x013B, 2, len(text), struct.pack(">I", after + len(extra))))
        extra += text
    if gps:
        entries.append((0x8825, 4, 1, struct.pack(">I", after + len(extra))))
        extra += struct.pack(">H", 1) + struct.pack(">HHI", 1, 2, 2) + b"N\x00\x00\x00" + struct.pack(">I", 0)
    ifd = struct.pack(">H", len(entries)) + b"".join(
        struct.pack(">HHI", t, k, n) + v for t, k, n, v in entries
    )
    return b"MM\x00\x2a" + struct.pack(">I", 8) + ifd + struct.pack(">I", 0) + extra


SCAN_DATA = b"\x12\x34\xff\x00\x56" * 20  # stands for the image data: kept byte for byte


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def jpeg(tiff: bytes = b"", xmp: str = "", comment: str = "") -> bytes:
    """A JPEG's segments around stand-in image data (no viewer needed: only the segments are read)."""
    out = b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if tiff:
        out += _segment(0xE1, b"Exif\x00\x00" + tiff)
    if xmp:
        out += _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp.encode())
    if comment:
        out += _segment(0xFE, comment.encode())
    out += _segment(0xE2, b"ICC_PROFILE\x00\x01\x01profile")
    out += _segment(0xDB, bytes(65)) + _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    return out + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + SCAN_DATA + b"\xff\xd9"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I4s", len(data), kind) + data + struct.pack(">I", zlib.crc32(kind + data))


def png(text: dict[str, str] | None = None, private: bytes = b"") -> bytes:
    """A 1×1 PNG, with tEXt fields and a private chunk (kept as it is) if asked."""
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    for key, value in (text or {}).items():
        out += _chunk(b"tEXt", key.encode("latin-1") + b"\x00" + value.encode("latin-1"))
    if private:
        out += _chunk(b"prVt", private)
    return out + _chunk(b"IDAT", zlib.compress(b"\x00\x00")) + _chunk(b"IEND", b"")
