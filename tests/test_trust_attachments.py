"""Issue 24, attachments and the repository: what a published file holds besides what it shows.

- restricted markers, however written, in an item's text (the evasions of the issue) and in
  the text of its DOCX, ODT and PDF attachments;
- metadata dropped from the published copies (authors, GPS location), the files in
  content/ untouched; tracked changes and comments refused;
- unreadable, encrypted, damaged and oversized attachments reported, never a traceback;
- each attachment read once per version of its bytes (the build cache);
- `rules.public_repository: true`: no restricted item or marker anywhere in content/.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zipfile
from datetime import datetime
from pathlib import Path

import attachkit
import pypdf
import pytest
from sitekit import NOW, config_dict, item, make_site, run_cli

from site_builder import build
from site_builder.errors import Problem
from site_builder.load import attachments, documents, office
from site_builder.speed.session import Session

WHEN = datetime.fromisoformat(NOW)
FOLDER = "content/press-releases/2026/otchet"
PAGE = "press-releases/otchet/"


def site(tmp_path: Path, files: dict[str, bytes], *, status: str = "approved", **fields) -> Path:
    """A site with one item folder holding these attachments."""
    text = item("Отчёт о работе", status=status, **fields)
    return make_site(tmp_path, {f"{FOLDER}/index.md": text, **{f"{FOLDER}/{n}": d for n, d in files.items()}})


def problems(root: Path, **config) -> list[Problem]:
    if config:
        (root / "config.yaml").unlink()
        make_site(root.parent, config=config_dict(**config))
    return build.check(root, WHEN, Session.of(root)).problems


def codes(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Each code found, with the path and severity of each problem of it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for found in problems(root):
        out.setdefault(found.code, []).append((found.path, found.severity))
    return out


def built(root: Path, **kwargs) -> build.Result:
    return build.build(root, WHEN, session=Session.of(root, jobs=1, **kwargs))


# The evasions of the issue in an item's own text ----------------------------------------

EVASIONS = {
    "latin C": "Документ ДCП.",
    "soft hyphen": "Документ Д\u00adСП.",
    "dots": "Документ Д.С.П.",
    "zero-width space": "Документ Д\u200bС\u200bП.",
    "fullwidth C": "Документ ДＣП.",
    "Latin look-alikes": "Документ CEKPETHO.",
}


@pytest.mark.parametrize("text", EVASIONS.values(), ids=EVASIONS.keys())
def test_a_marker_evasion_in_the_body_is_caught(tmp_path, text):
    root = make_site(tmp_path, {"content/press-releases/2026/x.md": item("Т", body=text + "\n")})
    found = [(p.code, p.line) for p in problems(root) if p.is_error]
    assert found == [("RESTRICTED_MARKER", 11)]


def test_a_marker_in_binary_yaml_is_caught(tmp_path):
    """`summary: !!binary <base64 of «ДСП»>`: matched after YAML decoding."""
    encoded = base64.b64encode("Служебное ДСП".encode()).decode()
    text = item("Т").replace("title:", f"summary: !!binary {encoded}\ntitle:", 1)
    root = make_site(tmp_path, {"content/press-releases/2026/x.md": text})
    assert [(p.code, p.line) for p in problems(root) if p.is_error] == [("RESTRICTED_MARKER", 2)]


# Markers in attachments --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        ("plan.docx", attachkit.docx("Вступление", "График ДСП", "Итог"), ("paragraph", "2")),
        ("plan.docx", attachkit.docx("Текст", header="Для служебного пользования"), ("outside", "1")),
        ("plan.docx", attachkit.docx("Текст", creator="С Е К Р Е Т Н О"), ("document properties", "2")),
        ("plan.odt", attachkit.odt("Вступление", "План Д.С.П."), ("paragraph", "2")),
        ("plan.pdf", attachkit.pdf("Приложение ДCП"), ("page", "1")),
        ("plan.pdf", attachkit.pdf("Приложение", title="Д\u00adСП"), ("document properties", "1")),
        ("plan.csv", "дата;гриф\n2026;ДСП\n".encode("cp1251"), ("line", "2")),
    ],
    ids=["docx", "docx header", "docx properties", "odt", "pdf page", "pdf title", "csv cp1251"],
)
def test_a_marker_in_an_attachment_is_an_error_naming_it(tmp_path, name, data, where):
    root = site(tmp_path, {name: data})
    found = [p for p in problems(root) if p.code == "ATTACHMENT_MARKER"]
    assert [(p.path, p.severity) for p in found] == [(f"{FOLDER}/{name}", "error")]
    args = dict(found[0].args)
    assert args["where"].startswith(where[0]) and args["number"] == where[1]


def test_a_marker_message_says_where_in_russian(tmp_path):
    root = site(tmp_path, {"plan.pdf": attachkit.pdf("ДСП")})
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    out += err
    assert code == 1 and "Traceback" not in out
    assert f"{FOLDER}/plan.pdf" in out and "гриф ограниченного доступа «ДСП» во вложении (страница 1)" in out


def test_a_draft_attachment_with_a_marker_is_an_error_too(tmp_path):
    """As in the item's own text: found before the approval, not after."""
    root = site(tmp_path, {"plan.docx": attachkit.docx("ДСП")}, status="draft", approval=None)
    assert codes(root)["ATTACHMENT_MARKER"] == [(f"{FOLDER}/plan.docx", "error")]


