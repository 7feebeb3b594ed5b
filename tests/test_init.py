"""`site-builder init DIR`: a new office's site that checks and builds the first time, with
every config key explained, one example of each type, the CI workflow and the hooks."""

from __future__ import annotations

import re
import sys
import types
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from sitekit import require_now

from site_builder.cli import main
from site_builder.load.config import TYPES, Config, load_config
from site_builder.load.model import MediaRequest
from site_builder.load.skeleton import PLACEHOLDERS

NOW = "2026-12-07T10:00:00+06:00"
LATER = "2026-12-07T12:00:00+06:00"
KINDS = ("press-releases", "rebuttals", "announcements", "media-plans", "media-requests", "questions")


def run(capsys, *args: str) -> tuple[int, str, str]:
    require_now(args)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def init(capsys, target: Path, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "init", str(target), "--now", NOW, *extra)


def test_init_makes_a_site_whose_first_build_passes(tmp_path, capsys):
    root = tmp_path / "press"
    code, out, err = init(capsys, root)
    assert code == 0, err
    assert f"создан сайт в папке {root}" in out and "site-builder build" in out
    for name in (".github/workflows/publish.yml", ".pre-commit-config.yaml", ".gitignore", "README.md"):
        assert (root / name).is_file(), name
    for kind in KINDS:
        assert len(list((root / "content" / kind).rglob("*.md"))) == 1, kind

    code, out, err = run(capsys, "check", "--root", str(root), "--now", LATER)
    assert code == 0, err
    assert " error " not in out + err
    code, out, err = run(capsys, "build", "--root", str(root), "--now", LATER)
    assert code == 0, err
    output = root / "output"
    for page in ("index.html", "press-centre/index.html", "media-requests/index.html", "feeds/all.rss.xml"):
        assert (output / page).is_file(), page
    assert "Пресс-служба администрации района" in (output / "index.html").read_text(encoding="utf-8")
    # The examples are drafts and items under review: none of them is out.
    assert not list(output.glob("press-releases/*/index.html"))
    assert "вывоз мусора" not in (output / "index.html").read_text(encoding="utf-8")


def test_the_options_go_into_config(tmp_path, capsys):
    root = tmp_path / "lenin"
    args = (
        "--name",
        "Пресс-служба администрации Ленинского района",
        "--base-url",
        "https://org.github.io/press/",
    )
    code, _, err = init(capsys, root, *args, "--timezone", "Europe/Moscow")
    assert code == 0, err
    config = load_config(root)
    assert config.site.title == "Пресс-служба администрации Ленинского района"
    assert config.site.base_url == "https://org.github.io/press/"
    assert config.site.timezone == "Europe/Moscow" and config.calendar.country == "RU"
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Пресс-служба администрации Ленинского района\n")
    # The examples' dates are worked out from the day and zone it runs in.
    plan = next((root / "content/media-plans").rglob("*.md"))
    assert plan.relative_to(root).as_posix() == "content/media-plans/2027/mediaplan-yanvar-2027.md"
    assert "from: 2027-01-01\n  to: 2027-01-31\n" in plan.read_text(encoding="utf-8")


