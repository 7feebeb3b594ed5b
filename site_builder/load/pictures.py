"""What a photo's metadata says of who took it and where, and a copy without it (JPEG, PNG).

A camera or a phone writes the place a photo was taken (EXIF GPS), the owner's name and
the camera's serial number into the file; a photo editor adds XMP and IPTC blocks (the
author, the place again, notes) and comments.  None of it shows in the picture.  The
published copy keeps the pixels, the colour profile and the orientation (so the photo is
not shown on its side) and drops the rest; the file in content/ is never changed.

Both formats are read segment by segment (JPEG) or chunk by chunk (PNG) with the standard
library: nothing in the image data is decoded.
"""

from __future__ import annotations

import struct
import zlib

JPEG_START = b"\xff\xd8"
PNG_START = b"\x89PNG\r\n\x1a\n"
EXIF_START = b"Exif\x00\x00"
XMP_START = b"http://ns.adobe.com/xap/1.0/\x00"

_GPS, _EXIF, _ORIENTATION = 0x8825, 0x8769, 0x0112
# Tags that name a person or a camera: Artist, XPAuthor, CameraOwnerName, BodySerialNumber,
# MakerNote (a maker's block: owner names and serial numbers among others).
_PERSONAL = {0x013B: "author", 0x9C9D: "author", 0xA430: "camera owner", 0xA431: "camera serial number"}
_MAKER_NOTE = 0x927C
_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}


class Damaged(ValueError):
    """The bytes are not the picture their name says."""


# Start-of-frame markers of a JPEG (baseline, progressive, lossless …): they give its size.
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def width(data: bytes) -> int | None:
    """A PNG's or a JPEG's width in pixels, read from its header (PNG's IHDR chunk, JPEG's
    start-of-frame segment); None for any other format.  Raises Damaged if it is cut short."""
    if data.startswith(PNG_START):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise Damaged("a PNG without its header chunk")
        return struct.unpack(">I", data[16:20])[0]
    if data.startswith(JPEG_START):
        for marker, payload in _segments(data)[0]:
            if marker in _JPEG_FRAMES and len(payload) >= 5:
                return struct.unpack(">H", payload[3:5])[0]
        raise Damaged("a JPEG without its frame header")
    return None


def found(data: bytes) -> list[str]:
    """What a JPEG or PNG tells that a published copy must not: e.g. ["GPS location",
    "author"]; [] for a clean one or another format."""
    if data.startswith(JPEG_START):
        return _jpeg_found(data)
    if data.startswith(PNG_START):
        return _png_found(data)
    return []


def cleaned(data: bytes) -> bytes:
    """The picture without what `found` reports (the same bytes when it reports nothing)."""
    if not found(data):
        return data
    if data.startswith(JPEG_START):
        return _jpeg_cleaned(data)
    return _png_cleaned(data)


# JPEG ------------------------------------------------------------------------------------