def test_a_restricted_items_attachment_is_not_read(tmp_path):
    root = site(tmp_path, {"plan.docx": attachkit.docx("ДСП")}, confidentiality="restricted")
    assert "ATTACHMENT_MARKER" not in codes(root)


def test_a_clean_attachment_raises_nothing(tmp_path):
    root = site(tmp_path, {"plan.docx": attachkit.docx("Обычный текст"), "plan.pdf": attachkit.pdf("Текст")})
    assert not [p for p in problems(root) if p.severity != "info"]


# Tracked changes and comments: refused ----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (attachkit.docx("Текст", tracked=True), "ATTACHMENT_TRACKED_CHANGES"),
        (attachkit.docx("Текст", comment="убрать цифры"), "ATTACHMENT_COMMENTS"),
        (attachkit.odt("Текст", tracked=True), "ATTACHMENT_TRACKED_CHANGES"),
        (attachkit.odt("Текст", comment="убрать цифры"), "ATTACHMENT_COMMENTS"),
        (attachkit.pdf("Текст", note="убрать цифры"), "ATTACHMENT_COMMENTS"),
    ],
    ids=["docx changes", "docx comments", "odt changes", "odt comments", "pdf notes"],
)
def test_tracked_changes_and_comments_are_refused(tmp_path, data, code):
    name = "plan." + ("pdf" if data.startswith(b"%PDF") else "odt" if b"opendocument" in data else "docx")
    root = site(tmp_path, {name: data})
    assert codes(root)[code] == [(f"{FOLDER}/{name}", "error")]
    result = built(root)
    assert not result.ok and not (root / "output").exists()


def test_a_drafts_tracked_changes_are_a_warning(tmp_path):
    """Work in progress: the editor is told before the approval, the site still builds."""
    changed = attachkit.docx("Текст", tracked=True)
    root = site(tmp_path, {"plan.docx": changed}, status="review", approval=None)
    assert codes(root)["ATTACHMENT_TRACKED_CHANGES"] == [(f"{FOLDER}/plan.docx", "warning")]


# Metadata: the published copy without it, the source untouched ----------------------------


def output_file(root: Path, name: str) -> bytes:
    return (root / "output" / PAGE / name).read_bytes()


def test_docx_authors_are_dropped_from_the_published_copy(tmp_path):
    photo = attachkit.jpeg(attachkit.exif(artist="Ivanov"))
    source = attachkit.docx("График", creator="Иванов Иван", editor="Петров", photo=photo)
    root = site(tmp_path, {"plan.docx": source})
    assert not [p for p in problems(root) if p.severity != "info"]
    assert built(root).ok
    assert (root / FOLDER / "plan.docx").read_bytes() == source  # never modified
    with zipfile.ZipFile(io.BytesIO(output_file(root, "plan.docx"))) as copy:
        core = copy.read("docProps/core.xml").decode()
        assert copy.read("word/document.xml") == zipfile.ZipFile(io.BytesIO(source)).read("word/document.xml")
        image = copy.read("word/media/image1.jpeg")
    assert "Иванов" not in core and "Петров" not in core and "<dc:title>График</dc:title>" in core
    assert b"Ivanov" not in image and image.endswith(attachkit.SCAN_DATA + b"\xff\xd9")


