"""The site's own pictures (`site.image`, `site.emblem` of config.yaml): warnings when one is
missing, unreadable or narrower than search engines ask for."""

from __future__ import annotations

from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load import links, pictures, yamlsafe
from site_builder.load.config import Config

# Search engines show a page's picture in a rich result only from this width up.
PICTURE_WIDTH = 1200


def picture_problems(root: Path, config: Config) -> list[Problem]:
    """Warnings on the site's pictures (`site.image`, `site.emblem`): a file the site does
    not have, one that cannot be read, an image narrower than search engines ask for."""
    out: list[Problem] = []
    raw = links.read(root / "config.yaml")
    _data, lines, _problems = yamlsafe.load(raw.decode("utf-8", "replace"), "config.yaml")
    for key in ("image", "emblem"):
        name = getattr(config.site, key)
        if not name or name.startswith(("http://", "https://")):
            continue
        line = yamlsafe.line_for(lines, ("site", key), 1)
        args = {"key": f"site.{key}", "file": name}
        path = (root / name.lstrip("/")).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            out.append(problem("config.yaml", line, "warning", "SITE_PICTURE_MISSING", **args))
            continue
        try:
            found = pictures.width(links.read(path))
        except (OSError, pictures.Damaged) as exc:
            out.append(problem("config.yaml", line, "warning", "SITE_PICTURE_UNREADABLE", why=exc, **args))
            continue
        if key == "image" and found is not None and found < PICTURE_WIDTH:
            out.append(
                problem(
                    "config.yaml",
                    line,
                    "warning",
                    "SITE_IMAGE_SMALL",
                    width=found,
                    least=PICTURE_WIDTH,
                    **args,
                )
            )
    return out
