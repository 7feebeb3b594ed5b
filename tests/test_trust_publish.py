"""Journalists can verify (issue 24, part "pub"), with real keys made by ssh-keygen.

A published page carries its signed approvals: embedded for programs, and as
approval.txt (the exact signed message) and approval.sig next to the page for stock
ssh-keygen; /keys/ lists the approvers' keys with their windows (keys that ended too) and
keys/allowed_signers gives them to ssh-keygen; the commands the pages show verify them;
`site-builder verify` does the same for an address, a saved page or a folder.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, config_dict, item, make_site, output_bytes, run_cli

from site_builder.build import build, check
from site_builder.commands import pagecheck
from site_builder.commands.approve import rewrite
from site_builder.judge.signatures import signed
from site_builder.load import allowed, content, discover, markdown, sshsig
from site_builder.load.config import load_config
from site_builder.load.model import Approval

REL = "content/press-releases/remont.md"
OTHER = "content/press-releases/most.md"
MOMENT = datetime.fromisoformat(NOW)
STEP1, STEP2 = "2026-11-20T08:00:00+06:00", "2026-11-20T09:00:00+06:00"
BOTH = [("division_head", "boss", STEP1, "head"), ("pr_department", "aliev", STEP2, "pr")]
PAGE = "press-releases/remont/"
VERIFY = ["ssh-keygen", "-Y", "verify", "-n", sshsig.NAMESPACE, "-f"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> dict[str, Path]:
    """Private key files by name (each with its .pub): ed25519, and one RSA."""
    folder = tmp_path_factory.mktemp("keys")
    made = {}
    for name in ("head", "pr", "pr_old", "other", "stranger", "rsa"):
        kind = ["-t", "rsa", "-b", "2048"] if name == "rsa" else ["-t", "ed25519"]
        path = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", *kind, "-N", "", "-C", f"{name}@laptop", "-f", str(path)], check=True
        )
        made[name] = path
    return made


def pub(keys: dict[str, Path], name: str) -> str:
    return Path(f"{keys[name]}.pub").read_text(encoding="ascii").strip()


def settings(keys: dict[str, Path], base_url: str = "https://press.example.kg/", **site: object) -> dict:
    """Press releases in two signed steps; aliev's old key ended on 2026-06-30 (rotated),
    sydykova signs with ed25519 or RSA; the head of transport (boss) gives the first step."""
    config = config_dict()
    config["site"] = config["site"] | {"base_url": base_url, **site}
    people = {person["id"]: person for person in config["people"]}
    people["aliev"]["keys"] = [
        {"key": pub(keys, "pr_old"), "from": "2025-01-01", "to": "2026-06-30"},
        {"key": pub(keys, "pr"), "from": "2026-07-01"},
    ]
    people["sydykova"]["keys"] = [{"key": pub(keys, "other")}, {"key": pub(keys, "rsa")}]
    config["people"].append(
        {
            "id": "boss",
            "name": "Начальник управления транспорта",
            "division": "transport",
            "heads": ["transport"],
            "keys": [{"key": pub(keys, "head")}],
        }
    )
    config["rules"]["types"]["press-release"] = {
        "steps": ["division_head", "pr_department"],
        "signatures": "required",
    }
    return config


def ssh_sign(key: Path, message: bytes, namespace: str = sshsig.NAMESPACE) -> str:
    done = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-n", namespace, "-f", str(key)],
        input=message,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("ascii")


def approve(root: Path, keys, entries: list[tuple], rel: str = REL) -> None:
    """Write the approval steps [(step, by, at, key name)] into the file, each signed."""
    source, _ = discover.read_source(root / "content", rel.removeprefix("content/"))
    assert source is not None
    found, problems = content.parse(source, load_config(root), markdown.make_parser())
    assert found is not None, problems
    approvals = []
    for step, by, at, key in entries:
        approval = Approval(by=by, at=datetime.fromisoformat(at), hash=found.digest, step=step)
        signature = ssh_sign(keys[key], signed(found, approval, step).message())
        approvals.append(approval.model_copy(update={"signature": signature}))
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(rewrite(text, "approved", tuple(approvals), len(entries) > 1), encoding="utf-8")


def signed_site(tmp_path: Path, keys, base_url: str = "https://press.example.kg/", **site: object) -> Path:
    """Two signed press releases, remont (the current keys) and most (in May: aliev's old key)."""
    files = {
        REL: item("Ремонт дорог", status="review", approval=None),
        OTHER: item("Новый мост", date="2026-05-20T10:00:00+06:00", status="review", approval=None),
    }
    root = make_site(tmp_path, files, settings(keys, base_url, **site))
    approve(root, keys, BOTH)
    may = [("division_head", "boss", "2026-05-20T08:00:00+06:00", "head")]
    approve(root, keys, [*may, ("pr_department", "aliev", "2026-05-20T09:00:00+06:00", "pr_old")], OTHER)
    return root


def built(root: Path) -> Path:
    result = build(root, MOMENT, root / "output")
    assert result.ok, [(p.path, p.code, p.args) for p in result.problems if p.is_error]
    return root / "output"


@pytest.fixture(scope="module")
def one_build(tmp_path_factory, keys) -> Path:
    """The signed site built once, for the tests that only read its output."""
    return built(signed_site(tmp_path_factory.mktemp("once"), keys))


def embedded(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="approval">(.*?)</script>', page, re.S)
    assert found, "no approval record in the page"
    return json.loads(found.group(1))


def shown_commands(page: str) -> list[str]:
    """The commands an item page shows under "Electronic signature"."""
    section = page[page.index('class="approvals"') :]
    block = re.search(r"<pre><code>(.*?)</code></pre>", section, re.S)
    assert block
    return html.unescape(block.group(1)).split("\n")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """An HTTP server over tmp_path/site/output (the folder the build makes)."""
    folder = tmp_path / "site" / "output"
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=60)


# --- what a published page carries -------------------------------------------------------


def test_a_signed_page_carries_its_approvals_as_files_and_for_programs(tmp_path, keys):
    output = built(signed_site(tmp_path, keys))
    folder = output / PAGE
    record = embedded((folder / "index.html").read_text(encoding="utf-8"))
    assert record["url"] == "https://press.example.kg/" + PAGE
    assert (record["path"], record["item"], record["lang"]) == (REL, "press-releases/remont", "ru")
    assert record["keys"] == "https://press.example.kg/keys/allowed_signers"
    assert [(a["step"], a["by"], a["at"]) for a in record["approvals"]] == [
        ("division_head", "boss", STEP1),
        ("pr_department", "aliev", STEP2),
    ]
    release = record["approvals"][1]
    message = (folder / "approval.txt").read_bytes()
    assert message.decode() == release["message"]
    assert message.startswith(b"site-builder approval 1\npath: " + REL.encode() + b"\n")
    assert (folder / "approval.sig").read_text(encoding="ascii") == release["signature"]
    assert (folder / "approval-division_head.txt").read_text(encoding="utf-8") == record["approvals"][0][
        "message"
    ]
    # Stock ssh-keygen verifies each file pair against the published allowed_signers.
    for person, name in (("aliev", "approval"), ("boss", "approval-division_head")):
        done = subprocess.run(
            [*VERIFY, str(output / "keys/allowed_signers"), "-I", person, "-s", str(folder / f"{name}.sig")],
            input=(folder / f"{name}.txt").read_bytes(),
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0 and b"Good" in done.stdout, done.stderr


def test_allowed_signers_give_every_key_its_window_in_utc(tmp_path, keys):
    output = built(signed_site(tmp_path, keys))
    lines = [
        line
        for line in (output / "keys/allowed_signers").read_text().splitlines()
        if not line.startswith("#")
    ]
    key = {name: pub(keys, name).split()[1] for name in ("pr_old", "pr", "rsa", "head")}
    space = f'namespaces="{sshsig.NAMESPACE}"'
    # The site's days (Asia/Bishkek, +06:00), both ends included: 2025-01-01 00:00 to 2026-06-30 23:59:59.
    window = 'valid-after="20241231180000Z",valid-before="20260630175959Z"'
    assert f"aliev {space},{window} ssh-ed25519 {key['pr_old']}" in lines
    assert f'aliev {space},valid-after="20260630180000Z" ssh-ed25519 {key["pr"]}' in lines
    assert f"sydykova {space} ssh-rsa {key['rsa']}" in lines
    assert f"boss {space} ssh-ed25519 {key['head']}" in lines
    assert len(lines) == 5
    assert "@laptop" not in (output / "keys/allowed_signers").read_text()  # no key's comment (user@host)
    # ssh-keygen reads the file as this program writes it, with the windows.
    done = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "find-principals",
            "-f",
            str(output / "keys/allowed_signers"),
            "-s",
            str(output / PAGE / "approval.sig"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip() == "aliev", done.stderr
    assert next((a.principals, a.before) for a in allowed.parse("\n".join(lines))) == (
        ("aliev",),
        datetime.fromisoformat("2026-06-30T23:59:59+06:00"),
    )


def test_the_keys_page_lists_every_approvers_keys_with_their_windows_in_each_language(tmp_path, keys):
    output = built(signed_site(tmp_path, keys, languages=["ru", "ky"]))
    page = (output / "keys/index.html").read_text(encoding="utf-8")
    assert "Ключи подписи и проверка публикаций" in page and 'href="/keys/allowed_signers"' in page
    for name in ("pr_old", "pr", "other", "rsa", "head"):
        assert sshsig.read_key(pub(keys, name)).fingerprint in page
    assert "действует с 1 января 2025 по 30 июня 2026" in page and "срок истёк" in page  # the old key
    assert "действует с 1 июля 2026" in page
    assert "ssh-keygen -Y verify -f allowed_signers -I ПОДПИСАВШИЙ -n site-builder-approval" in page
    kyrgyz = (output / "ky/keys/index.html").read_text(encoding="utf-8")
    assert "Кол тамга ачкычтары" in kyrgyz and 'lang="ky"' in kyrgyz
    for folder in ("", "ky/"):  # every page's footer leads to it
        assert f'<a href="/{folder}keys/">' in (output / folder / "index.html").read_text(encoding="utf-8")
    # A site without keys has no such page, and no approval files.
    output = built(make_site(tmp_path / "keyless", {REL: item("Ремонт дорог")}))
    assert not (output / "keys").exists()
    assert "/keys/" not in (output / "index.html").read_text(encoding="utf-8")
    assert not list(output.rglob("approval*"))
    assert 'id="approval"' not in (output / PAGE / "index.html").read_text(encoding="utf-8")


def test_the_commands_on_the_page_verify_it_with_stock_tools(tmp_path, keys, served):
    """The journalist's three commands, as the page shows them, over HTTP: Good signature;
    a tampered approval.txt fails.  The approval signed in May with aliev's key that has
    ended since verifies at its own time (-O verify-time), and not without it."""
    output = built(signed_site(tmp_path, keys, base_url=served))
    for page, person in ((PAGE, "aliev"), ("press-releases/most/", "aliev")):
        commands = shown_commands((output / page / "index.html").read_text(encoding="utf-8"))
        assert commands[0].startswith(f"curl -fsSL --remote-name-all {served}keys/allowed_signers ")
        assert commands[1] == "cat approval.txt"
        assert commands[2].startswith(
            f"ssh-keygen -Y verify -f allowed_signers -I {person} -n site-builder-approval"
        )
        work = tmp_path / page.replace("/", "-")
        work.mkdir()
        fetched = shell(commands[0], work)
        assert fetched.returncode == 0, fetched.stderr
        assert sorted(p.name for p in work.iterdir()) == [
            "allowed_signers",
            "approval-division_head.sig",
            "approval-division_head.txt",
            "approval.sig",
            "approval.txt",
        ]
        assert f"by: {person}" in shell(commands[1], work).stdout
        for command in (commands[2], commands[4]):
            done = shell(command, work)
            assert done.returncode == 0 and 'Good "site-builder-approval" signature for' in done.stdout, (
                done.stderr
            )
        message = (work / "approval.txt").read_text(encoding="utf-8")
        (work / "approval.txt").write_text(
            message.replace("hash: sha256:", "hash: sha256:0"), encoding="utf-8"
        )
        tampered = shell(commands[2], work)
        assert tampered.returncode != 0 and "Good" not in tampered.stdout
        (work / "approval.txt").write_text(message, encoding="utf-8")
        without_time = shell(re.sub(r" -O verify-time=\S+", "", commands[2]), work)
        if page == PAGE:
            assert without_time.returncode == 0  # a key still valid today
        else:
            assert without_time.returncode != 0 and "expired" in without_time.stderr


def test_the_keys_page_recipe_verifies_a_page(tmp_path, keys, served):
    """The three general commands of /keys/, with ADDRESS and PERSON filled in."""
    output = built(signed_site(tmp_path, keys, base_url=served))
    page = html.unescape((output / "keys/index.html").read_text(encoding="utf-8"))
    recipe = [html.unescape(c) for c in re.findall(r"<pre><code>(.*?)</code></pre>", page, re.S)]
    assert len(recipe) == 3 and recipe[1] == "cat approval.txt"
    filled = [c.replace("АДРЕС", served + PAGE).replace("ПОДПИСАВШИЙ", "aliev") for c in recipe]
    for command in filled:
        done = shell(command, tmp_path)
        assert done.returncode == 0, (command, done.stderr)
    assert 'Good "site-builder-approval" signature for aliev' in done.stdout


def test_nothing_of_an_unpublished_item_is_published(tmp_path, keys):
    """An embargoed item and a draft that keeps its signed approval: no approval file, no
    record, no byte of their signatures or messages anywhere in output/."""
    root = signed_site(tmp_path, keys)
    later = "content/press-releases/later.md"
    draft = "content/press-releases/draft.md"
    (root / later).write_text(item("Потом", date="2026-12-20T10:00:00+06:00", status="review", approval=None))
    (root / draft).write_text(
        item("Черновик", date="2026-12-21T10:00:00+06:00", status="review", approval=None)
    )
    for rel in (later, draft):
        approve(root, keys, BOTH, rel)
    text = (root / draft).read_text(encoding="utf-8")
    (root / draft).write_text(text.replace("status: approved", "status: draft"), encoding="utf-8")
    output = built(root)
    assert (output / PAGE / "approval.sig").is_file()  # the published item's, beside them
    everything = b"\n".join(data for _rel, data in output_bytes(output))
    for rel in (later, draft):
        for block in re.findall(
            r"signature: \|\n((?:      .*\n)+)", (root / rel).read_text(encoding="utf-8")
        ):
            value = block.split("\n")[-3].strip()  # the last line of base64: the signature proper
            assert len(value) > 20 and value.encode() not in everything, rel
        assert rel.encode() not in everything
    assert b"PRIVATE KEY" not in everything


def test_a_withdrawn_items_notice_keeps_its_original_approvals(tmp_path, keys):
    root = signed_site(tmp_path, keys)
    withdrawn = {"at": "2026-11-21T10:00:00+06:00", "reason": "Ошибка в сроках"}
    (root / REL).write_text(item("Ремонт дорог", status="review", approval=None, withdrawn=withdrawn))
    approve(root, keys, BOTH)  # a withdrawal is approved like any change
    path = root / REL
    path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: withdrawn"))
    output = built(root)
    page = (output / PAGE / "index.html").read_text(encoding="utf-8")
    assert "Ошибка в сроках" in page and "Текст материала" not in page
    record = embedded(page)
    assert record["withdrawn"] is True and len(record["approvals"]) == 2
    assert (output / PAGE / "approval.sig").is_file()
    code, out, _ = run_cli("verify", str(output / PAGE), cwd=tmp_path)
    assert code == 0 and "публикация отозвана" in out


def test_signatures_off_publishes_none(tmp_path, keys):
    root = signed_site(tmp_path, keys)
    config = settings(keys)
    config["rules"]["types"]["press-release"]["signatures"] = "off"
    (root / "config.yaml").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    output = built(root)
    assert not list(output.rglob("approval*"))
    assert 'id="approval"' not in (output / PAGE / "index.html").read_text(encoding="utf-8")
    assert (output / "keys/allowed_signers").is_file()  # the keys are still the site's


def test_an_attachment_named_like_an_approval_file_is_a_collision(tmp_path, keys):
    root = signed_site(tmp_path, keys)
    bundle = root / "content/press-releases/remont"
    bundle.mkdir()
    (root / REL).rename(bundle / "index.md")
    (bundle / "approval.sig").write_bytes(b"forged")
    approve(root, keys, BOTH, "content/press-releases/remont/index.md")
    codes = [p.code for p in check(root, MOMENT).problems if p.is_error]
    assert codes == ["URL_COLLISION"], codes


def test_a_preview_of_a_draft_carries_no_approval(tmp_path, keys):
    from site_builder.view.signed import shown

    root = signed_site(tmp_path, keys)
    result = check(root, MOMENT)
    entry = result.site.by_source[REL.removeprefix("content/")]
    assert len(shown(entry, result.config)) == 2
    entry.preview = True
    assert shown(entry, result.config) == ()


# --- site-builder verify ----------------------------------------------------------------------


def test_verify_an_address_a_file_and_a_folder(tmp_path, keys, served):
    built(signed_site(tmp_path, keys, base_url=served))
    code, out, err = run_cli("verify", served + PAGE, cwd=tmp_path)
    assert code == 0, err
    assert "✓ этап division_head: boss" in out and "✓ этап pr_department: aliev" in out
    assert (
        f"ВЕРНО: каждое согласование этой страницы подписано ключом сайта ({served}keys/allowed_signers)"
        in out
    )
    code, out, _ = run_cli("verify", served + "press-releases/most/index.html", "--lang", "en", cwd=tmp_path)
    assert code == 0 and "valid: every approval" in out  # signed by a key that has ended since
    output = tmp_path / "site/output"
    code, out, _ = run_cli("verify", str(output / PAGE / "index.html"), cwd=tmp_path)
    assert code == 0 and f"страница называет себя {served}{PAGE}" in out
    code, out, _ = run_cli("verify", str(output), cwd=tmp_path)
    assert code == 0 and "страниц с верными подписями: 2, с неверными: 0" in out
    code, out, err = run_cli("verify", served, cwd=tmp_path)  # the home page: no approval
    assert code == 1 and "на странице нет подписанного согласования" in err and "НЕ ВЕРНО" in err


def test_verify_says_why_it_cannot_check(tmp_path, keys, served):
    output = built(signed_site(tmp_path, keys, base_url=served))
    saved = tmp_path / "saved.html"
    saved.write_bytes((output / PAGE / "index.html").read_bytes())
    cases = [
        ((served + "press-releases/nyet/",), "не удалось скачать", "HTTP 404"),
        (("http://127.0.0.1:1/page/",), "не удалось скачать", ""),
        (("ftp://example.kg/page/",), "не адрес http:// или https://", ""),
        ((str(tmp_path / "nowhere.html"),), "нет такой страницы или папки", ""),
        ((str(saved),), "не найден файл keys/allowed_signers", "--keys"),
        ((str(saved), "--keys", str(tmp_path / "nokeys")), "не удаётся прочитать", ""),
    ]
    for args, said, also in cases:
        code, out, err = run_cli("verify", *args, cwd=tmp_path)
        assert code == 2 and said in err and also in err and "Traceback" not in err + out, (args, err)
    (tmp_path / "broken_signers").write_text('aliev namespaces="x ssh-ed25519 AAAA\n', encoding="utf-8")
    code, _, err = run_cli("verify", str(saved), "--keys", str(tmp_path / "broken_signers"), cwd=tmp_path)
    assert code == 2 and "строку 1 файла ключей" in err
    code, out, _ = run_cli("verify", str(saved), "--keys", served + "keys/allowed_signers", cwd=tmp_path)
    assert code == 0, out


def _with_record(page: str, change) -> str:
    record = embedded(page)
    change(record)
    text = json.dumps(record, ensure_ascii=False).replace("<", "\\u003c")
    return re.sub(
        r'(id="approval">).*?(</script>)', lambda m: m.group(1) + text + m.group(2), page, flags=re.S
    )


def _release(record: dict) -> dict:
    return record["approvals"][1]


def _resign(keys, name: str, namespace: str = sshsig.NAMESPACE):
    def change(record: dict) -> None:
        _release(record)["signature"] = ssh_sign(keys[name], _release(record)["message"].encode(), namespace)

    return change


def _rehash(record: dict) -> None:
    one = _release(record)
    one["message"] = one["message"].replace(one["hash"], "sha256:" + "1" * 64)
    one["hash"] = "sha256:" + "1" * 64


def _move(record: dict) -> None:
    record["path"], record["item"] = OTHER, "press-releases/most"


def _set(field: str, value: str):
    return lambda record: _release(record).update({field: value})


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_rehash, "VERIFY_SIGNATURE_BAD"),  # the message changed with the text's hash: forged
        (_set("hash", "sha256:" + "2" * 64), "VERIFY_MESSAGE_MISMATCH"),  # says another hash than it signed
        (_move, "VERIFY_MESSAGE_MISMATCH"),  # the approvals of remont on another page
        (_set("step", "division_head"), "VERIFY_MESSAGE_MISMATCH"),
        ("stranger", "VERIFY_KEY_UNLISTED"),  # a key the site does not publish
        ("other", "VERIFY_KEY_OTHER_PERSON"),  # sydykova's key, for aliev's approval
        ("pr_old", "VERIFY_KEY_WINDOW"),  # aliev's key that ended in June, in November
        ("namespace", "VERIFY_NAMESPACE"),
        (
            _set("signature", "-----BEGIN SSH SIGNATURE-----\nbm90\n-----END SSH SIGNATURE-----"),
            "VERIFY_SIGNATURE_MALFORMED",
        ),
        (_set("message", "site-builder approval 1\n"), "VERIFY_MESSAGE_MALFORMED"),
    ],
)
def test_verify_refuses_a_page_whose_approval_does_not_hold(one_build, keys, change, code):
    output = one_build
    page = (output / PAGE / "index.html").read_text(encoding="utf-8")
    if change == "namespace":
        change = _resign(keys, "pr", "file")
    elif isinstance(change, str):
        change = _resign(keys, change)
    signers = allowed.parse((output / "keys/allowed_signers").read_text())
    assert pagecheck.check("page", page, signers).valid
    verdict = pagecheck.check("page", _with_record(page, change), signers)
    assert not verdict.valid and not verdict.problems
    assert verdict.approvals[1].problem is not None and verdict.approvals[1].problem.code == code
    assert verdict.approvals[0].problem is None or change is _move  # the first step is untouched


