"""Full-text search on static hosting: a search page per language and a sharded word index.

The index is made from the site's entries (never from content/), so only published items
can be found, and a withdrawn item only by its title and public reason: its body is not
an entry's to give.  It is built in two steps, so a build can spread and cache the work:

- `documents.document(entry)` reads one entry into a `Doc` (a small picklable record: what
  a result shows and the entry's distinct normalised words, see `words`); it depends on
  that entry alone, so it is cached under `document_key(entry)`;
- `index.assemble(site, lang, docs)` turns the docs of one language into the index files.

Files under `search/<lang>/` (JSON, UTF-8, compact, sorted keys, nothing from the clock):

- `index.json`: `{"chunk": C, "count": N, "endings": […], "form_stem": F, "min_stem": M,
  "shards": [KEY, …], "typo": T, "version": V}` (`endings`, the stems and `typo`: see `words`).
- `w/<KEY>.json`, one term shard per word prefix: `{"word": [d1, d2, …], …}`.  The
  numbers are the gaps between successive values `2 × doc id + (1 if the word is in the
  title)`.  A small site has one shard, key "" (`w/0.json`); a shard that would be too
  big is split by the next letter of its words, up to `MAX_KEY` letters, and a word that
  is its key's whole length stays in the key's own shard.  So a word's shard is found by
  walking down its letters while the shard list has longer keys below the current one.
  A file name is the key's code points in hex: `w/440-435.json` is "ре".
- `d/<n>.json`: docs `n × C … n × C + C - 1` as `[url, title, kind, day, day text,
  withdrawn, division]`.
- `f/<id>.txt`: a doc's text as its page shows it (UTF-8, its blocks on lines of their
  own), which the script cuts a result's excerpt from: fetched per shown result only.
- `facets.json`: every doc's kind, division and year, for the filters (`index.facets_of`).

Doc ids count from the oldest item (by date, then URL), so they are the same in every
build, a higher id is a newer item, and a newly published item takes the next id: the
files it changes are its words' shards, the last metadata chunk and `index.json`.  A
build with the cache patches the index the last one kept (`patch.KeptIndex`) for such a
change and for items edited in place; the preview server patches the one it holds
(`patch.LiveIndex`).  This module is the output kind: the pages, and `render`, which
reads the docs (from the cache when it can) and assembles or patches each index.

`static/search.js` looks every query word up as itself, its forms and the words its
stem begins (`words`), falls back to a word one edit away for a typo, filters and sorts
(the address holds the query, filters and sort), cuts excerpts from the results' texts,
and fetches `index.json` revalidated and the rest with `?v=VERSION`, so a browser never
mixes two builds' files.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from functools import partial
from pathlib import Path

from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.render import render as template
from site_builder.outputs.search.documents import Doc, Words, document_key, read_document, with_words
from site_builder.outputs.search.index import FOLDER, assemble_ordered
from site_builder.outputs.search.patch import PATCH_MOST, KeptIndex, LiveIndex, placed_digest, setting_of
from site_builder.outputs.sitedata import SiteData
from site_builder.speed.cache import Cache
from site_builder.view.entries import Entry
from site_builder.view.site import Site

PACK = 2000  # docs per cache pack
KEPT = "search-kept"  # cache bucket: each language's `KeptIndex`, by its code


def paths(site: Site, root: Path) -> Planned:
    """The search pages, and each language's index folder (its files are named by words)."""
    for lang in site.config.languages:
        yield f"{lang_prefix(site, lang)}search/index.html", None
    for lang in dict.fromkeys([*site.config.languages, *(entry.lang for entry in site.entries)]):
        yield f"{FOLDER}{lang}/", None


def pages(site: Site, ctx: Context) -> Files:
    """The search page of every language (`{prefix}search/index.html`)."""
    out: Files = {}
    tz = site.config.tz
    for lang in site.config.languages:
        prefix = lang_prefix(site, lang)
        base = site.config.base_path + prefix
        entries = site.of_lang(lang)
        used = {entry.division.id for entry in entries if entry.division}
        out[f"{prefix}search/index.html"] = template(
            ctx.env(lang),
            "search.html",
            page_url=f"{base}search/",
            base=base,
            prefix=prefix,
            feeds=[],
            site_data=SiteData.of(site),
            index=f"{site.config.base_path}{FOLDER}{lang}/",
            kinds=sorted({entry.kind for entry in entries}),
            divisions=[(d.id, d.names.get(lang, d.name)) for d in site.config.divisions if d.id in used],
            years=sorted({entry.date.astimezone(tz).year for entry in entries}, reverse=True),
        )
    return out


