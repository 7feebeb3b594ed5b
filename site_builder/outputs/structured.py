"""schema.org JSON-LD and Open Graph data of a page, built from published entries only.

Templates render the dicts with the `json_script` filter, which escapes '<' so no
text from content can close the <script> element.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from site_builder.i18n import translations
from site_builder.load import urls
from site_builder.load.model import Announcement, Event, Question, Rebuttal
from site_builder.outputs import lang_prefix
from site_builder.outputs.render import day_format
from site_builder.view.entries import Entry
from site_builder.view.site import Site

# reviewRating of a ClaimReview: schema.org's 1 (worst) … 5 (best) scale, with the public
# wording (an English msgid, in the page's language through the ui catalog).
VERDICTS = {
    "false": (1, "False"),
    "distorted": (2, "Distorted"),
    "accurate": (5, "Accurate"),
}
EVENT_MODES = {
    (True, False): "https://schema.org/OfflineEventAttendanceMode",
    (False, True): "https://schema.org/OnlineEventAttendanceMode",
    (True, True): "https://schema.org/MixedEventAttendanceMode",
}
# The currency an event's free admission is given in, by the site's country.
CURRENCIES = {"KG": "KGS", "RU": "RUB"}


def iso(moment: date | datetime) -> str:
    return moment.isoformat()


def site_title(site: Site, lang: str) -> str:
    return site.config.site.titles.get(lang, site.config.site.title)  # type: ignore[call-overload]


def organization(site: Site, lang: str) -> dict:
    """The publisher: the press office itself."""
    config = site.config
    data: dict = {
        "@type": "Organization",
        "@id": config.origin + config.base_path + "#organization",
        "name": site_title(site, lang),
        "url": config.origin + config.base_path,
    }
    logo = site_picture(site)
    if logo:
        data["logo"] = logo
    return data


def site_picture(site: Site) -> str | None:
    """The site's own picture: its configured image, else its emblem."""
    config = site.config
    picture = config.site.image or config.site.emblem
    if picture:
        return absolute_image(
            site,
            picture if picture.startswith(("http://", "https://", "/")) else "/" + picture,
            config.base_path,
        )
    return None


def absolute_image(site: Site, image: str, page: str) -> str:
    """An image reference as an absolute URL: full URLs stay (as URIs), others are file
    names (an attachment's, or a path from the site's root, under base_url's path)
    resolved against the page."""
    if image.startswith(("http://", "https://")):
        return urls.uri(image)
    if image.startswith("/"):
        return site.config.origin + site.config.base_path + urls.path(image[1:])
    return site.config.origin + page + urls.path(image)


def image_of(site: Site, entry: Entry | None) -> str | None:
    """The picture of a page: the entry's own, else the site's.  A withdrawn entry has
    none of its own: its picture is most often one of its attachments, withdrawn with it."""
    if entry is not None and entry.meta.image and not entry.withdrawn:
        return absolute_image(site, entry.meta.image, entry.url)
    return site_picture(site)


def corrections(entry: Entry) -> list[dict]:
    return [
        {"@type": "CorrectionComment", "text": c.note, "datePublished": iso(c.at)}
        for c in entry.meta.corrections
    ]


def article(site: Site, entry: Entry, kind: str = "NewsArticle") -> dict:
    """NewsArticle (or another CreativeWork type) of an item page."""
    url = site.config.origin + entry.url
    data: dict = {
        "@type": kind,
        "@id": url + "#article",
        "url": url,
        "mainEntityOfPage": url,
        "headline": entry.title[:110],
        "name": entry.title,
        "inLanguage": entry.lang,
        "datePublished": iso(entry.date),
        "dateModified": iso(entry.updated),
        "publisher": {"@id": organization(site, entry.lang)["@id"]},
        "author": {"@id": organization(site, entry.lang)["@id"]},
    }
    if entry.summary:
        data["description"] = entry.summary
    image = image_of(site, entry)
    if image:
        data["image"] = image
    if entry.tags:
        data["keywords"] = ", ".join(t.name for t in entry.tags)
    if entry.meta.corrections:
        data["correction"] = corrections(entry)
    if entry.withdrawn and entry.meta.withdrawn:
        data["creativeWorkStatus"] = "Withdrawn"
    if entry.former is not None:
        data.update(former_head(entry))
    return data


def former_head_note(entry: Entry) -> str:
    """The banner of an item published under a former head, as its page writes it."""
    term, lang = entry.former, entry.lang
    assert term is not None and term.to is not None
    day = day_format(lang)
    text = translations(lang, "ui").gettext(
        "Published under a former head of the administration: %(name)s, %(term)s"
    )
    return text % {"name": term.name_in(lang), "term": f"{day(term.from_)} – {day(term.to)}"}