def test_verify_refuses_a_changed_page(tmp_path, keys, served):
    output = built(signed_site(tmp_path, keys, base_url=served))
    page = (output / PAGE / "index.html").read_text(encoding="utf-8")
    signers = allowed.parse((output / "keys/allowed_signers").read_text())
    kyrgyz = page.replace('<html lang="ru"', '<html lang="ky"')
    assert pagecheck.check("p", kyrgyz, signers).approvals[0].problem.code == "VERIFY_MESSAGE_MISMATCH"
    broken = page.replace('id="approval">{', 'id="approval">{{')
    assert [p.code for p in pagecheck.check("p", broken, signers).problems] == ["VERIFY_RECORD_MALFORMED"]
    twice = page.replace("</head>", '<script type="application/json" id="approval">{}</script></head>')
    assert [p.code for p in pagecheck.check("p", twice, signers).problems] == ["VERIFY_RECORD_MALFORMED"]
    deep = re.sub(
        r'(id="approval">).*?(</script>)', lambda m: m.group(1) + "[" * 100_000 + m.group(2), page, flags=re.S
    )
    assert [p.code for p in pagecheck.check("p", deep, signers).problems] == ["VERIFY_RECORD_MALFORMED"]
    # What the page says cannot redraw the verdict on the terminal.
    spoof = _with_record(page, _set("by", "aliev\x1b[2K\r  ✓ ВЕРНО\u202e"))
    (output / PAGE / "spoof.html").write_text(spoof, encoding="utf-8")
    code, out, err = run_cli("verify", str(output / PAGE / "spoof.html"), cwd=tmp_path)
    assert code == 1 and "\x1b" not in out + err and "\u202e" not in out + err and "\\x1b[2K\\r" in err
    # A copy of remont's page served at most's address: it says it is remont's.
    (output / "press-releases/most/index.html").write_text(page, encoding="utf-8")
    code, _, err = run_cli("verify", served + "press-releases/most/", cwd=tmp_path)
    assert (
        code == 1
        and f"страница называет себя {served}{PAGE}, но получена с {served}press-releases/most/" in err
    )
    # A page that takes its keys from another site.
    elsewhere = _with_record(
        page, lambda record: record.update(keys="https://evil.example.com/keys/allowed_signers")
    )
    (output / PAGE / "index.html").write_text(elsewhere, encoding="utf-8")
    code, _, err = run_cli("verify", served + PAGE, cwd=tmp_path)
    assert code == 2 and "другого сайта" in err