def render(site: Site, ctx: Context, store: Cache | None = None) -> Files:
    """The search pages and every language's index, in one process.

    Entries are read in id order and each doc's words go into the postings straight
    away; a doc made now is let go once it is there (cached ones come from the cache all
    at once).  Docs are kept in the cache's packed "search" bucket by `document_key`, so
    an edit re-reads one entry; a build with a disk cache patches the index the last one
    kept (`KeptIndex`), the preview server the one it holds (`LiveIndex`), when they can.  This
    runs in the build's main process beside the render workers (see build.render_site).
    """
    store = store or Cache(None)
    entries, ids_of, placed_of = site.placed("search-order", partial(_order, site))
    keys = [document_key(entry) for entry in entries] if store.folder else [""] * len(entries)
    languages = list(dict.fromkeys([*site.config.languages, *(entry.lang for entry in entries)]))
    patches: dict[str, tuple[KeptIndex, list[int]]] = {}
    if store.folder and store.memory is None:
        for lang in languages:
            kept = store.get(KEPT, lang)
            ids = ids_of.get(lang, [])
            if isinstance(kept, KeptIndex):
                changed = kept.changed(
                    setting_of(site, lang), [keys[i] for i in ids], placed_of.get(lang, [])
                )
                if changed is not None:
                    patches[lang] = (kept, changed)
    # The docs to read: a patch's changed ones (and their old versions), or all.
    wanted = [i for lang in languages if lang not in patches for i in ids_of.get(lang, [])]
    wanted += [ids_of[lang][n] for lang, (_, changed) in patches.items() for n in changed]
    old_keys = [kept.keys[n] for kept, changed in patches.values() for n in changed if n < len(kept.keys)]
    found = store.get_many("search", [keys[i] for i in wanted] + old_keys)
    known: list[Doc | None] = [None] * len(entries)
    for index, doc in zip(wanted, found, strict=False):
        known[index] = doc
    old_docs = dict(zip(old_keys, found[len(wanted) :], strict=True))
    fresh: dict[str, bytes] = {}

    def read_at(index: int, split: bool = True) -> tuple[Doc, Words, Words]:
        """The entry's doc and its words, from the cache or read now (and put in the cache);
        a cached doc's words are split only when `split`."""
        doc, known[index] = known[index], None  # let it go once it is in the postings
        if isinstance(doc, Doc):
            return with_words(doc) if split else (doc, (), ())
        found = read_document(entries[index])
        if store.folder:
            fresh[keys[index]] = pickle.dumps(found[0], pickle.HIGHEST_PROTOCOL)
            store.remember("search", keys[index], found[0])
            if len(fresh) >= PACK:
                store.put_many("search", fresh)
                fresh.clear()
        return found

    def doc_at(index: int) -> Doc:
        return read_at(index, split=False)[0]

    out = pages(site, ctx)
    for lang in languages:
        ids, placed = ids_of.get(lang, []), placed_of.get(lang, [])
        if lang in patches:
            kept, changed = patches[lang]
            olds = {n: old_docs[kept.keys[n]] if n < len(kept.keys) else None for n in changed}
            new = {n: (olds[n], doc_at(ids[n])) for n in changed}
            if all(isinstance(old, Doc) for n, (old, _) in new.items() if n < len(kept.keys)) and kept.patch(
                site, lang, [keys[i] for i in ids], placed, new
            ):
                out |= kept.files(lang)
                if changed:  # else the cache holds it as it is
                    store.put(KEPT, lang, kept)
                continue
            # The cache lost an old doc, or holds another index: build afresh, with every doc.
            missing = [i for i in ids if known[i] is None]
            for index, doc in zip(missing, store.get_many("search", [keys[i] for i in missing]), strict=True):
                known[index] = doc
        if store.memory is None:
            files, lines, parts = assemble_ordered(site, lang, map(read_at, ids))
            out |= files
            if store.folder:  # for the next build to patch
                store.put(
                    KEPT,
                    lang,
                    KeptIndex(
                        setting_of(site, lang), placed_digest(placed), [keys[i] for i in ids], lines, parts
                    ),
                )
            del files, lines, parts
            continue
        # The preview server: patch the index it kept from the last build when it can.
        index = store.recall("search-index", lang)
        usable = isinstance(index, LiveIndex) and index.usable(site, lang, placed)
        changes = {n: i for n, i in enumerate(ids) if usable and index.keys[n] != keys[i]}
        if usable and len(changes) <= PATCH_MOST:
            store.remember("search-index", lang, None)  # a patch that fails half-way is not kept
            index.patch(site, lang, {n: (keys[i], doc_at(i)) for n, i in changes.items()})
        else:
            index = LiveIndex(site, lang, [keys[i] for i in ids], placed, [doc_at(i) for i in ids])
        store.remember("search-index", lang, index)
        out |= index.files(lang)
    store.put_many("search", fresh)
    store.compact("search", set(keys))
    return out


def _order(site: Site) -> tuple[list[Entry], dict[str, list[int]], dict[str, list[tuple]]]:
    """The entries in id order (by language, then date and URL) and, per language, their
    positions and what decides their ids there: worked out once per placing of entries."""
    order = {lang: number for number, lang in enumerate(site.config.languages)}
    entries = sorted(site.entries, key=lambda e: (order.get(e.lang, len(order)), e.item.stamp, e.url))
    ids: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        ids[entry.lang].append(index)
    placed = {lang: [(entries[i].item.stamp, entries[i].url) for i in at] for lang, at in ids.items()}
    return entries, dict(ids), placed