def test_odt_authors_are_dropped_and_the_archive_stays_valid(tmp_path):
    source = attachkit.odt("План", creator="Иванов Иван")
    root = site(tmp_path, {"plan.odt": source})
    assert built(root).ok
    assert (root / FOLDER / "plan.odt").read_bytes() == source
    copy = output_file(root, "plan.odt")
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        first = archive.infolist()[0]
        meta = archive.read("meta.xml").decode()
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert copy[30:38] == b"mimetype"  # readers find the type at a fixed offset
    assert "Иванов" not in meta and "План" in meta


def test_pdf_author_and_creator_are_dropped(tmp_path):
    source = attachkit.pdf("Отчёт", author="Иванов Иван", title="Отчёт за ноябрь")
    root = site(tmp_path, {"plan.pdf": source})
    result = built(root)
    assert result.ok
    assert (root / FOLDER / "plan.pdf").read_bytes() == source
    copy = output_file(root, "plan.pdf")
    reader = pypdf.PdfReader(io.BytesIO(copy))
    assert dict(reader.metadata or {}) == {"/Title": "Отчёт за ноябрь"}
    assert reader.pages[0].extract_text() == "Отчёт"
    # The feeds give the size of the file that is published.
    feed = json.loads((root / "output" / "feeds" / "press-releases.json").read_text(encoding="utf-8"))
    sizes = [a["size_in_bytes"] for i in feed["items"] for a in i.get("attachments", [])]
    assert sizes == [len(copy)]


def test_a_photos_gps_and_author_are_dropped_its_orientation_kept(tmp_path):
    tiff = attachkit.exif(orientation=6, artist="Ivanov")
    source = attachkit.jpeg(tiff, xmp="<x>GPS</x>", comment="Ivanov")
    root = site(tmp_path, {"photo.jpg": source, "scheme.png": attachkit.png({"Author": "Ivanov"}, b"keep")})
    assert built(root).ok
    assert (root / FOLDER / "photo.jpg").read_bytes() == source
    copy = output_file(root, "photo.jpg")
    assert b"Ivanov" not in copy and b"<x>GPS</x>" not in copy and b"ICC_PROFILE" in copy
    assert documents.read("photo.jpg", copy).metadata == set()
    start = copy.index(b"Exif\x00\x00") + 6
    assert copy[start : start + 26] == attachkit.exif(orientation=6, gps=False)[:26]  # turned as before
    assert copy.endswith(attachkit.SCAN_DATA + b"\xff\xd9")
    scheme = output_file(root, "scheme.png")
    assert b"Ivanov" not in scheme and b"keep" in scheme


def test_stray_bytes_between_a_photos_segments_are_skipped_as_decoders_do(tmp_path):
    source = attachkit.jpeg(attachkit.exif(orientation=1)).replace(b"\xff\xe2", b"\x00\x00\xff\xe2", 1)
    root = site(tmp_path, {"photo.jpg": source})
    assert built(root).ok
    copy = output_file(root, "photo.jpg")
    assert b"Exif" not in copy and copy.endswith(attachkit.SCAN_DATA + b"\xff\xd9")


def test_an_upright_photo_with_gps_keeps_no_exif(tmp_path):
    root = site(tmp_path, {"photo.jpg": attachkit.jpeg(attachkit.exif(orientation=1))})
    assert built(root).ok
    assert b"Exif" not in output_file(root, "photo.jpg")


def test_a_clean_file_is_published_byte_for_byte(tmp_path):
    source = attachkit.pdf("Отчёт", title="Отчёт")
    root = site(tmp_path, {"plan.pdf": source, "photo.jpg": attachkit.jpeg()})
    assert built(root).ok
    assert output_file(root, "plan.pdf") == source
    assert output_file(root, "photo.jpg") == attachkit.jpeg()


