"""The site's folders and files as they are read: config.yaml, content/, and each file's size,
encoding, characters and name."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "CONFIG_MISSING": (
        "config.yaml not found in {root}",
        "Run the command in the site folder or pass --root PATH.",
    ),
    "CONTENT_MISSING": (
        "the content/ folder is missing",
        "Create content/ with the sections press-releases/, rebuttals/, announcements/, media-plans/.",
    ),
    "FILE_TOO_LARGE": (
        "the file is {size} bytes; the limit is {limit}",
        "Split the text or move large data to an attachment.",
    ),
    "FILE_BINARY": (
        "the file contains binary data (NUL bytes)",
        "Content files must be Markdown text; put binary files in an item folder as attachments.",
    ),
    "FILE_ENCODING": (
        "the file is not valid UTF-8 (byte {position})",
        "Save the file in UTF-8 encoding.",
    ),
    "FILE_BOM": (
        "the file starts with a UTF-8 byte order mark",
        "Save it as UTF-8 without BOM; the mark was ignored.",
    ),
    "BAD_CHAR": (
        "an invisible character {char} ({what}) at column {column}",
        "Delete it and save the file: no page or feed may hold it. If the editor does not show it, retype the words around column {column}.",
    ),
    "FILE_EMPTY": (
        "the file is empty",
        "Start with a '---' line, the keys (title, date, …), a closing '---' line, then the text.",
    ),
    "FILE_SYMLINK": (
        "this is a symbolic link to {target}; links are not followed",
        "Replace the link with a real file or folder inside the repository.",
    ),
    "ATTACHMENT_RESERVED": (
        "an attachment may not be named {name}: the site makes a file of that name for the item",
        "Rename the file: index.html is the item's page and event.ics an announcement's calendar.",
    ),
    "FILE_NAME_ENCODING": (
        "the name of this file or folder is not valid UTF-8",
        "Rename it to a UTF-8 name (git mv OLD NEW): it was probably saved in another system's encoding.",
    ),
    "FILE_NAME_CHAR": (
        "the name of this file or folder contains the invisible character {char} ({what})",
        "Rename it without that character (git mv OLD NEW): names become addresses and feed entries.",
    ),
    "STRAY_FILE": (
        "this file is not an item and not in an item's folder; it is not published",
        "Put attachments in a folder with the item's index.md, or remove the file.",
    ),
    "UNKNOWN_SECTION": (
        "the file is not in a known section folder",
        "Move it under one of: {sections}.",
    ),
}
