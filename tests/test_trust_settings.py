"""Site settings are approved too (issue 24, section 5): config.yaml, templates/ and static/
are signed by a settings administrator (`approve --settings`), whose public key CI gives
from outside the repository (SITE_BUILDER_SETTINGS_KEYS).  With real keys made by ssh-keygen.

tests/conftest.py waives the settings for every other test (SITE_BUILDER_REQUIRE_SETTINGS=0);
each test here sets the variables it means.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sitekit import NOW, config_text, item, make_site, run_cli, tree

from site_builder.build import check
from site_builder.cli import main
from site_builder.load import admins as admins_module
from site_builder.load import settings as settings_module
from site_builder.load.config import load_config

REPO = Path(__file__).resolve().parent.parent
MOMENT = datetime.fromisoformat(NOW)
ADMIN = "admin@press.example.kg"
KEYS, REQUIRE = admins_module.KEYS_ENV, admins_module.REQUIRE_ENV
REL = "content/press-releases/remont.md"


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, Path]:
    """Private key files (each with its .pub): two administrators' and an editor's."""
    folder = tmp_path_factory.mktemp("settings-keys")
    made = {}
    for name in ("admin", "admin2", "editor"):
        path = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True
        )
        made[name] = path
    allowed = folder / "allowed_signers"
    lines = [f"{ADMIN} {public(made['admin'])}"]
    lines.append(f'second@press.example.kg namespaces="site-builder-settings" {public(made["admin2"])}')
    allowed.write_text("# the office's settings administrators\n" + "\n".join(lines), encoding="ascii")
    made["allowed"] = allowed
    return made


def public(key: Path) -> str:
    return Path(f"{key}.pub").read_text(encoding="ascii").strip()


@pytest.fixture
def outside(monkeypatch, keys):
    """The administrators' keys given, as CI gives them."""
    monkeypatch.setenv(KEYS, str(keys["allowed"]))
    monkeypatch.delenv(REQUIRE, raising=False)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)


def sign(capsys, root: Path, key: Path, by: str = ADMIN, *extra: str) -> tuple[int, str]:
    args = ["--settings", "--by", by, "--key", str(key), "--yes", "--root", str(root), "--now", NOW]
    code = main(["approve", *args, *extra, "--lang", "en"])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def settings_problems(root: Path) -> list[tuple[str, str, dict]]:
    return [
        (p.severity, p.code, dict(p.args))
        for p in check(root, MOMENT).problems
        if p.code.startswith("SETTINGS_")
    ]


def signed_site(tmp_path: Path, capsys, keys) -> Path:
    root = make_site(
        tmp_path, {REL: item("Ремонт дорог"), "templates/partials/footer_extra.html": "<p>Мэрия</p>\n"}
    )
    (root / "static").mkdir()
    (root / "static" / "emblem.svg").write_text("<svg/>", encoding="ascii")
    code, out = sign(capsys, root, keys["admin"])
    assert code == 0, out
    return root


def test_an_administrators_signature_approves_the_settings(tmp_path, capsys, keys, outside):
    root = signed_site(tmp_path, capsys, keys)
    assert settings_problems(root) == []
    assert check(root, MOMENT).ok
    record = settings_module.read_record(root)[0]
    assert record is not None and [s.by for s in record.model.signatures] == [ADMIN]
    assert (
        "config.yaml people[aliev].roles" in record.model.parts
        and "templates/partials/footer_extra.html" in record.model.parts
    )


def test_stock_ssh_keygen_verifies_the_settings_signature(tmp_path, capsys, keys, outside):
    root = signed_site(tmp_path, capsys, keys)
    record = settings_module.read_record(root)[0]
    entry = record.model.signatures[0]
    (tmp_path / "settings.sig").write_text(entry.signature, encoding="ascii")
    command = [
        "ssh-keygen",
        "-Y",
        "verify",
        "-f",
        str(keys["allowed"]),
        "-I",
        ADMIN,
        "-n",
        "site-builder-settings",
    ]
    message = settings_module.message(entry.by, entry.at, record.model.hash)
    done = subprocess.run(
        [*command, "-s", str(tmp_path / "settings.sig")], input=message, capture_output=True
    )
    assert done.returncode == 0, done.stderr


