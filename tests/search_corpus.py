"""A generated press-office site for search-quality tests: noise items and, hidden among
them, the items each query of `QUERIES` must find in its first ten results.

The noise is built to trip the old search's misses: "поправки" beside the surname Попова,
"улица Садовая" beside "детский сад", "водопровод" beside "вода", bare "18" and "500"
beside "18,6" and "1 500", and words only in fields (a media plan's table, an event's
speakers and accreditation, a rebuttal's claims and facts).  Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sitekit import config_dict, item

KY_CONFIG = config_dict(
    site={
        "title": "Пресс-служба мэрии",
        "base_url": "https://press.example.kg/",
        "language": "ru",
        "languages": ["ru", "ky"],
        "timezone": "Asia/Bishkek",
        "items_per_page": 20,
    }
)
NOISE = [
    "Работы ведутся по графику, утверждённому мэрией.",
    "Депутаты городского кенеша внесли поправки в бюджет на {y} год.",
    "Поправки к правилам благоустройства обсудят на сессии.",
    "Движение по улице Садовой будет ограничено до {d} числа.",
    "На Садовой улице заменят бордюры и тротуарную плитку.",
    "Специалисты проверили водопровод и канализационные сети.",
    "Водопроводные колодцы на {n} улицах закрыли новыми люками.",
    "Жители могут обратиться по телефону горячей линии.",
    "В {n} школах города начался ремонт спортивных залов.",
    "Городские службы убрали {n} тонн снега за {d} дней.",
    "Подрядчик заменил {n} метров теплотрассы.",
    "Температура воздуха опустится до минус {n} градусов.",
    "Маршрут автобуса номер {n} продлён до нового микрорайона.",
    "Обсуждение прошло в зале заседаний мэрии.",
    "Заявки принимаются до {d} числа в приёмной мэрии.",
    "Благоустройство дворов продолжится весной.",
    "На ремонт дорог выделено {n} млн сомов.",
    "Городские службы перешли на зимний режим работы.",
    "Мэр провёл приём граждан по личным вопросам.",
    "Инспекторы проверили {n} торговых точек.",
    "Отопительный сезон начнётся после {d} дней холодной погоды.",
    "Новые остановки оборудуют навесами и скамейками.",
]
KY_NOISE = [
    "Шаардын көчөлөрүндө жумуштар уланууда.",
    "Мэрияда кезектеги жыйын өттү.",
    "Жаңы автобустар шаардык каттамдарга чыкты.",
    "Тургундар ишеним телефонуна кайрыла алышат.",
    "Кышкы мезгилге даярдык аяктады.",
]
# (slug, title, body sentences, extra front matter) of the items the queries look for.
TARGETS = {
    "kap-1": (
        "Капитальный ремонт домов начнётся весной",
        ["Программа капитального ремонта охватит 40 домов."],
        {},
    ),
    "kap-2": (
        "Жильцы выбрали подрядчика",
        ["Капитальный ремонт дома № 5 по улице Ленина закончат к лету."],
        {},
    ),
    "kap-3": ("Фонд собрал взносы", ["Взносы на капитальный ремонт многоквартирных домов растут."], {}),
    "otr-1": ("Крыши школ отремонтируют", ["До осени отремонтируют кровли трёх школ."], {}),
    "otr-2": ("Мост через реку открыт", ["Мост отремонтировали за два месяца."], {}),
    "gor-1": ("Горожане выбрали проекты", ["Горожане проголосовали за новые скверы."], {}),
    "gor-2": ("Бесплатные курсы", ["Курсы открыты для всех горожан старше 60 лет."], {}),
    "gor-3": ("Обращения жителей", ["Горожанам ответят в течение 10 дней."], {}),
    "pop-1": ("Назначен заместитель мэра", ["Заместителем мэра назначена Ольга Попова."], {}),
    "pop-2": ("Отчёт о работе", ["Ольга Попова рассказала о планах на год."], {}),
    "pop-3": ("Совещание по жилью", ["Совещание провела заместитель мэра О. Попова."], {}),
    "dec-1": ("Бюджет на благоустройство", ["На благоустройство выделено 18,6 млн сомов."], {}),
    "dec-2": ("Расходы на транспорт", ["Сумма контракта — 18,6 миллиона."], {}),
    "thou-1": ("Саженцы для парков", ["Весной высадят 1\u00a0500 саженцев клёна."], {}),
    "thou-2": ("Новые контейнеры", ["Для дворов закупят 1 500 контейнеров."], {}),
    "time-1": ("Приём граждан", ["Приём начнётся в 15:00 в кабинете 12."], {}),
    "sad-1": ("Открылся детский сад", ["Новый детский сад примет 120 детей."], {}),
    "sad-2": ("Очереди в сады", ["Очередь в детские сады сократилась."], {}),
    "voda-1": ("Питьевая вода", ["Качество питьевой воды проверила лаборатория."], {}),
    "voda-2": ("Анализы", ["Вода в скважинах соответствует нормам."], {}),
    "typo-1": ("Котельные готовы", ["Отопление подключат после проверки котельных."], {}),
}
FIELD_TARGETS = {  # words only in a kind's own fields
    "plan-1": (
        "media-plans",
        "Медиаплан на март",
        {
            "period": {"from": "2026-03-01", "to": "2026-03-31"},
            "entries": [
                {
                    "date": "2026-03-05",
                    "channel": "media",
                    "outlet": "Телеканал «Ала-Тоо»",
                    "topic": "Вывоз мусора из частного сектора",
                    "format": "телесюжет",
                    "responsible": "sydykova",
                }
            ],
        },
    ),
    "ann-1": (
        "announcements",
        "Встреча с журналистами",
        {
            "event": {
                "kind": "press_conference",
                "starts": "2026-11-25T11:00:00+06:00",
                "location": "Дворец культуры «Манас»",
                "speakers": [{"name": "Айбек Жумабаев", "position": "начальник управления"}],
                "accreditation": "Аккредитация через пресс-службу до 15:00",
            }
        },
    ),
    "reb-1": (
        "rebuttals",
        "Опровержение публикации",
        {
            "original": {"outlet": "Газета «Вести»", "title": "Мэрия закрывает школы"},
            "detected_at": "2026-11-19T09:00:00+06:00",
            "verdict": "false",
            "facts": [{"claim": "Бассейн закрывают на год", "fact": "Бассейн работает по графику"}],
        },
    ),
}
KY_TARGETS = {
    "mek-1": ("Мектептерди оңдоо", ["Жайында үч мектептин чатырлары оңдолот."]),
    "mek-2": ("Жаңы класстар", ["Мектепке жаңы партелер келди."]),
    "oor-1": ("Ооруканага жаңы жабдуу", ["Шаардык оорукананын бөлүмдөрү жаңыланды."]),
}
# query → the target slugs it must show in its first ten results
QUERIES = {
    "капитальный ремонт домов": ["kap-1", "kap-2", "kap-3"],
    "отремонтировать": ["otr-1", "otr-2"],
    "горожане": ["gor-1", "gor-2", "gor-3"],
    "Попова": ["pop-1", "pop-2", "pop-3"],
    "Поповой": ["pop-1", "pop-2", "pop-3"],
    "18,6": ["dec-1", "dec-2"],
    "1 500": ["thou-1", "thou-2"],
    "1\u2009500": ["thou-1", "thou-2"],
    "15:00": ["time-1", "ann-1"],
    "детский сад": ["sad-1", "sad-2"],
    "сад": ["sad-1", "sad-2"],
    "вода": ["voda-1", "voda-2"],
    "котельнх": ["typo-1"],  # a typo: "котельных"
    "вывоз мусора": ["plan-1"],
    "Жумабаев": ["ann-1"],
    "дворец культуры": ["ann-1"],
    "бассейн": ["reb-1"],
    "ky:мектептер": ["mek-1", "mek-2"],
    "ky:оорукана": ["oor-1"],
}


def files(count: int = 2000, seed: int = 28) -> dict[str, str]:
    """`count` items (a twentieth in Kyrgyz) with the targets among them, by slug."""
    rng = random.Random(seed)
    start = datetime.fromisoformat("2020-01-06T10:00:00+06:00")
    step = (datetime.fromisoformat("2026-11-19T10:00:00+06:00") - start) / count
    targets = list(TARGETS) + list(FIELD_TARGETS) + list(KY_TARGETS)
    places = dict(zip(rng.sample(range(count), len(targets)), targets, strict=True))
    out: dict[str, str] = {}
    divisions = ["transport", "education", "pr"]
    for n in range(count):
        date = (start + step * n).replace(microsecond=0)
        stamp = date.isoformat()
        slug = places.get(n, f"n{n}")
        ky = slug in KY_TARGETS or (slug.startswith("n") and n % 20 == 7)
        pool = KY_NOISE if ky else NOISE
        sentences = [
            rng.choice(pool).format(n=rng.randint(2, 300), d=rng.randint(2, 28), y=rng.randint(2020, 2026))
            for _ in range(rng.randint(20, 60))
        ]
        kind, extra, title = "press-releases", {}, f"Новости города № {n}"
        if ky:
            title = f"Шаар жаңылыктары № {n}"
        if slug in TARGETS:
            title, own, extra = TARGETS[slug]
            sentences[rng.randrange(len(sentences))] += " " + " ".join(own)
        elif slug in KY_TARGETS:
            title, own = KY_TARGETS[slug]
            sentences[rng.randrange(len(sentences))] += " " + " ".join(own)
        elif slug in FIELD_TARGETS:
            kind, title, extra = FIELD_TARGETS[slug]
            extra = _dated(extra, date)
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        out[f"content/{kind}/{slug}.md"] = item(
            title,
            date=stamp,
            body="\n\n".join(paragraphs) + "\n",
            division=divisions[n % 3],
            lang="ky" if ky else None,
            approval={"by": "aliev", "at": (date - timedelta(hours=1)).isoformat()},
            **extra,
        )
    return out


def _dated(fields: dict, date: datetime) -> dict:
    """A kind's fields with their times set about the item's own date."""
    fields = {**fields}
    if "event" in fields:
        fields["event"] = {**fields["event"], "starts": (date + timedelta(days=3)).isoformat()}
    if "detected_at" in fields:
        fields["detected_at"] = (date - timedelta(hours=5)).isoformat()
    if "period" in fields:
        day = date.date() + timedelta(days=10)
        fields["period"] = {"from": day.isoformat(), "to": (day + timedelta(days=20)).isoformat()}
        fields["entries"] = [
            {**row, "date": (day + timedelta(days=3)).isoformat()} for row in fields["entries"]
        ]
    return fields


def url_of(slug: str) -> str:
    """The page of a target (by its slug) as the index has it."""
    kind = next((fields[0] for name, fields in FIELD_TARGETS.items() if name == slug), "press-releases")
    return f"/{'ky/' if slug in KY_TARGETS else ''}{kind}/{slug}/"
