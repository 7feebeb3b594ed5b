"""Words as the search sees them: the normal form they are indexed in, and query stems.

The browser's script (static/search.js) splits a query into words by the same rules
(`TOKEN` there is `_WORD` here, `GROUPED` is `_GROUPED`), so a word is looked up in the
form it was indexed in; tests/search_tokens.json is the table both are checked against.
"""

from __future__ import annotations

import re
import unicodedata

# Endings a query word may lose, so a word typed in one form finds the others.  Two
# stems are made of a query word (the client does it, from index.json):
# The ending taken is always the longest the word ends with; when it would leave too few
# letters, none is.
# - its *form stem*: one ending off, when it leaves FORM_STEM letters ("вода" →
#   "вод", "садами" → "сад"); an indexed word whose own form stem is the same is one of
#   its forms ("воды", "водой"; not "водопровод", not "Садовая": "садов" ≠ "сад");
# - its *prefix stem*: endings off again and again while MIN_STEM letters are left
#   ("капитальный" → "капитальн", "Попова" → "попов", never "поп", "водой" → "водой");
#   a word it begins
#   is a lesser match, and only when it is MIN_STEM letters long or more.
# Only queries are stemmed: the index keeps words as written.
ENDINGS = {
    "ru": (  # space-separated
        "ами ями ого его ому ему ыми ими ией ать ять ить еть ая яя ое ее ые ие ый ий ой ей ую юю"
        " ых их ым им ом ем ах ях ам ям ов ев ию ия ии а я о е и ы у ю ь й"
    ),
    "ky": (
        "лар лер лор лөр дар дер дор дөр тар тер тор төр нын нин нун нүн дын дин дун дүн тын тин"
        " тун түн дан ден дон дөн тан тен тон төн нан нен нон нөн дагы деги догу дөгү тагы теги"
        " тогу төгү нда нде ндо ндө га ге го гө ка ке ко кө да де до дө та те то тө ны ни ну нү"
        " ды ди ду дү ты ти ту тү сы си су сү ым им ум үм ың иң уң үң ы и у ү"
    ),
    "en": "ing ed es s",
}
MIN_STEM = 4  # letters a prefix stem keeps: "Попова" must not find "поправки" by "поп"
FORM_STEM = 3  # letters a form stem keeps: "сад" and "сада" are one word, "Садовая" another
TYPO_LEAST = 5  # letters a query word needs before words one edit away are tried for it

# A number with a decimal comma or point, a time or a date ("18,6", "15:00", "20.11.2026")
# is one word; so is a run of letters and digits two or more long.  Digits are ASCII [0-9]
# in both this pattern and the script's.
_WORD = re.compile(r"[0-9]+(?:[.,:][0-9]+)+|[^\W_]{2,}")
# Digit groups with a space between ("1 500", "12 000 000"; a normal, no-break, thin or
# narrow no-break space) are one number: the spaces are taken out before words are split.
_GROUPED = re.compile(r"(?<![0-9.,:])([0-9]{1,3})(?:[ \u00a0\u2009\u202f]([0-9]{3}))+(?![0-9])")
_GROUP_SPACE = re.compile(r"[ \u00a0\u2009\u202f]")
_DIGIT_GAP = re.compile(r"[0-9][ \u00a0\u2009\u202f][0-9]")


def normalise(text: str) -> str:
    """Lower case, ё as е, composed characters, digit groups joined: the form words are
    indexed and looked up in."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    if _DIGIT_GAP.search(text):
        text = _GROUPED.sub(lambda m: _GROUP_SPACE.sub("", m.group(0)), text)
    return text


def words(text: str) -> set[str]:
    r"""The distinct normalised words of a text (`_WORD`'s matches in `normalise(text)`).

    The same as `set(_WORD.findall(normalise(text)))`, a fifth faster: most blank-separated
    pieces of a text are a word already (`isalnum` is `[^\W_]` for every character), so
    only the pieces with punctuation in them go through the pattern.
    """
    found: set[str] = set()
    for piece in set(normalise(text).split()):
        if piece.isalnum():
            if len(piece) > 1:
                found.add(piece)
        else:
            found.update(_WORD.findall(piece))
    return found