def _edit_config(root: Path, change) -> None:
    data = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    change({person["id"]: person for person in data["people"]}, data)
    (root / "config.yaml").write_text(config_text(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda people, _: people["petrov"]["roles"].append("pr_department"),
            "config.yaml people[petrov].roles",
        ),
        (
            lambda people, _: people["petrov"].update(emails=["mallory@example.kg"]),
            "config.yaml people[petrov].emails",
        ),
        (
            lambda _, data: data.update(rules={"types": {"press-release": {"four_eyes": False}}}),
            "config.yaml rules.types.press-release",
        ),
    ],
    ids=["grants-itself-pr_department", "adds-an-email", "drops-four-eyes"],
)
def test_an_edit_of_who_may_approve_is_refused(tmp_path, capsys, keys, outside, change, named):
    root = signed_site(tmp_path, capsys, keys)
    _edit_config(root, change)
    found = settings_problems(root)
    assert [(s, c) for s, c, _ in found] == [("error", "SETTINGS_CHANGED")], found
    assert named in found[0][2]["changed"]


def test_adding_a_key_is_refused(tmp_path, capsys, keys, outside):
    root = signed_site(tmp_path, capsys, keys)
    key = public(keys["editor"])
    _edit_config(root, lambda people, _: people["petrov"].update(keys=[{"key": key}]))
    found = settings_problems(root)
    assert [c for _, c, _ in found] == ["SETTINGS_CHANGED"] and "people[petrov].keys" in found[0][2][
        "changed"
    ]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "templates/partials/footer_extra.html",
            "<p>Мэрия</p><p>Неутверждённый текст на каждой странице</p>\n",
        ),
        ("templates/page.html", "{% extends 'base.html' %}"),
        ("static/emblem.svg", "<svg><script>alert(1)</script></svg>"),
        ("static/extra.js", "alert(1)"),
    ],
    ids=["edit-template", "add-template", "edit-static", "add-static"],
)
def test_an_edit_of_a_template_or_static_file_is_refused(tmp_path, capsys, keys, outside, path, data):
    root = signed_site(tmp_path, capsys, keys)
    (root / path).write_text(data, encoding="utf-8")
    found = settings_problems(root)
    assert [c for _, c, _ in found] == ["SETTINGS_CHANGED"] and path in found[0][2]["changed"]


def test_a_removed_template_is_refused(tmp_path, capsys, keys, outside):
    root = signed_site(tmp_path, capsys, keys)
    (root / "templates/partials/footer_extra.html").unlink()
    found = settings_problems(root)
    assert [c for _, c, _ in found] == ["SETTINGS_CHANGED"]
    assert "templates/partials/footer_extra.html" in found[0][2]["changed"]


def test_the_hash_does_not_depend_on_how_config_yaml_is_written(tmp_path, capsys, keys, outside):
    """Comments, key order, flow style, quoting and a default written out change nothing."""
    root = signed_site(tmp_path, capsys, keys)
    data = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    data = dict(reversed(list(data.items())))
    data["rules"] = {**data.get("rules", {}), "kyrgyz_first": False}  # its default, written out
    text = "# reformatted\n" + yaml.safe_dump(data, allow_unicode=True, default_flow_style=True, width=60)
    (root / "config.yaml").write_text(text, encoding="utf-8")
    assert settings_problems(root) == []