def former_head(entry: Entry) -> dict:
    """An item published under a head whose term has ended: the page's banner as the
    Article's `backstory` (the context it was written in), and that head as its
    `accountablePerson`, through a schema.org Role that holds the term's days."""
    term, lang = entry.former, entry.lang
    assert term is not None and term.to is not None
    person: dict = {"@type": "Person", "name": term.name_in(lang)}
    if term.position_in(lang):
        person["jobTitle"] = term.position_in(lang)
    role: dict = {
        "@type": "Role",
        "startDate": term.from_.isoformat(),
        "endDate": term.to.isoformat(),
        "accountablePerson": person,
    }
    if term.position_in(lang):
        role["roleName"] = term.position_in(lang)
    return {"backstory": former_head_note(entry), "accountablePerson": role}


def event(site: Site, entry: Entry) -> dict:
    """Event of an announcement; cancellations and reschedules in eventStatus."""
    assert isinstance(entry.meta, Announcement)
    ev = entry.meta.event
    url = site.config.origin + entry.url
    if entry.withdrawn or ev.status == "cancelled":
        status = "https://schema.org/EventCancelled"
    elif ev.changes:
        status = "https://schema.org/EventRescheduled"
    else:
        status = "https://schema.org/EventScheduled"
    data: dict = {
        "@type": "Event",
        "@id": url + "#event",
        "name": entry.title,
        "url": url,
        "startDate": iso(ev.starts),
        "eventStatus": status,
        "eventAttendanceMode": EVENT_MODES[(bool(ev.location), bool(ev.online_url))]
        if ev.location or ev.online_url
        else EVENT_MODES[(True, False)],
        "inLanguage": entry.lang,
    }
    if ev.ends:
        data["endDate"] = iso(ev.ends)
    previous = [c.previous_starts for c in ev.changes if c.previous_starts and c.previous_starts != ev.starts]
    if previous:
        data["previousStartDate"] = [iso(p) for p in previous] if len(previous) > 1 else iso(previous[0])
    places = locations(site, ev)
    if places:
        data["location"] = places if len(places) > 1 else places[0]
    data["organizer"] = organizer(site, entry)
    if not entry.withdrawn and ev.status != "cancelled":
        data["offers"] = {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": currency(site),
            "availability": "https://schema.org/InStock",
            "url": url,
            "validFrom": iso(entry.date),
        }
    if entry.summary:
        data["description"] = entry.summary
    image = image_of(site, entry)
    if image:
        data["image"] = image
    if ev.speakers:
        data["performer"] = [
            {"@type": "Person", "name": s if isinstance(s, str) else s.name} for s in ev.speakers
        ]
    return data


def country(site: Site) -> str:
    return site.config.site.country or site.config.calendar.country


def currency(site: Site) -> str:
    return site.config.site.currency or CURRENCIES.get(country(site), "USD")


def locations(site: Site, ev: Event) -> list[dict]:
    """Where an event is: a Place with its postal address (parts the event does not give are
    the site's), a VirtualLocation for one online, or both."""
    places: list[dict] = []
    if ev.location:
        given = ev.address
        address: dict = {"@type": "PostalAddress", "streetAddress": (given and given.street) or ev.location}
        for key, part in (
            ("addressLocality", (given and given.locality) or site.config.site.locality),
            ("addressRegion", (given and given.region) or site.config.site.region),
            ("addressCountry", (given and given.country) or country(site)),
        ):
            if part:
                address[key] = part
        places.append({"@type": "Place", "name": ev.location, "address": address})
    if ev.online_url:
        places.append({"@type": "VirtualLocation", "url": urls.uri(ev.online_url)})
    return places


def organizer(site: Site, entry: Entry) -> dict:
    """Who holds an event: the item's division, part of the press office's organisation;
    without one, the office itself."""
    division = entry.division
    if division is None:
        return {"@id": organization(site, entry.lang)["@id"]}
    page = site.config.base_path + lang_prefix(site, entry.lang) + f"divisions/{division.id}/"
    return {
        "@type": "Organization",
        "name": division.names.get(entry.lang, division.name),  # type: ignore[call-overload]
        "url": site.config.origin + page,
        "parentOrganization": {"@id": organization(site, entry.lang)["@id"]},
    }


