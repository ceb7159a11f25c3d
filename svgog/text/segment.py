"""Cutting text into grapheme clusters and unbreakable pieces (*atoms*).

Break opportunities follow the essentials of the Unicode line breaking
algorithm (UAX #14), from best to worst:

- white space between words (spaces, tabs: the space is *glue*, drawn inside
  a line, dropped at a line's end; runs of it collapse, as CSS collapses
  them). No-break spaces (U+00A0, U+2007, U+202F) and the word joiner
  (U+2060) are not white space: ``7\u00a0ms`` is one word. No break before
  closing punctuation (``)``, ``]``, ``!``, ``?``, ``,``, ``.``, ``:``, ``;``)
  or after opening punctuation (``(``, ``[``), even across a space;
- after a zero-width space (U+200B), after a soft hyphen (U+00AD: the line
  then ends with a hyphen), and after the spaces that are drawn and not
  collapsed (U+2000-U+200A but U+2007, U+205F, U+3000);
- between CJK characters (ideographs, kana, CJK punctuation), following the
  Japanese *kinsoku* rules: no line starts with closing punctuation, small
  kana or the prolonged sound mark, and no line ends with opening brackets.
  Latin words inside CJK text stay whole;
- for a piece wider than its box only: after hyphens and slashes, then
  between grapheme clusters (see :func:`svgog.text.breaking.split_word`).

>>> [a.text for a in atoms("日本語のテキスト。")]
['日', '本', '語', 'の', 'テ', 'キ', 'ス', 'ト。']
>>> [a.text for a in atoms("「Python」で書く")]
['「Python」', 'で', '書', 'く']
>>> [a.text for a in atoms("in 7\\u00a0ms ( really ) !")]
['in', '7\\xa0ms', '( really ) !']
>>> [(a.text, a.hyphen) for a in atoms("Donau\\u00addampf")]
[('Donau\\xad', True), ('dampf', False)]
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

__all__ = ["COLLAPSIBLE", "Atom", "atoms", "clusters", "collapse", "is_cjk", "is_emoji"]

_CLUSTER = regex.compile(r"\X")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\u3000-\u303f\u30fc\uff00-\uffef\u31f0-\u31ff]")
# Kinsoku shori: characters that may not start a line...
NO_LINE_START = frozenset(
    "、。，．・：；？！‼⁇⁈⁉ー‐゠–〜～ヽヾゝゞ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "」』）］｝〕〉》】〙〗〟｠»\"'’”)]}、,.:;!?%％"
)
# ...and characters that may not end one.
NO_LINE_END = frozenset("「『（［｛〔〈《【〘〖〝｟«‘“([{")
# Emoji that are drawn as images even without U+FE0F.
_EMOJI_PRESENTATION = regex.compile(r"\p{Emoji_Presentation}")
_EMOJI_SEQUENCE_MARKS = frozenset("\ufe0f\u200d\u20e3") | {chr(c) for c in range(0x1F3FB, 0x1F400)}
_REGIONAL_INDICATOR = regex.compile(r"[\U0001F1E6-\U0001F1FF]")


class Atom(NamedTuple):
    """A piece of text that is never broken, and the glue that follows it.

    ``glue`` is ``" "`` after a word (a space that disappears at a line end) or
    ``""`` where a line may break without a space (between CJK characters,
    after a zero-width space or a soft hyphen). ``start`` is where the piece
    starts in the text being broken. ``hyphen``: the piece ends with a soft
    hyphen, so a line that ends after it ends with a visible hyphen.
    """

    text: str
    glue: str
    start: int = 0
    hyphen: bool = False


#: White space that collapses and at which lines break (CSS white space).
#: No-break spaces are not in it: they are part of the word they join.
COLLAPSIBLE = " \t\r\f\v"
_COLLAPSIBLE_RUN = regex.compile(f"[{regex.escape(COLLAPSIBLE)}]+")
ZERO_WIDTH_SPACE = "\u200b"
SOFT_HYPHEN = "\u00ad"
# Spaces that are drawn (not collapsed) and after which a line may break.
_BREAK_AFTER = frozenset("\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
# UAX #14, LB13 and LB14: no break before these even after a space, nor after these.
_CLOSING = regex.compile(r"[\p{lb=CL}\p{lb=CP}\p{lb=EX}\p{lb=IS}]")
_OPENING = regex.compile(r"\p{lb=OP}")


def collapse(paragraph: str) -> str:
    """A paragraph with each run of collapsible white space made one space, and trimmed.

    >>> collapse("  a \\t b\u00a0 c ")
    'a b\xa0 c'
    """
    return _COLLAPSIBLE_RUN.sub(" ", paragraph).strip(" ")


def clusters(text: str) -> list[str]:
    """Extended grapheme clusters (what a reader sees as one character).

    >>> len(clusters("e\\u0301\\U0001F1EF\\U0001F1F5\\U0001F469\\u200d\\U0001F4BB"))  # é, a flag, a ZWJ sequence
    3
    """
    return _CLUSTER.findall(text)


@lru_cache(maxsize=4096)
def is_cjk(cluster: str) -> bool:
    """Whether a cluster is a CJK character around which lines may break."""
    return bool(cluster) and _CJK.match(cluster) is not None


@lru_cache(maxsize=4096)
def is_emoji(cluster: str) -> bool:
    """Whether a cluster should be drawn as a color emoji.

    Clusters with emoji presentation by default (😀), or made emoji by
    U+FE0F, a skin tone, a ZWJ sequence, a keycap or a flag pair; but not
    text-presentation symbols such as © or digits on their own.

    >>> [is_emoji(c) for c in ["😀", "❤", "❤\\ufe0f", "1\\ufe0f\\u20e3", "©", "A"]]
    [True, False, True, True, False, False]
    """
    if _EMOJI_PRESENTATION.match(cluster) or _REGIONAL_INDICATOR.match(cluster):
        return True
    return any(char in _EMOJI_SEQUENCE_MARKS for char in cluster[1:])


def _breakable(before: str, after: str) -> bool:
    """Whether a line may break between two adjacent non-space clusters."""
    if before in (ZERO_WIDTH_SPACE, SOFT_HYPHEN) or before in _BREAK_AFTER:
        return not _CLOSING.match(after)
    if before.isascii() and after.isascii():
        return False  # neither is CJK nor emoji (a keycap has U+FE0F or U+20E3)
    # CJK characters and emoji are ideographic (UAX #14 class ID): lines may break around them.
    if not (is_cjk(before) or is_cjk(after) or is_emoji(before) or is_emoji(after)):
        return False
    return before[-1] not in NO_LINE_END and after[0] not in NO_LINE_START


_WORD = regex.compile(f"[^{regex.escape(COLLAPSIBLE)}\\n]+")


def atoms(paragraph: str, offset: int = 0) -> list[Atom]:
    """Split one paragraph (no ``"\\n"``) into atoms; white space collapses.

    ``offset`` is where the paragraph starts in the whole text: each atom's
    ``start`` counts from there.
    """
    result: list[Atom] = []
    for match in _WORD.finditer(paragraph):
        word = match.group()
        position = offset + match.start()
        if result and result[-1].glue == " " and (_CLOSING.match(word) or _OPENING.fullmatch(result[-1].text[-1:])):
            # No break at this space: the word joins the atom before it.
            last = result.pop()
            position = last.start
            word = paragraph[last.start - offset : match.end()]
        current = ""
        previous = ""
        for cluster in clusters(word):
            if current and _breakable(previous, cluster):
                result.append(Atom(current, "", position, previous == SOFT_HYPHEN))
                position += len(current)
                current = ""
            current += cluster
            previous = cluster
        result.append(Atom(current, " ", position))
    return result