def test_init_asks_at_a_terminal(tmp_path, capsys, monkeypatch):
    answers = iter(["Пресс-служба администрации Первомайского района", "", "Asia/Almaty"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    code, _, err = init(capsys, tmp_path / "site")
    assert code == 0, err
    site = load_config(tmp_path / "site").site
    assert site.title == "Пресс-служба администрации Первомайского района"
    assert (site.base_url, site.timezone) == ("https://press.example.org/", "Asia/Almaty")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_init_refuses_a_folder_with_something_in_it(tmp_path, capsys, lang):
    root = tmp_path / "site"
    root.mkdir()
    (root / "notes.txt").write_text("мои заметки", encoding="utf-8")
    code, _, err = init(capsys, root, "--lang", lang)
    assert code == 1
    said = {
        "ru": f"{root}: error INIT_NOT_EMPTY папка {root} не пуста (записей: 1, например notes.txt)",
        "en": f"{root}: error INIT_NOT_EMPTY {root} is not empty (1 entries, such as notes.txt)",
    }
    assert said[lang] in err
    assert {"ru": "ничего не записано", "en": "nothing was written"}[lang] in err
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]

    (tmp_path / "file").write_text("", encoding="utf-8")
    code, _, err = init(capsys, tmp_path / "file", "--lang", lang)
    assert code == 1 and "INIT_NOT_A_FOLDER" in err


def test_init_into_an_empty_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert init(capsys, tmp_path / "empty", "-q") == (0, "", "")
    assert (tmp_path / "empty" / "config.yaml").is_file()


def test_wrong_options_are_refused_before_anything_is_written(tmp_path, capsys):
    root = tmp_path / "site"
    code, _, err = init(capsys, root, "--timezone", "Asia/Bishkeg", "--base-url", "press.example.org")
    assert code == 1
    assert "--timezone: error BAD_TIMEZONE" in err and "Asia/Bishkeg" in err
    assert "--base-url: error BAD_URL" in err
    assert not root.exists()


# --- config.yaml: every key the model accepts is there, and explained in Russian -------------


def model_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every key path of a model: lists of models add their keys under the list's key; a
    mapping from type names to models adds them under `*`."""
    out = set()
    for name, field in model.model_fields.items():
        path = (*prefix, field.alias or name)
        out.add(path)
        for inner in _models(field.annotation):
            out |= model_paths(inner[1], path + inner[0])
    return out


def _models(annotation: object) -> list[tuple[tuple[str, ...], type[BaseModel]]]:
    """The models a field's type holds, with the path segment a mapping adds."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [((), annotation)]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict:
        return [(("*", *segments), model) for segments, model in _models(args[1])]
    if origin in (list, typing.Union, types.UnionType):
        return [found for arg in args for found in _models(arg)]
    return []


KEY = re.compile(r"^(\s*)(- )?([A-Za-z_][\w-]*):(?:\s|$)(.*)$")
CYRILLIC = re.compile(r"[а-яё]", re.I)


def template_keys(text: str) -> dict[tuple[str, ...], bool]:
    """Every key path written in the file, commented-out examples (`# keys:`) included, and
    whether a Russian comment explains it (on its line or on the line above)."""
    found: dict[tuple[str, ...], bool] = {}
    stack: list[tuple[int, str]] = []
    previous = ""
    for raw in text.splitlines():
        commented = re.match(r"^(\s*)# ?(.*)$", raw)
        line = commented.group(1) + commented.group(2) if commented else raw
        match = KEY.match(line)
        if match:
            column = len(match.group(1)) + (2 if match.group(2) else 0)
            while stack and stack[-1][0] >= column:
                stack.pop()
            stack.append((column, match.group(3)))
            rest = match.group(4)
            explained = ("#" in rest and bool(CYRILLIC.search(rest.split("#", 1)[1]))) or (
                previous.lstrip().startswith("#") and bool(CYRILLIC.search(previous))
            )
            path = tuple(key for _, key in stack)
            found[path] = found.get(path, False) or explained
        previous = raw
    return found


def _matches(model_path: tuple[str, ...], written: tuple[str, ...]) -> bool:
    return len(model_path) == len(written) and all(
        m in ("*", w) for m, w in zip(model_path, written, strict=True)
    )


def test_every_config_key_is_in_the_init_config_and_explained(tmp_path, capsys):
    assert init(capsys, tmp_path / "site", "-q")[0] == 0
    text = (tmp_path / "site" / "config.yaml").read_text(encoding="utf-8")
    written = template_keys(text)
    missing = [p for p in model_paths(Config) if not any(_matches(p, w) for w in written)]
    assert not missing, f"keys of the config model missing from starter/config.yaml: {sorted(missing)}"
    unexplained = [
        ".".join(p)
        for p in model_paths(Config)
        if not any(_matches(p, w) and ok for w, ok in written.items())
    ]
    assert not unexplained, f"keys without a Russian comment in starter/config.yaml: {unexplained}"
    assert set(yaml.safe_load(text)["rules"]["types"]) == set(TYPES)


def test_the_key_walk_sees_a_new_key(tmp_path):
    """The test above would fail for a key added to the model: its walk finds nested keys."""
    assert ("people", "keys", "from") in model_paths(Config)
    assert ("rules", "types", "*", "signatures") in model_paths(Config)
    assert ("people", "active", "to") in model_paths(Config)
    assert not any(_matches(("site", "logo"), w) for w in template_keys("site:\n  title: x  # название\n"))


# --- the examples: real text, each type, and the files CI and git need ------------------------


def skeleton_texts() -> set[str]:
    """Every text `site-builder new` writes for an editor to replace: load/skeleton.py's list,
    which the skeleton writer and the check share."""
    return {placeholder.text for placeholder in PLACEHOLDERS if placeholder.text}


def test_the_examples_are_real_text_of_every_type(tmp_path, capsys):
    assert init(capsys, tmp_path / "site", "-q")[0] == 0
    root = tmp_path / "site"
    skeleton = skeleton_texts()
    assert "Название издания" in skeleton  # what the check below looks for
    for path in (root / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        left = [s for s in skeleton if s in text]
        assert not left, f"{path.relative_to(root)} holds skeleton text of `new`: {left}"
        front = yaml.safe_load(text.split("---\n")[1])
        if "media-requests" in path.parts:
            MediaRequest.model_validate(front)
        else:
            assert front["status"] in ("draft", "review"), path  # nothing approved that nobody approved
            assert "approval" not in front and "date" not in front


def test_the_ci_workflow_and_the_hooks(tmp_path, capsys):
    assert init(capsys, tmp_path / "site", "-q")[0] == 0
    root = tmp_path / "site"
    workflow = yaml.safe_load((root / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    steps = [s.get("run", "") for s in workflow["jobs"]["build"]["steps"]]
    commands = [next((s for s in steps if s.startswith(c)), None) for c in ("pip install", "site-builder")]
    assert all(commands), steps
    order = [
        next(i for i, s in enumerate(steps) if s.startswith(f"site-builder {c}"))
        for c in ("check", "build", "verify")
    ]
    assert order == sorted(order)
    # the whole gate, every tool required (installed before it), before the site is uploaded
    assert steps[order[2]] == "site-builder verify output/ --require-all"
    tools = next(i for i, s in enumerate(steps) if "axe-core@" in s and "vnu-jar@" in s)
    assert tools < order[2]
    uses = [s.get("uses", "") for s in workflow["jobs"]["build"]["steps"]]
    assert order[2] < next(i for i, u in enumerate(uses) if u.startswith("actions/upload-pages-artifact"))
    assert workflow["jobs"]["deploy"]["needs"] == "build"  # the build job holds the verify step
    hook = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hook["repos"][0]["hooks"][0]["entry"] == "site-builder check"
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"output/", ".site-cache/"} <= set(ignored)