def _segments(data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """The marker segments before the image data (marker, payload), and where it starts."""
    out: list[tuple[int, bytes]] = []
    at = 2
    while True:
        while at < len(data) and data[at] != 0xFF:
            at += 1  # stray bytes between segments, which decoders skip too
        while at + 1 < len(data) and data[at + 1] == 0xFF:
            at += 1  # fill bytes
        if at + 4 > len(data):
            raise Damaged("a JPEG segment is cut short")
        marker = data[at + 1]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append((marker, b""))
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if length < 2 or at + 2 + length > len(data):
            raise Damaged("a JPEG segment is longer than the file")
        out.append((marker, data[at + 4 : at + 2 + length]))
        at += 2 + length
        if marker == 0xDA:  # start of scan: the image data follows
            return out, at


def _jpeg_found(data: bytes) -> list[str]:
    segments, _ = _segments(data)
    what: list[str] = []
    for marker, payload in segments:
        if marker == 0xE1 and payload.startswith(EXIF_START):
            what += _exif_found(payload[len(EXIF_START) :])
        elif marker == 0xE1 and payload.startswith(XMP_START):
            what.append("XMP")
        elif marker == 0xED:
            what.append("IPTC")
        elif marker == 0xFE:
            what.append("comment")
    return sorted(set(what))


def _jpeg_cleaned(data: bytes) -> bytes:
    segments, start = _segments(data)
    out = [JPEG_START]
    for marker, payload in segments:
        if marker == 0xE1 and payload.startswith(EXIF_START):
            payload = _exif_orientation_only(payload[len(EXIF_START) :])
            if not payload:
                continue
        elif marker in (0xE1, 0xED, 0xFE):  # XMP, Photoshop/IPTC, comments
            continue
        if payload or not (0xD0 <= marker <= 0xD7 or marker == 0x01):
            out.append(struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload)
        else:
            out.append(bytes((0xFF, marker)))
    out.append(data[start:])
    return b"".join(out)


# EXIF (a TIFF structure: also PNG's eXIf chunk) -----------------------------------------


def _ifd(tiff: bytes, offset: int) -> dict[int, tuple[int, int, bytes]]:
    """One image file directory: tag → (type, count, the 4 bytes of value or offset)."""
    order = "<" if tiff[:2] == b"II" else ">"
    if tiff[:2] not in (b"II", b"MM") or offset + 2 > len(tiff):
        raise Damaged("the EXIF block is not a TIFF structure")
    (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
    entries = {}
    for index in range(min(count, 1000)):
        at = offset + 2 + 12 * index
        if at + 12 > len(tiff):
            raise Damaged("the EXIF block is cut short")
        tag, kind, number = struct.unpack(order + "HHI", tiff[at : at + 8])
        entries[tag] = (kind, number, tiff[at + 8 : at + 12])
    return entries


def _first_ifd(tiff: bytes) -> tuple[str, dict[int, tuple[int, int, bytes]]]:
    if len(tiff) < 8:
        raise Damaged("the EXIF block is cut short")
    order = "<" if tiff[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", tiff[4:8])
    return order, _ifd(tiff, offset)


def _exif_found(tiff: bytes) -> list[str]:
    order, first = _first_ifd(tiff)
    what = ["GPS location"] if _GPS in first else []
    what += [name for tag, name in _PERSONAL.items() if tag in first]
    if _EXIF in first:
        (offset,) = struct.unpack(order + "I", first[_EXIF][2])
        inner = _ifd(tiff, offset) if offset < len(tiff) else {}
        what += [name for tag, name in _PERSONAL.items() if tag in inner]
        what += ["camera maker notes"] if _MAKER_NOTE in inner else []
    if not what and set(first) - {_ORIENTATION}:  # dates, the camera, a thumbnail of the uncropped photo
        what.append("camera data")
    return what


def _exif_orientation_only(tiff: bytes) -> bytes:
    """An EXIF block (with its "Exif" header) that holds only the orientation; b"" when the
    picture needs none (it is upright)."""
    order, first = _first_ifd(tiff)
    entry = first.get(_ORIENTATION)
    if entry is None or entry[0] != 3:
        return b""
    (value,) = struct.unpack(order + "H", entry[2][:2])
    if value == 1:
        return b""
    return EXIF_START + minimal_exif(value)


def minimal_exif(orientation: int) -> bytes:
    """A TIFF structure of one entry: the orientation (1 to 8)."""
    entry = struct.pack(">HHIHH", _ORIENTATION, 3, 1, orientation, 0)
    return b"MM\x00\x2a" + struct.pack(">IH", 8, 1) + entry + struct.pack(">I", 0)


# PNG ------------------------------------------------------------------------------------


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out = []
    at = len(PNG_START)
    while at < len(data):
        if at + 12 > len(data):
            raise Damaged("a PNG chunk is cut short")
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if at + 12 + length > len(data):
            raise Damaged("a PNG chunk is longer than the file")
        out.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
        if kind == b"IEND":
            break
    return out


def _png_found(data: bytes) -> list[str]:
    what = []
    for kind, payload in _chunks(data):
        if kind in _TEXT_CHUNKS:
            what.append("text fields")
        elif kind == b"eXIf":
            what += _exif_found(payload) or ["EXIF"]
    return sorted(set(what))


def _png_cleaned(data: bytes) -> bytes:
    out = [PNG_START]
    for kind, payload in _chunks(data):
        if kind in _TEXT_CHUNKS:
            continue
        if kind == b"eXIf":
            exif = _exif_orientation_only(payload)
            if not exif:
                continue
            payload = exif[len(EXIF_START) :]
        crc = zlib.crc32(kind + payload)
        out.append(struct.pack(">I4s", len(payload), kind) + payload + struct.pack(">I", crc))
    return b"".join(out)
