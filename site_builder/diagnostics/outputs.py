"""The output folder a build or the preview server is given (--output); and, the last code
added, approve refusing a media request."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "OUTPUT_IS_SITE": (
        "the output folder {target} is the site folder or holds it: a build would replace the sources",
        "Build into a folder of its own: leave out --output (ROOT/output), or give a new folder outside content/, templates/ and static/.",
    ),
    "OUTPUT_IN_SOURCES": (
        "the output folder {target} overlaps the site's {folder} (is it, holds it or lies in it): a build would replace the sources",
        "Build into a folder of its own: leave out --output (ROOT/output), or give a new folder outside content/, templates/ and static/.",
    ),
    "OUTPUT_NOT_FOLDER": (
        "{file} is a file: the output must be a folder",
        "Give the path of a folder; one that does not exist yet is created.",
    ),
    "OUTPUT_WORKING_NAME": (
        "the output folder may not be named {name}: a build keeps its own working folders under such names beside an output",
        "Give a name that does not start with a dot and end in .old, .spare, .tmp-N, .site-builder or .manifest.json.",
    ),
    "OUTPUT_FOREIGN": (
        "the folder {target} holds files that no build made (there is no build manifest beside it): a build would delete them",
        "Give a new or empty folder, or empty this one yourself if nothing in it is needed.",
    ),
    "OUTPUT_UNWRITABLE": (
        "cannot write the output folder: {detail}",
        "Give a folder you may write to, on a disk with free space.",
    ),
    "APPROVE_MEDIA_REQUEST": (
        "this media request is not public: nothing of it is published, so it needs no approval",
        "To list its details on the site, set public: true, then approve it; otherwise it counts only in the statistics.",
    ),
}