def test_an_rsa_signed_page_verifies_with_both_tools(tmp_path, keys):
    root = signed_site(tmp_path, keys)
    approve(root, keys, [BOTH[0], ("pr_department", "sydykova", STEP2, "rsa")])
    output = built(root)
    code, out, _ = run_cli("verify", str(output / PAGE), cwd=tmp_path)
    assert code == 0 and "✓ этап pr_department: sydykova" in out
    done = subprocess.run(
        [
            *VERIFY,
            str(output / "keys/allowed_signers"),
            "-I",
            "sydykova",
            "-s",
            str(output / PAGE / "approval.sig"),
        ],
        input=(output / PAGE / "approval.txt").read_bytes(),
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0 and b"RSA" in done.stdout


# --- the example site ---------------------------------------------------------------------------


def test_the_example_sites_pages_carry_signatures_that_verify(tmp_path):
    """Every signed page of the example verifies with `site-builder verify` and, the newest
    press release, with the ssh-keygen commands its page shows (an ended key's too)."""
    root = Path(__file__).resolve().parent.parent
    output = tmp_path / "output"
    result = build(root, MOMENT, output)
    assert result.ok
    code, out, err = run_cli("verify", str(output), cwd=tmp_path)
    assert code == 0, err
    counted = re.search(r"страниц с верными подписями: (\d+), с неверными: 0", out)
    assert counted and int(counted.group(1)) >= 20, out
    keys_page = (output / "keys/index.html").read_text(encoding="utf-8")
    assert "tokto-aigerim" in keys_page and "срок истёк" in keys_page
    assert (output / "en/keys/index.html").is_file() and (output / "ky/keys/index.html").is_file()
    ended = "press-releases/byudzhet-2026-slushaniya/"  # approved in 2025 with a key that ended in 2026
    page = (output / ended / "index.html").read_text(encoding="utf-8")
    assert (output / ended / "approval.sig").is_file() and (
        output / ended / "approval-division_head.sig"
    ).is_file()
    command = next(c for c in shown_commands(page) if c.startswith("ssh-keygen") and "tokto-aigerim" in c)
    work = tmp_path / "work"
    work.mkdir()
    for name in ("approval.txt", "approval.sig"):
        (work / name).write_bytes((output / ended / name).read_bytes())
    (work / "allowed_signers").write_bytes((output / "keys/allowed_signers").read_bytes())
    done = shell(command, work)
    assert done.returncode == 0 and "Good" in done.stdout, done.stderr
