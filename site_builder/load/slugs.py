"""Cyrillic → Latin URL slugs (python-slugify), memoised.

Transliteration costs ~100 µs a call and a ten-year archive asks for the same tag and
heading slugs hundreds of thousands of times; the function is pure, so a bounded memo
is safe to share.
"""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify


@lru_cache(maxsize=65536)
def slug(text: str, max_length: int = 60) -> str:
    return slugify(text, max_length=max_length, word_boundary=True)
