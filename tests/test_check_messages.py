"""`site-builder check` on editors' mistakes: one line per mistake with file, line, code and message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitekit import NOW, make_site, run_cli

HEAD = "---\ntitle: Заголовок\ndate: 2026-11-20T10:00:00+06:00\ndivision: transport\nauthor: petrov\n"
APPROVED = "status: approved\napproval:\n  by: aliev\n  at: 2026-11-20T09:00:00+06:00\n"  # 4 lines
END = "---\nТекст.\n"
ORIGINAL = "original:\n  outlet: Вести\n  title: Ложь\n"
DETECTED = "detected_at: 2026-11-19T09:00:00+06:00\n"
FACTS = "facts:\n  - claim: Ложь\n    fact: Правда\n"
PLAN = (
    "---\ntitle: План {n}\ndate: 2026-11-01T10:00:00+06:00\ndivision: pr\nauthor: petrov\n"
    "period:\n  from: 2026-11-01\n  to: 2026-11-30\nentries:\n  - date: 2026-11-10\n    channel: site\n"
    "    outlet: Сайт\n    topic: Тема\n    responsible: pr\n    ref: {ref}\n"
    "status: approved\napproval:\n  by: aliev\n  at: 2026-10-30T09:00:00+06:00\n---\nПлан.\n"
)


def head(date: str = "2026-11-20T10:00:00+06:00", author: str = "petrov", division: str = "transport") -> str:
    return f"---\ntitle: Заголовок\ndate: {date}\ndivision: {division}\nauthor: {author}\n"


def approved(by: str = "aliev", at: str = "2026-11-20T09:00:00+06:00") -> str:
    return f"status: approved\napproval:\n  by: {by}\n  at: {at}\n"


# (file under content/, text, line, code, severity, Russian text that must be in the message)
CASES = [
    (
        "press-releases/yaml-syntax.md",
        "---\ntitle: Заголовок\ndate: [2026\nstatus: draft\n---\nТекст\n",
        4,
        "YAML_SYNTAX",
        "error",
        "ошибка синтаксиса YAML",
    ),
    (
        "press-releases/missing-title.md",
        "---\ndate: 2026-11-20T10:00:00+06:00\nstatus: draft\n---\nТекст\n",
        1,
        "KEY_MISSING",
        "error",
        "нет обязательного ключа 'title'",
    ),
    (
        "press-releases/typo-aproved-by.md",
        HEAD + "status: draft\naproved_by: aliev\n" + END,
        7,
        "KEY_UNKNOWN",
        "error",
        "неизвестный ключ 'aproved_by'",
    ),
    (
        "press-releases/unknown-nested.md",
        HEAD + APPROVED + "  hash_: x\n" + END,
        10,
        "KEY_UNKNOWN",
        "error",
        "неизвестный ключ 'approval.hash_'",
    ),
    (
        "press-releases/wrong-type-tags.md",
        HEAD + "tags: 5\nstatus: draft\n" + END,
        6,
        "WRONG_TYPE",
        "error",
        "'tags' должно быть",
    ),
    (
        "press-releases/wrong-type-title.md",
        "---\ntitle:\n  - a\n  - b\nstatus: draft\n---\nТекст\n",
        2,
        "WRONG_TYPE",
        "error",
        "'title' должно быть",
    ),
    (
        "press-releases/wrong-status.md",
        HEAD + "status: published\n" + END,
        6,
        "BAD_VALUE",
        "error",
        "недопустимое значение 'published' в 'status'",
    ),
    (
        "press-releases/bad-date.md",
        "---\ntitle: Заголовок\ndate: 2026-02-30T10:00\nstatus: draft\n---\nТекст\n",
        3,
        "BAD_DATE",
        "error",
        "неверная дата или время: '2026-02-30T10:00'",
    ),
    (
        "press-releases/bad-date-words.md",
        "---\ntitle: Заголовок\ndate: завтра\nstatus: draft\n---\nТекст\n",
        3,
        "BAD_DATE",
        "error",
        "неверная дата или время: 'завтра'",
    ),
    (
        "press-releases/bad-approval-date.md",
        HEAD + "status: approved\napproval:\n  by: aliev\n  at: 2026-13-01\n" + END,
        9,
        "BAD_DATE",
        "error",
        "'approval.at': неверная дата",
    ),
    (
        "press-releases/unknown-person.md",
        head(author="nobody") + APPROVED + END,
        5,
        "UNKNOWN_PERSON",
        "error",
        "неизвестный сотрудник 'nobody' в 'author'",
    ),
    (
        "press-releases/unknown-division.md",
        head(division="mars") + APPROVED + END,
        4,
        "UNKNOWN_DIVISION",
        "error",
        "неизвестное подразделение 'mars' в 'division'",
    ),
    (
        "press-releases/unknown-approver.md",
        HEAD + approved(by="ghost") + END,
        8,
        "UNKNOWN_PERSON",
        "error",
        "неизвестный сотрудник 'ghost' в 'approval.by'",
    ),
    (
        "press-releases/approver-role.md",
        head(author="aliev") + approved(by="petrov") + END,
        8,
        "APPROVER_ROLE",
        "error",
        "petrov не может согласовывать материалы типа press-release",
    ),
    (
        "press-releases/approver-author.md",
        head(author="aliev", division="pr") + APPROVED + END,
        8,
        "APPROVER_IS_AUTHOR",
        "error",
        "aliev — одновременно автор и согласующий",
    ),
    (
        "press-releases/approver-inactive.md",
        HEAD + approved(by="old") + END,
        8,
        "APPROVER_INACTIVE",
        "error",
        "old мог(ла) согласовывать только с 2020-01-01 по 2024-12-31",
    ),
    (
        "press-releases/approval-after-date.md",
        HEAD + approved(at="2026-11-20T11:00:00+06:00") + END,
        9,
        "APPROVAL_AFTER_DATE",
        "error",
        "согласовано 2026-11-20 11:00, позже времени публикации, заданного в date: (2026-11-20 10:00)",
    ),
    (
        "press-releases/approval-missing.md",
        HEAD + "status: approved\n" + END,
        6,
        "APPROVAL_MISSING",
        "error",
        "статус 'approved', но согласования нет",
    ),
    (
        "press-releases/future-embargo.md",
        head(date="2026-12-01T10:00:00+06:00") + APPROVED + END,
        3,
        "EMBARGOED",
        "info",
        "согласовано; выйдет 2026-12-01 10:00",
    ),
    (
        "press-releases/in-review.md",
        HEAD + "status: review\n" + END,
        6,
        "IN_REVIEW",
        "info",
        "не опубликовано: на согласовании",
    ),
    (
        "press-releases/restricted-item.md",
        HEAD + "confidentiality: restricted\n" + APPROVED + END,
        6,
        "RESTRICTED_ITEM",
        "info",
        "не опубликовано",
    ),
    (
        "press-releases/restricted-marker.md",
        HEAD + APPROVED + "---\nПервая строка.\n\nЭто документ ДСП и не для всех.\n",
        13,
        "RESTRICTED_MARKER",
        "error",
        "гриф ограниченного доступа «ДСП» в публичном материале",
    ),
    (
        "press-releases/restricted-marker-head.md",
        HEAD + "summary: для служебного пользования\n" + APPROVED + END,
        6,
        "RESTRICTED_MARKER",
        "error",
        "«для служебного пользования»",
    ),
    (
        "press-releases/raw-html.md",
        HEAD + APPROVED + '---\nТекст.\n\n<div onclick="x()">блок</div>\n',
        13,
        "RAW_HTML",
        "warning",
        "HTML-разметка (<div",
    ),
    (
        "press-releases/js-link.md",
        HEAD + APPROVED + "---\nТекст [ссылка](javascript:alert(1)).\n",
        11,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'javascript:'",
    ),
    (
        "press-releases/js-link-case.md",
        HEAD + APPROVED + "---\nТекст.\n\n[ссылка](JaVaScRiPt:alert(1))\n",
        13,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'javascript:'",
    ),
    (
        "press-releases/js-link-entity.md",
        HEAD + APPROVED + "---\n\n\n[ссылка](java&#x09;script:alert(1))\n",
        13,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'javascript:'",
    ),
    (
        "press-releases/js-link-space.md",
        HEAD + APPROVED + "---\n[ссылка](< javascript:alert(1)>)\n",
        11,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'javascript:'",
    ),
    (
        "press-releases/js-link-reference.md",
        HEAD + APPROVED + "---\n[ссылка][x]\n\n[x]: %20javascript:alert(1)\n",
        11,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'javascript:'",
    ),
    (
        "press-releases/data-link.md",
        HEAD + APPROVED + "---\n![картинка](data:text/html;base64,PHNjcmlwdD4=)\n",
        11,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'data:'",
    ),
    (
        "press-releases/vbscript-link.md",
        HEAD + APPROVED + "---\n<vbscript:msgbox(1)>\n",
        11,
        "UNSAFE_LINK",
        "error",
        "запрещённую схему 'vbscript:'",
    ),
    (
        "rebuttals/no-original.md",
        HEAD + DETECTED + FACTS + APPROVED + END,
        1,
        "REBUTTAL_ORIGINAL",
        "error",
        "у опровержения нет блока original:",
    ),
    (
        "rebuttals/no-detected.md",
        HEAD + ORIGINAL + FACTS + APPROVED + END,
        1,
        "REBUTTAL_DETECTED",
        "error",
        "у опровержения нет detected_at:",
    ),
    (
        "rebuttals/no-facts.md",
        HEAD + ORIGINAL + DETECTED + APPROVED + END,
        1,
        "REBUTTAL_FACTS",
        "error",
        "нет ни одного пункта facts с claim: и fact:",
    ),
    (
        "rebuttals/half-fact.md",
        HEAD + ORIGINAL + DETECTED + FACTS + "  - claim: Ещё\n" + APPROVED + END,
        13,
        "REBUTTAL_FACT_HALF",
        "error",
        "",
    ),
    (
        "rebuttals/late.md",
        HEAD + ORIGINAL + "detected_at: 2026-11-10T09:00:00+06:00\n" + FACTS + APPROVED + END,
        3,
        "REBUTTAL_LATE",
        "warning",
        "опубликовано через 8 раб. дн. после обнаружения публикации; норматив — 2",
    ),
    (
        "media-plans/bad-ref.md",
        PLAN.format(n=1, ref="press-releases/nope.md"),
        15,
        "BAD_REF",
        "error",
        "ref 'press-releases/nope.md' не указывает ни на один материал",
    ),
    (
        "media-plans/bad-ref-dotdot.md",
        PLAN.format(n=2, ref="../../config.yaml"),
        15,
        "BAD_REF",
        "error",
        "ref '../../config.yaml' не указывает",
    ),
    (
        "press-releases/broken-link.md",
        HEAD + APPROVED + "---\nСм. [другой](other.md).\n",
        11,
        "BROKEN_LINK",
        "error",
        "ссылка на 'press-releases/other.md'",
    ),
    ("press-releases/dup-a.md", HEAD + "slug: same\n" + APPROVED + END, 0, None, None, ""),
    (
        "press-releases/dup-b.md",
        HEAD + "slug: same\n" + APPROVED + END,
        6,
        "DUPLICATE_URL",
        "error",
        "адрес этого материала (slug 'same') уже занят: content/press-releases/dup-a.md",
    ),
]

LINE = re.compile(
    r"^(?P<path>\S+?):(?P<line>\d+): (?P<severity>error|warning|info) (?P<code>[A-Z_]+) (?P<msg>.*)$"
)


def parse(text: str) -> list[dict]:
    return [m.groupdict() for m in map(LINE.match, text.splitlines()) if m]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("mistakes"), {"content/" + c[0]: c[1] for c in CASES})


@pytest.fixture(scope="module")
def russian(site: Path) -> tuple[int, str]:
    code, out, err = run_cli("check", "--now", NOW, cwd=site)
    return code, out + err


@pytest.mark.parametrize(
    ("rel", "text", "line", "code", "severity", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_mistake_is_reported(russian, rel, text, line, code, severity, message):
    exit_code, output = russian
    assert exit_code == 1
    assert "Traceback" not in output
    rows = [
        r
        for r in parse(output)
        if (r["path"] == "content/" + rel and r["severity"] != "info")
        or (r["path"] == "content/" + rel and r["code"] == code)
    ]
    codes = sorted({r["code"] for r in rows})
    assert codes == ([code] if code else []), output
    if code is None:
        return
    row = next(r for r in rows if r["code"] == code)
    assert (int(row["line"]), row["severity"]) == (line, severity)
    assert message in row["msg"]


def test_hint_follows_each_problem(russian):
    lines = russian[1].splitlines()
    for index, text in enumerate(lines):
        if LINE.match(text) and " error " in text:
            assert lines[index + 1].startswith("    подсказка: "), text


def test_typo_gets_did_you_mean(russian):
    output = russian[1]
    at = output.index("typo-aproved-by.md:7")
    assert "Возможно, имелось в виду 'approval.by'?" in output[at : at + 600]


def test_summary_counts(russian):
    errors = sum(1 for c in CASES if c[4] == "error")
    assert f"ошибок: {errors}," in russian[1]


def test_english(site: Path):
    code, out, err = run_cli("check", "--now", NOW, "--lang", "en", cwd=site)
    assert code == 1
    output = out + err
    assert "content/press-releases/typo-aproved-by.md:7: error KEY_UNKNOWN unknown key 'aproved_by'" in output
    assert "Did you mean 'approval.by'?" in output
    assert "content/press-releases/js-link-case.md:13: error UNSAFE_LINK" in output
    assert "the forbidden scheme 'javascript:'" in output
    assert "hint: " in output
    assert "подсказка" not in output
    assert "неизвестный" not in output
    assert "1 error(s)" not in output and "error(s)" in output


def test_json(site: Path):
    code, out, _err = run_cli("check", "--now", NOW, "--format", "json", cwd=site)
    assert code == 1
    rows = json.loads(out)
    found = {(r["path"], r["line"], r["code"]) for r in rows}
    for rel, _text, line, problem_code, _sev, _msg in CASES:
        if problem_code:
            assert ("content/" + rel, line, problem_code) in found
    for row in rows:
        assert set(row) >= {"path", "line", "severity", "code", "message", "hint"}
        assert row["message"]


def test_clean_site_exits_zero(tmp_path: Path):
    root = make_site(tmp_path, {"content/press-releases/ok.md": HEAD + APPROVED + END})
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 0, out + err
    assert "ошибок: 0, предупреждений: 0" in out


def test_unknown_key_in_config(tmp_path: Path):
    root = make_site(tmp_path, {}, config=None)
    text = (
        (root / "config.yaml").read_text(encoding="utf-8").replace("  timezone:", "  timezon: x\n  timezone:")
    )
    (root / "config.yaml").write_text(text, encoding="utf-8")
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1
    line = text.split("\n").index("  timezon: x") + 1
    assert f"config.yaml:{line}: error KEY_UNKNOWN неизвестный ключ 'site.timezon'" in out + err