def claim_reviews(site: Site, entry: Entry) -> list[dict]:
    """One ClaimReview per disputed claim; the reviewed item is the original publication."""
    meta = entry.meta
    assert isinstance(meta, Rebuttal)
    url = site.config.origin + entry.url
    rating, label = VERDICTS[meta.verdict]
    label = translations(entry.lang, "ui").gettext(label)
    appearance: dict = {"@type": "CreativeWork"}
    original = meta.original
    if original is not None:
        appearance["headline"] = original.title[:110]
        appearance["name"] = original.title
        appearance["publisher"] = {"@type": "Organization", "name": original.outlet}
        appearance["author"] = (
            {"@type": "Person", "name": original.author}
            if original.author
            else {"@type": "Organization", "name": original.outlet}
        )
        if original.url:
            appearance["url"] = urls.uri(original.url)
        if original.published:
            appearance["datePublished"] = iso(original.published)
    out = []
    for number, fact in enumerate((f for f in meta.facts if f.claim.strip()), start=1):
        out.append(
            {
                "@type": "ClaimReview",
                "@id": f"{url}#claim-{number}",
                "url": url,
                "claimReviewed": fact.claim,
                "reviewBody": fact.fact,
                "datePublished": iso(entry.date),
                "inLanguage": entry.lang,
                "author": {"@id": organization(site, entry.lang)["@id"]},
                "itemReviewed": {
                    "@type": "Claim",
                    "name": fact.claim,
                    "appearance": appearance,
                    "firstAppearance": appearance,
                    **({"author": appearance["author"]} if "author" in appearance else {}),
                    **({"datePublished": iso(original.published)} if original and original.published else {}),
                },
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": rating,
                    "bestRating": 5,
                    "worstRating": 1,
                    "alternateName": label,
                },
            }
        )
    return out


_TAG = re.compile(r"<[^>]+>")


def qa_page(site: Site, entry: Entry) -> dict:
    """A citizen's question as schema.org's QAPage: the question, and the office's answer as
    its accepted answer, by the official who gave it.  The asker is named only when they
    agreed (`asker.public`; the view has dropped any other name already)."""
    meta = entry.meta
    assert isinstance(meta, Question)
    url = site.config.origin + entry.url
    question: dict = {
        "@type": "Question",
        "@id": url + "#question",
        "name": entry.title,
        "text": meta.question,
        "dateCreated": iso(meta.asked),
        "inLanguage": entry.lang,
        "answerCount": 1,
    }
    if meta.asker.public and meta.asker.name:
        question["author"] = {"@type": "Person", "name": meta.asker.name}
    official = site.config.person(meta.answered_by)
    author: dict = {"@id": organization(site, entry.lang)["@id"]}
    if official is not None:
        author = {"@type": "Person", "name": official.name, "worksFor": author}
        if official.position:
            author["jobTitle"] = official.position
    question["acceptedAnswer"] = {
        "@type": "Answer",
        "@id": url + "#answer",
        "url": url + "#answer-h",
        "text": " ".join(html.unescape(_TAG.sub(" ", entry.html)).split()),
        "dateCreated": iso(entry.date),
        "author": author,
    }
    return {
        "@type": "QAPage",
        "@id": url + "#page",
        "url": url,
        "name": entry.title,
        "inLanguage": entry.lang,
        "datePublished": iso(entry.date),
        "dateModified": iso(entry.updated),
        "publisher": {"@id": organization(site, entry.lang)["@id"]},
        "mainEntity": question,
    }


def page_graph(site: Site, entry: Entry | None, lang: str) -> dict:
    """The JSON-LD document of a page: the publisher, plus what the page is about."""
    graph: list[dict] = [organization(site, lang)]
    if entry is not None:
        if entry.kind == "press-release":
            graph.append(article(site, entry))
        elif entry.kind == "announcement":
            graph.append(article(site, entry, "Article"))
            graph.append(event(site, entry))
        elif entry.kind == "rebuttal":
            graph.append(article(site, entry, "Article"))
            if not entry.withdrawn:
                graph += claim_reviews(site, entry)
        elif entry.kind == "question" and not entry.withdrawn:
            graph.append(qa_page(site, entry))
        else:
            graph.append(article(site, entry, "Article"))
    else:
        graph.append(
            {
                "@type": "WebSite",
                "name": site_title(site, lang),
                "url": site.config.origin + site.config.base_path,
            }
        )
    return {"@context": "https://schema.org", "@graph": graph}


def sharing(site: Site, entry: Entry | None, lang: str, page_url: str, title: str | None = None) -> dict:
    """Open Graph / Twitter card values of a page."""
    config = site.config
    name = site_title(site, lang)
    if entry is not None:
        heading, description = entry.title, entry.summary or entry.title
    else:
        heading, description = title or name, config.site.description or name
    return {
        "title": heading,
        "description": description,
        "url": config.origin + page_url,
        "image": image_of(site, entry),
        "type": "article" if entry is not None else "website",
        "site_name": name,
        "locale": {"ru": "ru_RU", "ky": "ky_KG", "en": "en_GB"}.get(lang, lang),
        "published": iso(entry.date) if entry is not None else None,
        "modified": iso(entry.updated) if entry is not None else None,
    }
