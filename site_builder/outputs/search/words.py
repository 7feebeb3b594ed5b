"""Words as the search sees them: the normal form they are indexed in, and query endings."""

from __future__ import annotations

import re
import unicodedata

# Endings a query word may lose before it is looked up as a prefix, so a word typed in
# one form finds the others: "вода" → "вод" (воды, водой), "мектептерге" → "мектеп"
# (мектептин, мектепке).  The client strips the longest one that leaves MIN_STEM
# letters, again until none does, and ranks items with the word as typed first.  Only
# queries are stemmed: the index keeps words as written, for the prefix match.
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
MIN_STEM = 3

_WORD = re.compile(r"[^\W_]{2,}")  # runs of letters and digits, one-letter words dropped


def normalise(text: str) -> str:
    """Lower case, ё as е, composed characters: the form words are indexed and looked up in."""
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def words(text: str) -> set[str]:
    r"""The distinct normalised words of a text: runs of letters and digits, two or more long.

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