def test_a_signature_by_a_key_that_is_not_an_administrators_is_refused(
    tmp_path, capsys, keys, outside, monkeypatch
):
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    code, out = sign(capsys, root, keys["editor"])  # approve itself refuses it, and writes nothing
    assert code == 1 and "SETTINGS_SIGN_NOT_ADMIN" in out and not (root / "settings.approval.yaml").exists()
    monkeypatch.delenv(KEYS)  # an editor's laptop: signed with no administrators' keys to compare
    code, out = sign(capsys, root, keys["editor"], ADMIN)
    assert code == 0 and "CI checks" in out
    monkeypatch.setenv(KEYS, str(keys["allowed"]))
    assert [c for _, c, _ in settings_problems(root)] == ["SETTINGS_NOT_ADMIN"]
    assert not check(root, MOMENT).ok


def test_an_administrators_key_under_another_name_is_refused(tmp_path, capsys, keys, outside):
    """The second administrator's key, signed as if by the first: a signature is its principal's."""
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    code, out = sign(capsys, root, keys["admin2"], ADMIN)
    assert code == 1 and "SETTINGS_SIGN_NOT_ADMIN" in out


def test_a_tampered_record_is_refused(tmp_path, capsys, keys, outside):
    """The time of the signature moved, the signature damaged, the record's parts edited to
    hide a change: the signature or the hash tells."""
    root = signed_site(tmp_path, capsys, keys)
    path = root / "settings.approval.yaml"
    text = path.read_text(encoding="utf-8")
    at = next(line for line in text.splitlines() if line.strip().startswith("at:"))
    path.write_text(text.replace(at, "    at: 2026-11-01T10:00:00+06:00"), encoding="utf-8")
    assert [c for _, c, _ in settings_problems(root)] == ["SETTINGS_SIGNATURE_BAD"]
    lines = text.splitlines()
    index = (
        next(i for i, line in enumerate(lines) if "END SSH SIGNATURE" in line) - 2
    )  # in the signature proper
    lines[index] = lines[index][:-4] + ("AAAA" if not lines[index].endswith("AAAA") else "BBBB")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [c for _, c, _ in settings_problems(root)] == ["SETTINGS_SIGNATURE_BAD"]
    path.write_text(text, encoding="utf-8")
    _edit_config(root, lambda people, _: people["petrov"]["roles"].append("pr_department"))
    fresh = settings_module.settings_of(root, load_config(root))
    forged = text.replace(text.split('"')[1], fresh.digest, 1)  # the new hash, the old signature
    path.write_text(forged, encoding="utf-8")
    assert [c for _, c, _ in settings_problems(root)] == ["SETTINGS_SIGNATURE_BAD"]


def test_a_second_administrator_cosigns_and_a_change_starts_afresh(tmp_path, capsys, keys, outside):
    root = signed_site(tmp_path, capsys, keys)
    code, out = sign(capsys, root, keys["admin2"], "second@press.example.kg")
    assert code == 0, out
    record = settings_module.read_record(root)[0]
    assert [s.by for s in record.model.signatures] == [ADMIN, "second@press.example.kg"]
    assert settings_problems(root) == []
    (root / "static" / "emblem.svg").write_text("<svg></svg>", encoding="ascii")
    code, out = sign(capsys, root, keys["admin"])
    assert code == 0 and "static/emblem.svg" in out  # the summary names what changed
    record = settings_module.read_record(root)[0]
    assert [s.by for s in record.model.signatures] == [ADMIN]  # a signature over other settings dropped
    assert settings_problems(root) == []


def test_without_the_keys_a_build_warns(tmp_path, monkeypatch):
    monkeypatch.delenv(KEYS, raising=False)
    monkeypatch.delenv(REQUIRE, raising=False)
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    assert settings_problems(root) == [("warning", "SETTINGS_UNVERIFIED", {"variable": KEYS})]
    assert check(root, MOMENT).ok


