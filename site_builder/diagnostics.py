"""Every diagnostic code with its English message and hint (gettext msgids).

Translations live in locale/<lang>/LC_MESSAGES/site_builder.po; the codes are stable
and documented in docs/diagnostics.md, which `python -m site_builder.diagnostics_doc` writes.
"""

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
    "FM_MISSING": (
        "no front matter: the first line must be '---'",
        "Did you forget the '---' line at the top, before title: …?",
    ),
    "FM_UNCLOSED": (
        "the front matter is not closed",
        "Add a line with just '---' after the last key, before the text.",
    ),
    "YAML_SYNTAX": (
        "YAML syntax error: {detail}",
        "Check indentation (spaces only), the colon after each key, and put text with ': ' or '#' in quotes.",
    ),
    "YAML_TAB": (
        "a tab character is used for indentation",
        "Indent with spaces only.",
    ),
    "YAML_DUPLICATE_KEY": (
        "the key '{key}' appears twice (first on line {first})",
        "Keep only one of them.",
    ),
    "KEY_NOT_TEXT": (
        "the key '{key}' is not text",
        "Keys are names such as title or date. YAML reads 1, 2.5, yes, no, on, off, true, false, null and ~ as numbers, true/false or nothing, and brackets as a list or mapping: correct the key, or put a word meant as a key in quotes.",
    ),
    "YAML_ALIAS": (
        "YAML anchors and aliases (& and *) are not allowed",
        "Write each value out in full.",
    ),
    "YAML_TOO_BIG": (
        "the YAML has more than {limit} values",
        "Front matter holds metadata only; move long content to the text.",
    ),
    "YAML_TOO_DEEP": (
        "the YAML is nested more than {limit} levels deep",
        "Front matter holds flat metadata: keys with values, lists and one level of sub-keys.",
    ),
    "YAML_NOT_MAPPING": (
        "the front matter must be keys with values (key: value)",
        "Write it as 'title: …' lines, one key per line.",
    ),
    "KEY_MISSING": (
        "the required key '{key}' is missing",
        "Add '{key}: …'.",
    ),
    "KEY_UNKNOWN": (
        "unknown key '{key}'",
        "Allowed keys here: {allowed}.",
    ),
    "WRONG_TYPE": (
        "'{key}' must be {expected}; found '{value}'",
        "Correct the value's form.",
    ),
    "BAD_VALUE": (
        "'{key}' has the value '{value}', which is not allowed",
        "Allowed: {allowed}.",
    ),
    "BAD_DATE": (
        "'{key}' is not a valid date or time: '{value}'",
        "Write 2026-05-14 or 2026-05-14T10:00 (an offset such as +06:00 is optional); check that the day exists.",
    ),
    "DATE_RANGE": (
        "'{key}' is outside the dates a site may have: '{value}'",
        "Dates must lie between {earliest} and {latest}; check the year.",
    ),
    "BAD_ID": (
        "'{key}' is not a valid id: '{value}'",
        "Use lowercase Latin letters, digits, '-' and '_'.",
    ),
    "BAD_URL": (
        "'{key}' is not an http(s) address: '{value}'",
        "Write the full address starting with https://.",
    ),
    "BAD_TEXT": (
        "'{key}' contains the invisible character {char} ({what})",
        "Remove it: no page or feed may hold it. In double quotes an escape such as \\v, \\e or \\uFFFE writes one.",
    ),
    "TOO_LONG": (
        "'{key}' is {length} characters long; the limit is {limit}",
        "Shorten it; details belong in the text.",
    ),
    "EMPTY_VALUE": (
        "'{key}' is empty",
        "Fill it in or remove the key.",
    ),
    "EMPTY_ENTRY": (
        "'{key}' is an empty entry",
        "Remove it from the list or write what it stands for: an empty entry says nothing, and an empty marker would match every line.",
    ),
    "BAD_SLUG": (
        "the slug '{value}' is not allowed",
        "Use lowercase Latin letters, digits and hyphens only (no '/', '..' or spaces), or remove slug: to derive it from the file name.",
    ),
    "DUPLICATE_ID": (
        "the id '{value}' is used twice",
        "Give each entry its own id.",
    ),
    "DUPLICATE_URL": (
        "the address of this item (slug '{slug}') is also taken by {other}",
        "Set a different slug: in one of them.",
    ),
    "URL_COLLISION": (
        "the file '{name}' would be published at {url}, where the site writes {other}",
        "Rename the file, or give its item another slug: (the site makes pages at section/page/2/, …; the theme its files in static/).",
    ),
    "DUPLICATE_TRANSLATION": (
        "a version in '{lang}' of this item already exists: {other}",
        "Each item may have one file per language; check lang: and id:.",
    ),
    "LANG_MISMATCH": (
        "lang: '{value}' contradicts the file name suffix '.{suffix}.md'",
        "Make them agree or remove lang:.",
    ),
    "LANG_UNKNOWN": (
        "the language '{value}' is not one of the site's languages ({allowed})",
        "Use one of them or add it to site.languages in config.yaml.",
    ),
    "UNKNOWN_PERSON": (
        "unknown person '{value}' in '{key}'",
        "Use an id from people: in config.yaml: {known}.",
    ),
    "UNKNOWN_DIVISION": (
        "unknown division '{value}' in '{key}'",
        "Use an id from divisions: in config.yaml: {known}.",
    ),
    "BAD_REF": (
        "ref '{value}' points to no content item",
        "Give the path under content/, e.g. press-releases/2026/remont-dorog.md.",
    ),
    "BROKEN_LINK": (
        "the link to '{target}' leads nowhere",
        "Link other items by their .md path relative to this file, attachments by file name in this item's folder.",
    ),
    "LINK_UNPUBLISHED": (
        "the link to '{target}' points to an item that is not published; it is shown as plain text",
        "Publish that item first or remove the link.",
    ),
    "UNSAFE_LINK": (
        "the link '{url}' uses the forbidden scheme '{scheme}:'",
        "Only http, https, mailto and tel links are allowed.",
    ),
    "RAW_HTML": (
        "raw HTML ({tag}) is not allowed and is shown as text",
        "Use Markdown instead of HTML tags.",
    ),
    "IMAGE_NO_ALT": (
        "an image has no alternative text",
        "Describe the picture: ![what is shown](photo.jpg).",
    ),
    "IN_REVIEW": (
        "not published: under review by the PR department",
        "After approval, run: site-builder approve PATH --by PERSON.",
    ),
    "RESTRICTED_ITEM": (
        "not published: confidentiality is restricted",
        "Restricted items never appear on the site.",
    ),
    "EMBARGOED": (
        "approved; goes out at {date}",
        "A scheduled build after that time publishes it.",
    ),
    "APPROVAL_PENDING": (
        "not published: the approval is dated in the future ({at})",
        "Check approval.at.",
    ),
    "DATE_MISSING": (
        "an approved item needs a publication date",
        "Add 'date: 2026-05-14T10:00'.",
    ),
    "APPROVAL_MISSING": (
        "status is '{status}' but there is no approval",
        "Ask the PR department to approve it: site-builder approve PATH --by PERSON.",
    ),
    "APPROVER_ROLE": (
        "{person} may not approve items of type {kind} (roles: {roles}; needed: {allowed})",
        "The approval must come from a person with one of the roles: {allowed}.",
    ),
    "APPROVER_IS_AUTHOR": (
        "{person} is both the author and the approver",
        "This type needs a second person to approve (four-eyes rule).",
    ),
    "APPROVER_INACTIVE": (
        "{person} could approve only from {start} to {end}, but the approval is dated {at}",
        "Have a currently authorised person approve it.",
    ),
    "APPROVAL_HASH_MISSING": (
        "the approval has no content hash",
        "Approve with the tool, which records it: site-builder approve {source} --by {by}.",
    ),
    "APPROVAL_HASH_MISMATCH": (
        "not published: the content changed after approval by {by} on {at}",
        "Ask the PR department to approve the new text: site-builder approve {source} --by PERSON.",
    ),
    "APPROVAL_HASH_LIVE": (
        "this published item changed after approval by {by} on {at}",
        "Published text cannot change silently: add a corrections entry (at, note) describing the change, then approve again: site-builder approve {source} --by PERSON. Until then the site keeps its previous build.",
    ),
    "APPROVAL_AFTER_DATE": (
        "approved at {at}, after the publication date {date}",
        "Approve before the date, move the date, or — for a published item — add a corrections entry dated between the two.",
    ),
    "WITHDRAWN_MISSING": (
        "status is 'withdrawn' but there is no withdrawn: block",
        "Add withdrawn: with at: (when) and reason: (public reason).",
    ),
    "WITHDRAWN_UNPUBLISHED": (
        "not published: withdrawn before its publication date {date}",
        "It never went out, so it has no page. To publish it after all, set status: approved, remove withdrawn: and have it approved again.",
    ),
    "STATUS_TAKES_DOWN": (
        "this item is published (approved by {by} on {at}); status '{status}' would take its page down",
        "A published page is never removed silently: to take it down set status: withdrawn with withdrawn: (at, reason); to change the text keep status: approved, edit it, add a corrections entry and have it approved again.",
    ),
    "WITHDRAWN_STATUS": (
        "there is a withdrawn: block but the status is '{status}'",
        "Set status: withdrawn, or remove the block.",
    ),
    "CORRECTION_BEFORE_DATE": (
        "this correction is dated before the publication",
        "A correction follows publication; check its at:.",
    ),
    "RESTRICTED_MARKER": (
        "restricted-information marker «{marker}» in a public item",
        "Remove the restricted information, or set confidentiality: restricted so it is never published.",
    ),
    "REBUTTAL_ORIGINAL": (
        "a rebuttal needs original: (outlet, title, url, published)",
        "Describe the publication being answered.",
    ),
    "REBUTTAL_DETECTED": (
        "a rebuttal needs detected_at: (when monitoring found the publication)",
        "Add 'detected_at: 2026-05-14T09:30'.",
    ),
    "REBUTTAL_FACTS": (
        "a rebuttal needs at least one fact with both claim: and fact:",
        "List each disputed statement and the facts that answer it; if the report was accurate, set verdict: accurate.",
    ),
    "REBUTTAL_FACT_HALF": (
        "this fact has only one of claim: and fact:",
        "Give both the claim and the fact.",
    ),
    "REBUTTAL_LATE": (
        "published {delay} working days after the report was detected; the limit is {limit}",
        "False reports must be refuted as fast as possible; explain the delay to the PR department.",
    ),
    "EVENT_ENDS_BEFORE": (
        "the event ends before it starts",
        "Check event.starts and event.ends.",
    ),
    "EVENT_NO_PLACE": (
        "the event has neither location: nor online_url:",
        "Say where it happens or give the stream address.",
    ),
    "EVENT_CANCEL_REASON": (
        "a cancelled event needs cancel_reason:",
        "Give the public reason for the cancellation.",
    ),
    "PERIOD_REVERSED": (
        "the period ends before it starts",
        "Check period.from and period.to.",
    ),
    "ENTRY_OUTSIDE_PERIOD": (
        "the entry date {date} is outside the plan's period",
        "Move the entry to the right plan or correct its date.",
    ),
    "KY_TRANSLATION_MISSING": (
        "this item is published without a Kyrgyz version (id '{key}')",
        'Add a Kyrgyz version next to it, NAME.ky.md (or a file with the same id: and lang: ky), or state why there is none: translation_exception: "reason".',
    ),
    "TEMPLATE_ERROR": (
        "template error: {detail}",
        "Fix the template at this line; variables a template uses must exist.",
    ),
    "TEMPLATE_SYNTAX": (
        "template syntax error: {detail}",
        "Check the tags on this line: each tag must be closed, and every if, for, block and macro needs its end tag (endif, endfor, endblock, endmacro).",
    ),
    "TEMPLATE_NOT_FOUND": (
        "the template '{name}' does not exist",
        "Check the name in the include, import or extends on this line: it is a path under templates/ (e.g. partials/footer_extra.html) or one of the theme's templates.",
    ),
    "TEMPLATE_UNREADABLE": (
        "the template cannot be read: {detail}",
        "Check that the file is readable (its permissions) and not damaged.",
    ),
    "TEMPLATE_BINARY": (
        "the template contains binary data (a NUL byte)",
        "A template must be UTF-8 text: put the file back if it was damaged; images and other files belong in static/.",
    ),
    "TEMPLATE_NOT_FILE": (
        "a folder or special file stands where a template is looked for",
        "A template must be a regular file: rename or remove the folder (or move the template out of it).",
    ),
    "TEMPLATE_RECURSION": (
        "the template includes or calls itself without end",
        "Remove the include, import or macro call on this line that leads back to this template.",
    ),
    "TEMPLATE_UNSAFE": (
        "the template uses something templates may not: {detail}",
        "Templates may show the site's data (entry, site, config …) but not Python's internals such as names starting with '_'; remove this expression.",
    ),
    "APPROVE_RESTRICTED": (
        "a restricted item cannot be approved for publication",
        "Set confidentiality: public first, if the information may be published.",
    ),
    "CORRECTION_REQUIRED": (
        "this item is already published and its text changed since the approval of {at}",
        "Add a corrections entry (at, note) that tells readers what changed, then approve again.",
    ),
    "FILE_NOT_FOUND": (
        "no such content file",
        "Give the path of a .md file under content/.",
    ),
    "GIT_SHALLOW": (
        "the git history is shallow: approvals cannot be verified",
        "Fetch the full history, e.g. 'git fetch --unshallow' (in GitHub Actions: actions/checkout with fetch-depth: 0).",
    ),
    "GIT_UNAVAILABLE": (
        "rules.verify_git is on but {detail}",
        "Run the build inside the site's git repository with git installed.",
    ),
    "GIT_APPROVER_MISMATCH": (
        "the approval by {by} was committed by {email}, which is not an e-mail of {by}",
        "The approver must commit their approval themselves; add the address to people[].emails if it is theirs.",
    ),
    "GIT_APPROVAL_UNCOMMITTED": (
        "the approval of this item is not committed",
        "Commit the approval before publishing.",
    ),
    "NEW_EXISTS": (
        "this file already exists; it was not overwritten",
        "Open and edit it, or give another title or --slug NAME.",
    ),
    "NEW_BAD_TITLE": (
        "the title must be 1 to 300 characters (it has {length})",
        'Pass the title in quotes: site-builder new press-release "Заголовок".',
    ),
    "NEW_BAD_DATE": (
        "--date is not an ISO date-time: '{value}'",
        "Write it like 2026-11-25T10:00 (site time zone) or 2026-11-25.",
    ),
    "NEW_NO_SLUG": (
        "cannot make a Latin file name from the title '{title}'",
        "Pass one with --slug, e.g. --slug city-budget-2027.",
    ),
    "NEW_NO_AUTHOR": (
        "the author is not filled in: the git e-mail '{email}' is not in anyone's emails in config.yaml",
        "Pass --author ID, or add your e-mail to people[].emails in config.yaml.",
    ),
    "EVENT_CHANGE_NOTE": (
        "the event was re-approved at {at}, after its publication date {date}, without a public change note",
        "If the event's time or place changed, add event.changes: [{{at: …, note: …}}] dated between the two; "
        "otherwise approve before the date.",
    ),
    "PLAN_ENTRY_OVERDUE": (
        "the media plan entry of {date} ('{topic}') is overdue: its date has passed and nothing is linked",
        "Publish it and set ref: to the item, mark it status: done or cancelled, or move its date.",
    ),
    "REQUEST_DUE": (
        "the media request must be answered by {deadline} ({days} working days left)",
        "Answer the outlet and fill in answered: with the date of the answer.",
    ),
    "REQUEST_OVERDUE": (
        "the media request is overdue: the deadline was {deadline} ({days} working days ago)",
        "Answer the outlet now and fill in answered: with the date of the answer.",
    ),
    "REQUEST_ANSWER_BEFORE": (
        "answered: is earlier than received:",
        "Check both dates (YYYY-MM-DD).",
    ),
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
        "a media request is a record of the press office, not a publication: it is not approved",
        "Approve items in press-releases/, rebuttals/, announcements/ and media-plans/; a request needs answered: filled in once it is answered.",
    ),
}
