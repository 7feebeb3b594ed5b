"""Roles in config.yaml: one named in a rule that nobody holds, or held by someone and named
nowhere (a typo such as `pr_departmnet`), is a config error with its line and a "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import NOW, config_dict, make_site

from site_builder.cli import main


def check(capsys, root: Path, lang: str = "ru") -> tuple[int, str]:
    code = main(["check", "--root", str(root), "--now", NOW, "--lang", lang])
    return code, capsys.readouterr().err


def line_of(root: Path, text: str) -> int:
    lines = (root / "config.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip() == f"- {text}")


def test_a_mistyped_role_a_person_holds(tmp_path, capsys):
    config = config_dict()
    config["people"][2]["roles"] = ["pr_departmnet"]  # petrov
    root = make_site(tmp_path, config=config)
    code, err = check(capsys, root)
    assert code == 1
    at = line_of(root, "pr_departmnet")
    assert f"config.yaml:{at}: error ROLE_UNKNOWN роль pr_departmnet у petrov" in err
    assert "Возможно, имелось в виду 'pr_department'?" in err
    assert "press_secretary" in err  # the roles there are, listed


def test_a_role_named_in_a_rule_that_nobody_holds(tmp_path, capsys):
    config = config_dict()
    config["rules"]["types"]["rebuttal"]["approver_roles"] = ["pr_departmen"]
    root = make_site(tmp_path, config=config)
    code, err = check(capsys, root, "en")
    assert code == 1
    at = line_of(root, "pr_departmen")
    assert f"config.yaml:{at}: error ROLE_UNHELD nobody can approve type rebuttal" in err
    assert "Did you mean 'pr_department'?" in err


def test_a_step_nobody_holds_says_which_role_was_meant(tmp_path, capsys):
    config = config_dict()
    config["rules"]["types"]["press-release"] = {"steps": ["division_haed", "pr_department"]}
    config["people"][0]["heads"] = ["transport"]
    root = make_site(tmp_path, config=config)
    code, err = check(capsys, root, "en")
    assert code == 1
    assert f"config.yaml:{line_of(root, 'division_haed')}: error STEP_ROLE_UNHELD" in err
    assert "Did you mean 'division_head'?" in err


@pytest.mark.parametrize(
    "roles",
    [["pr_department"], ["press_secretary"], ["legal"], []],
    ids=["built-in approver", "built-in author", "named in a rule", "none"],
)
def test_roles_with_a_meaning_pass(tmp_path, capsys, roles):
    config = config_dict()
    config["rules"]["types"]["announcement"]["approver_roles"] = ["pr_department", "legal"]
    config["people"][2]["roles"] = roles
    config["people"].append({"id": "lawyer", "name": "Юрист", "roles": ["legal"], "division": "pr"})
    root = make_site(tmp_path, config=config)
    code, err = check(capsys, root)
    assert code == 0, err
    assert "ROLE_" not in err


def test_the_example_site_has_no_role_problem(capsys):
    root = Path(__file__).resolve().parent.parent
    assert "ROLE_" not in check(capsys, root)[1]  # `head` of the mayor, once; heads: says it now
