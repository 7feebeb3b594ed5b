"""Every internal link of a built site leads to a file of it, and every #fragment to an id.

Read from the files alone, as a static host would serve them: a link's address is taken
relative to its page's address under the site's base URL (the home page's canonical
link), a folder means its index.html, and a link to the site's own host outside the
base URL's path is one a project site (`https://org.github.io/press/`) would not find.
Links elsewhere (other hosts, mailto:, tel:, data:) are not followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from site_builder.errors import Problem, problem

# (tag, attribute) pairs whose value is an address; srcset holds several.
LINKING = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
MOST_SHOWN = 120  # characters of an address in a message


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, int]] = field(default_factory=list)  # (address, line)


def parse(data: bytes) -> Page:
    """A page's ids and the addresses it links or embeds, with their lines."""
    page = Page()
    if not data.strip():
        return page
    root = etree.HTML(data, parser=etree.HTMLParser(encoding="utf-8", recover=True, huge_tree=True))
    if root is None:
        return page
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        found = element.get("id")
        if found:
            page.ids.add(found)
        if element.tag == "a" and element.get("name"):
            page.ids.add(element.get("name"))
        for attribute in LINKING.get(element.tag, ()):
            value = element.get(attribute)
            if value is None:
                continue
            line = element.sourceline or 0
            if attribute == "srcset":
                page.links += [(part.split()[0], line) for part in value.split(",") if part.split()]
            else:
                page.links.append((value.strip(), line))
    return page


def base_of(output: Path) -> str:
    """The site's base URL, as its home page names itself (canonical); "/" when it does not."""
    home = output / "index.html"
    if home.is_file():
        root = etree.HTML(home.read_bytes(), parser=etree.HTMLParser(encoding="utf-8", recover=True))
        if root is not None:
            for link in root.iter("link"):
                if "canonical" in (link.get("rel") or "").split() and link.get("href"):
                    return link.get("href")
    return "/"


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if p.is_file() and not p.is_symlink())


def check(output: Path, shown: str, pages: dict[str, Page] | None = None) -> list[Problem]:
    """Every internal link of every page of `output` (named `shown` in messages)."""
    if pages is None:
        pages = {f.relative_to(output).as_posix(): parse(f.read_bytes()) for f in html_files(output)}
    base = urlsplit(base_of(output))
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    out: list[Problem] = []
    for rel, page in pages.items():
        address = f"{base.scheme or 'http'}://{base.netloc or 'site.invalid'}{base_path}{served_path(rel)}"
        for href, line in page.links:
            found = _resolve(href, address, base.netloc or "site.invalid", base_path)
            if found is None:
                continue
            path, fragment = found
            where, args = f"{shown}/{rel}", {"href": href[:MOST_SHOWN]}
            if path is None:
                out.append(problem(where, line, "error", "GATE_LINK_OUTSIDE", base=base_path, **args))
                continue
            target = _target(output, path)
            if target is None:
                out.append(
                    problem(where, line, "error", "GATE_LINK_BROKEN", target=f"{shown}/{path}", **args)
                )
            elif fragment and target.endswith(".html"):
                ids = pages[target].ids if target in pages else parse((output / target).read_bytes()).ids
                if fragment not in ids and not fragment.startswith(":~:"):
                    out.append(
                        problem(
                            where,
                            line,
                            "error",
                            "GATE_LINK_FRAGMENT",
                            target=f"{shown}/{target}",
                            fragment=fragment[:MOST_SHOWN],
                            **args,
                        )
                    )
    return out


def served_path(rel: str) -> str:
    """The address path (under the base) at which a file is served: a/index.html as a/."""
    return rel.removesuffix("index.html")


def _resolve(href: str, page: str, host: str, base_path: str) -> tuple[str | None, str] | None:
    """(the file path under output/, or None when outside the base path; the fragment),
    or None for a link elsewhere."""
    if href in ("", "#"):
        return None
    try:
        absolute = urlsplit(urljoin(page, href))
    except ValueError:
        return ("\0", "")  # an address that cannot be read leads nowhere
    if absolute.scheme not in ("http", "https", "webcal") or absolute.netloc.lower() != host.lower():
        return None
    path = absolute.path or "/"
    if not path.startswith(base_path) and path + "/" != base_path:
        return None, ""
    return unquote(path[len(base_path) :]), unquote(absolute.fragment)


def _target(output: Path, path: str) -> str | None:
    """The file a path is served from, relative to output/ (None: no such file)."""
    parts = PurePosixPath(path).parts if path else ()
    if "\0" in path or any(part in ("..", ".") for part in parts):
        return None
    file = output.joinpath(*parts) if parts else output
    if path == "" or path.endswith("/") or file.is_dir():
        file = file / "index.html"
    if not file.is_file():
        return None
    return file.relative_to(output).as_posix()