def test_a_signed_pdf_keeps_its_metadata_with_a_warning(tmp_path):
    """A rewrite would break the signature: published as it is, and the editor told."""
    source = attachkit.pdf("Постановление", author="Мэр", signed=True)
    root = site(tmp_path, {"signed.pdf": source})
    assert codes(root)["ATTACHMENT_METADATA_KEPT"] == [(f"{FOLDER}/signed.pdf", "warning")]
    assert built(root).ok
    assert output_file(root, "signed.pdf") == source


# Files that cannot be read: a clear problem, never a traceback ------------------------------


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a>" + b" " * (office.MOST_PART_BYTES + 10) + b"</a>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("plan.pdf", attachkit.pdf("Текст", password="secret"), "ATTACHMENT_ENCRYPTED"),
        ("plan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "ATTACHMENT_ENCRYPTED"),
        ("plan.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "ATTACHMENT_DAMAGED"),
        ("plan.docx", b"PK\x03\x04 not really a zip", "ATTACHMENT_DAMAGED"),
        ("plan.docx", attachkit.docx("x")[:-40], "ATTACHMENT_DAMAGED"),
        ("plan.odt", attachkit._zip({"mimetype": "x", "content.xml": "<a><b></a>"}), "ATTACHMENT_DAMAGED"),
        ("photo.jpg", b"\xff\xd8\xff\xe1\xff\xff", "ATTACHMENT_DAMAGED"),
        ("photo.png", b"GIF89a", "ATTACHMENT_DAMAGED"),
        ("plan.docx", zip_bomb(), "ATTACHMENT_TOO_LARGE"),
    ],
    ids=["pdf password", "docx password", "pdf", "zip", "cut zip", "odt xml", "jpeg", "png", "zip bomb"],
)
def test_an_unreadable_attachment_is_reported_without_a_traceback(tmp_path, name, data, code):
    root = site(tmp_path, {name: data})
    assert codes(root)[code] == [(f"{FOLDER}/{name}", "error")]
    exit_code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert exit_code == 1 and "Traceback" not in out + err and code in out + err
    assert not (root / "output").exists()


def test_an_oversized_attachment_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MOST_BYTES", 100)
    root = site(tmp_path, {"plan.pdf": attachkit.pdf("Текст")})
    assert codes(root)["ATTACHMENT_TOO_LARGE"] == [(f"{FOLDER}/plan.pdf", "error")]


def test_a_document_in_a_format_that_cannot_be_read_is_a_warning(tmp_path):
    root = site(tmp_path, {"table.xlsx": b"PK\x03\x04", "clip.mp4": b"\x00" * 10})
    assert codes(root)["ATTACHMENT_NOT_SCANNED"] == [(f"{FOLDER}/table.xlsx", "warning")]


def test_xml_entities_are_never_expanded(tmp_path):
    """A billion laughs in a DOCX part: lxml is told not to resolve entities."""
    laughs = '<!DOCTYPE a [<!ENTITY l "ДСП"><!ENTITY m "&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;">]>'
    data = attachkit.docx("x").replace(b"<w:document", laughs.encode() + b"<w:document", 1)
    data = attachkit._zip(
        {n: zipfile.ZipFile(io.BytesIO(data)).read(n) for n in ("[Content_Types].xml", "word/document.xml")}
        | {"word/document.xml": f'{laughs}<w:document xmlns:w="{attachkit.W}"><w:body><w:p><w:r><w:t>&m;'
           "</w:t></w:r></w:p></w:body></w:document>"}
    )  # fmt: skip
    found = documents.read("x.docx", data)
    assert "ДСП" not in " ".join(text for _, _, text in found.texts)


# The cache: each version of an attachment is read once --------------------------------------


def test_a_warm_check_reads_no_attachment(tmp_path, monkeypatch):
    files = {"plan.docx": attachkit.docx("Текст", creator="Иванов"), "a.pdf": attachkit.pdf("x")}
    root = site(tmp_path, files)
    assert built(root).ok
    calls: list[str] = []
    real = documents.read
    monkeypatch.setattr(documents, "read", lambda name, data: calls.append(name) or real(name, data))
    assert build.check(root, WHEN, Session.of(root)).ok
    assert calls == []
    (root / FOLDER / "a.pdf").write_bytes(attachkit.pdf("ДСП"))  # a new version is read again
    assert [p.code for p in build.check(root, WHEN, Session.of(root)).problems if p.is_error] == [
        "ATTACHMENT_MARKER"
    ]
    assert calls == ["a.pdf"]