@pytest.mark.parametrize("how", ["option", "environment"])
def test_without_the_keys_a_build_that_requires_them_fails_and_output_stays(tmp_path, how, monkeypatch):
    monkeypatch.delenv(KEYS, raising=False)
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    code, out, err = run_cli("build", "--now", NOW, cwd=root)  # waived (conftest): built
    assert code == 0, out + err
    before = tree(root / "output")
    if how == "environment":
        monkeypatch.setenv(REQUIRE, "1")
    args = ["--require-signed-settings"] if how == "option" else []
    code, out, err = run_cli("build", "--now", NOW, "--lang", "en", *args, cwd=root)
    assert code == 1 and "SETTINGS_KEYS_MISSING" in err and "Traceback" not in out + err, out + err
    assert "up to date" not in out  # the requirement is part of what a build reads
    assert tree(root / "output") == before
    code, out, err = run_cli("check", "--now", NOW, *args, cwd=root)
    assert code == 1 and "SETTINGS_KEYS_MISSING" in out + err


def test_a_changed_keys_file_is_read_again_by_the_next_build(tmp_path, capsys, keys, monkeypatch):
    """The up-to-date check counts the administrators' keys among a build's inputs."""
    monkeypatch.delenv(REQUIRE, raising=False)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    allowed = tmp_path / "admins"
    shutil.copyfile(keys["allowed"], allowed)
    monkeypatch.setenv(KEYS, str(allowed))
    root = signed_site(tmp_path, capsys, keys)
    code, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert code == 0, out + err
    allowed.write_text(f"{ADMIN} {public(keys['editor'])}\n", encoding="ascii")
    code, out, err = run_cli("build", "--now", NOW, "--lang", "en", cwd=root)
    assert code == 1 and "SETTINGS_NOT_ADMIN" in err, out + err


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5m only-a-key", "SETTINGS_KEY_LINE"),
        ("admin ssh-ed25519 AAAA!!!!", "SETTINGS_KEY_LINE"),
        ("*@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5m", "SETTINGS_KEY_LINE"),
        ("admin cert-authority ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5m", "SETTINGS_KEY_LINE"),
        ("/nonexistent/allowed_signers", "SETTINGS_KEYS_UNREADABLE"),
        ("# only a comment\n", "SETTINGS_KEYS_EMPTY"),
    ],
)
def test_keys_that_cannot_be_read_are_an_error(tmp_path, monkeypatch, value, code):
    monkeypatch.setenv(KEYS, value)
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    assert [c for _, c, _ in settings_problems(root)] == [code]
    status, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert status == 1 and code in out + err and "Traceback" not in out + err


@pytest.mark.parametrize(
    "text",
    ["hash: [1, 2]\n", "signatures: {}\n", "hash: x\nhash: y\n", b"\xff\xfe", "hash: &a x\nparts: *a\n"],
)
def test_a_damaged_record_is_an_error(tmp_path, keys, outside, text):
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    path = root / "settings.approval.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    found = settings_problems(root) + [(p.severity, p.code, {}) for p in check(root, MOMENT).problems]
    assert any(s == "error" for s, _, _ in found)
    status, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert status == 1 and "Traceback" not in out + err


def test_the_example_site_passes_with_its_example_administrator(monkeypatch):
    """The example ships settings.approval.yaml signed by the EXAMPLE administrator;
    examples/sign_example.py signs again after anything changes the settings."""
    monkeypatch.setenv(KEYS, str(REPO / "examples" / "keys" / "EXAMPLE-settings-admins"))
    monkeypatch.setenv(REQUIRE, "1")
    assert settings_problems(REPO) == []


def test_approve_settings_refuses_item_options(tmp_path, capsys, keys, outside):
    root = make_site(tmp_path, {REL: item("Ремонт дорог")})
    code = main(["approve", "--settings", str(root / REL), "--by", ADMIN, "--root", str(root), "--now", NOW])
    assert code == 2
    code = main(["approve", "--root", str(root), "--now", NOW, "--by", "aliev"])  # no item
    assert code == 2
    assert "Traceback" not in "".join(capsys.readouterr())


def test_every_reason_is_translated():
    from site_builder.i18n import translations
    from site_builder.judge import settings as judge

    russian = translations("ru", "site_builder").gettext
    assert all(russian(reason) != reason for reason in (*admins_module.REASONS, *judge.REASONS))