def test_without_the_cache_the_copy_is_made_at_render(tmp_path):
    root = site(tmp_path, {"plan.docx": attachkit.docx("Текст", creator="Иванов")})
    assert built(root, cache=False).ok
    with zipfile.ZipFile(io.BytesIO(output_file(root, "plan.docx"))) as copy:
        assert "Иванов" not in copy.read("docProps/core.xml").decode()


def test_cleaned_copies_are_not_made_again_by_a_warm_build(tmp_path, monkeypatch):
    root = site(tmp_path, {"plan.docx": attachkit.docx("Текст", creator="Иванов")})
    assert built(root).ok
    first = output_file(root, "plan.docx")
    (root / FOLDER / "index.md").write_text(item("Отчёт о работе", body="Новый текст.\n"), encoding="utf-8")
    monkeypatch.setattr(attachments, "cleaned_copy", lambda *a: pytest.fail("made again"))
    assert built(root).ok
    assert output_file(root, "plan.docx") == first


# A public repository ---------------------------------------------------------------------


def public(**rules) -> dict:
    config = config_dict()
    config["rules"] = {**config["rules"], "public_repository": True, **rules}
    return config


def test_a_restricted_item_in_a_public_repository_is_an_error(tmp_path):
    text = item("Оповещение", confidentiality="restricted", body="Текст.\n")
    root = make_site(tmp_path, {"content/press-releases/2026/x.md": text})
    assert not [p for p in problems(root) if p.is_error]
    root = make_site(tmp_path, {"content/press-releases/2026/x.md": text}, config=public())
    found = [(p.code, p.line) for p in problems(root) if p.is_error]
    line = text.split("\n").index("confidentiality: restricted") + 1
    assert found == [("PUBLIC_REPOSITORY_RESTRICTED", line)]


def test_a_public_repository_finds_markers_in_restricted_items_and_their_files(tmp_path):
    """Drafts and restricted items alike: the repository shows what the site hides."""
    files = {
        "content/press-releases/2026/x.md": item("Т", confidentiality="restricted", body="ДСП\n"),
        f"{FOLDER}/index.md": item("Т", status="draft", approval=None, confidentiality="restricted"),
        f"{FOLDER}/plan.pdf": attachkit.pdf("Секретно"),
    }
    root = make_site(tmp_path, files, config=public())
    found = sorted((p.path, p.code) for p in problems(root) if p.is_error)
    assert found == [
        ("content/press-releases/2026/otchet/index.md", "PUBLIC_REPOSITORY_RESTRICTED"),
        ("content/press-releases/2026/otchet/plan.pdf", "ATTACHMENT_MARKER"),
        ("content/press-releases/2026/x.md", "PUBLIC_REPOSITORY_RESTRICTED"),
        ("content/press-releases/2026/x.md", "RESTRICTED_MARKER"),
    ]


def test_a_public_repository_finds_markers_in_private_media_requests(tmp_path):
    """A request not marked public is not on the site, but it is in the repository."""
    record = "---\nreceived: 2026-11-20\noutlet: Газета\ntopic: Приказ ДСП\nanswered: 2026-11-21\n---\n"
    root = make_site(tmp_path, {"content/media-requests/a.md": record})
    assert not [p for p in problems(root) if p.is_error]
    root = make_site(tmp_path, {"content/media-requests/a.md": record}, config=public())
    found = [(p.path, p.code, p.line) for p in problems(root) if p.is_error]
    assert found == [("content/media-requests/a.md", "RESTRICTED_MARKER", 4)]


def test_the_example_site_checks_clean_with_its_attachments():
    root = Path(__file__).resolve().parent.parent
    found = [p for p in build.check(root, WHEN, Session()).problems if p.code.startswith("ATTACHMENT")]
    assert found == []


def test_exif_parser_bounds(tmp_path):
    """An IFD whose count runs past the block: damaged, not an IndexError."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 500)
    root = site(tmp_path, {"photo.jpg": attachkit.jpeg(tiff)})
    assert codes(root)["ATTACHMENT_DAMAGED"] == [(f"{FOLDER}/photo.jpg", "error")]
