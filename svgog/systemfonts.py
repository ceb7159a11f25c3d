"""System fonts: what fontconfig says is installed, and which face draws a character.

svgog draws text with the fonts it knows (bundled, added by the caller,
embedded in a template). A title in Japanese, Chinese, Korean, Thai or Arabic
needs more: the fonts installed on the machine. This module asks fontconfig,
the font catalogue of every Linux desktop and of cairo, and answers the
question a desktop text stack asks for each character its chosen font lacks:
*which installed face draws this, for this language, weight and style?*

:meth:`SystemFonts.discover` runs ``fc-list`` once per process (it reads
fontconfig's cache, so it takes milliseconds) together with ``fc-pattern``,
which gives the desktop's preference lists for sans-serif, serif and
monospace. Every face comes back as a :class:`SystemFont` with its Unicode
coverage as a compact range array. Without fontconfig there are simply no
system fonts: nothing is raised.

:meth:`SystemFonts.for_cluster` ranks the faces that cover a cluster as
fontconfig and desktops do (language, then sans-serif over serif and
monospace, then the desktop's own order), then picks the weight, style and
width inside the winning family as CSS does (:mod:`svgog.fontmatch`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import regex

from .errors import FontError
from .fontmatch import STYLES, match_stretch, match_weight, nearest

__all__ = ["GENERICS", "LIST_FORMAT", "SystemFont", "SystemFonts", "script_language"]

_log = logging.getLogger(__name__)

#: The generic families a face is classed in, most preferred first (see :meth:`SystemFonts.for_cluster`).
GENERICS = ("sans-serif", "serif", "monospace")

# String values are escaped with a backslash before backslash, tab, newline and
# the separators used inside a field, so any path or family name parses back
# exactly (names may hold commas, colons, even tabs). The fields that cannot
# hold those characters (numbers, language codes, hex ranges) come last, so a
# line can be split from the right without looking at escapes.
_ESCAPE = r"|escape(\\\t\n,=)"
#: The ``fc-list --format`` string :meth:`SystemFonts.from_listing` reads: one
#: line per face with file, families (``name=lang,`` each), then index, slant,
#: weight, width, spacing, variable, outline, color, languages and charset.
LIST_FORMAT = (
    "%{file" + _ESCAPE + "}\t"
    "%{[]family,familylang{%{family" + _ESCAPE + "}=%{familylang},}}\t"
    "%{index}\t%{slant}\t%{weight}\t%{width}\t%{spacing}\t"
    "%{variable}\t%{outline}\t%{color}\t%{fontversion}\t%{lang}\t%{charset}\n"
)
_PLAIN_FIELDS = 11  # the fields after the two escaped ones
_FAMILY_FORMAT = "%{[]family{%{family" + _ESCAPE + "},}}"

# fontconfig's weight scale against OpenType's (fontconfig's fcweight.c): CSS
# weights are OpenType's, and fontconfig interpolates linearly between these.
_WEIGHTS = (
    (0, 100), (40, 200), (50, 300), (55, 350), (75, 380), (80, 400),
    (100, 500), (180, 600), (200, 700), (205, 800), (210, 900), (215, 1000),
)  # fmt: skip
# fontconfig rounds the OS/2 width classes to whole percents; CSS keeps the halves.
_WIDTHS = {63.0: 62.5, 87.0: 87.5, 113.0: 112.5}
_SLANTS = {0: "normal", 100: "italic", 110: "oblique"}
_MONOSPACED = {100, 110}  # fontconfig's FC_MONO and FC_CHARCELL

# Pan-CJK families (Noto Sans CJK, Source Han Sans, AR PL UMing) cover every
# CJK language and fontconfig says so; only the family name's region tag says
# which language's glyph forms a face draws. Debian's fontconfig rules
# (70-fonts-noto-cjk.conf) choose between them by these names too.
_REGION_TAGS = {
    "JP": "ja", "KR": "ko", "SC": "zh-cn", "CN": "zh-cn",
    "TC": "zh-tw", "TW": "zh-tw", "HK": "zh-hk", "HC": "zh-hk",
}  # fmt: skip
# For each language, the regions whose forms it takes, best first.
_REGIONS_FOR = {
    "ja": ("ja",),
    "ko": ("ko",),
    "zh-cn": ("zh-cn",),
    "zh-sg": ("zh-cn",),
    "zh-tw": ("zh-tw", "zh-hk"),
    "zh-hk": ("zh-hk", "zh-tw"),
    "zh-mo": ("zh-hk", "zh-tw"),
    "zh": ("zh-cn", "zh-tw", "zh-hk"),
}
_CJK_LANGUAGES = {"ja", "ko", "zh"}
# Han without a language gets the forms fontconfig gives it in a non-CJK locale:
# Japanese (Noto CJK's first face), then Simplified, Traditional, Hong Kong, Korean.
_HAN_ORDER = ("ja", "zh-cn", "zh-tw", "zh-hk", "ko")
_HAN_PROBES = (0x4E00, 0xAC00, 0x3042)  # 一, 가, あ: a face with a region tag is CJK only if it covers one

# Language ranks, lower is better (see SystemFonts.for_cluster).
_TAGGED, _COVERS, _NEARBY, _SAME_LANGUAGE_TAG, _OTHER_TAG, _NONE = 0, 10, 11, 15, 20, 30

# Sample languages of scripts, as Pango gives them (pango_script_get_sample_language):
# a cluster in one of these scripts prefers a face fontconfig says covers that language.
_SCRIPT_LANGUAGES = (
    ("Arabic", "ar"), ("Armenian", "hy"), ("Bengali", "bn"), ("Bopomofo", "zh-tw"),
    ("Canadian_Aboriginal", "iu"), ("Cherokee", "chr"), ("Cyrillic", "ru"),
    ("Devanagari", "hi"), ("Ethiopic", "am"), ("Georgian", "ka"), ("Greek", "el"),
    ("Gujarati", "gu"), ("Gurmukhi", "pa"), ("Hangul", "ko"), ("Hebrew", "he"),
    ("Hiragana", "ja"), ("Kannada", "kn"), ("Katakana", "ja"), ("Khmer", "km"),
    ("Lao", "lo"), ("Latin", "en"), ("Malayalam", "ml"), ("Mongolian", "mn-cn"),
    ("Myanmar", "my"), ("Oriya", "or"), ("Sinhala", "si"), ("Syriac", "syr"),
    ("Tamil", "ta"), ("Telugu", "te"), ("Thaana", "dv"), ("Thai", "th"),
    ("Tibetan", "bo"), ("Yi", "ii"),
)  # fmt: skip
_SCRIPTS = regex.compile(
    "|".join(rf"(?P<s{i}>\p{{sc={name}}})" for i, (name, _) in enumerate(_SCRIPT_LANGUAGES))
)
# Kana and Hangul decide a CJK cluster's language wherever they stand ("東京タワー"
# is Japanese though it starts with Han). The prolonged sound marks are Common
# script but only ever written in Japanese.
_DECISIVE = regex.compile(r"(?P<ja>[\p{sc=Hira}\p{sc=Kana}\u30fc\uff70])|(?P<ko>\p{sc=Hang})")
# HarfBuzz draws default-ignorable characters (joiners, variation selectors,
# tags) as nothing when a font lacks them, so a face need not cover them.
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
_EMOJI = regex.compile(r"\p{Emoji_Presentation}")
# fontconfig's language for emoji (its und-zsye orthography), as Pango asks for it.
_EMOJI_LANGUAGE = "und-zsye"

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_TOKEN = re.compile(r"\\(.)|([^\\\t\n,=]+)|([\t\n,=])", re.DOTALL)
_WORD_SPLIT = re.compile(r"[\s\-_]+")
_SERIF_WORDS = {"serif", "mincho", "ming", "song", "sung", "batang", "myeongjo", "roman", "times", "明朝"}
_MONO_WORDS = {"mono", "monospace", "monospaced", "code", "coding", "typewriter"}

# What a listing depends on besides the command: a different configuration is a different listing.
_ENVIRONMENT = (
    "FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "PATH",
)  # fmt: skip
_TIMEOUT = 30.0  # seconds; fc-list without a cache scans every font file
_discovered: dict[tuple[object, ...], SystemFonts] = {}
_discover_lock = threading.Lock()
_DISCOVERED_KEPT = 8


@dataclass(frozen=True, slots=True)
class SystemFont:
    """One installed face, as fontconfig describes it.

    ``path`` and ``index`` open it (``index`` is the face in a collection such
    as a ``.ttc``). Weight and width are CSS values: ``weight`` 1–1000,
    ``stretch`` a ``font-stretch`` percentage. A variable face has ranges
    (``weight_range``, ``stretch_range``); ``weight`` and ``stretch`` are then
    the points of those ranges nearest 400 and 100%. ``instance`` is a named
    instance of a variable font, counted from 1 (0: not an instance); it is
    only listed where fontconfig hides the variable face itself.
    """

    path: str
    index: int
    #: The primary family name: fontconfig's first English name, else its first.
    family: str
    #: Every family name fontconfig knows for the face, the primary one first.
    families: tuple[str, ...]
    #: ``normal``, ``italic`` or ``oblique``.
    style: str
    weight: int
    stretch: float
    #: One of :data:`GENERICS`: how fontconfig's configuration (else the family name) classes the face.
    generic: str
    weight_range: tuple[int, int] | None = None
    stretch_range: tuple[float, float] | None = None
    variable: bool = False
    instance: int = 0
    #: Whether the face has outlines (svgog draws outlines; bitmap-only faces are never chosen).
    outline: bool = True
    #: Whether the face has color glyphs (COLR, CBDT, sbix or SVG).
    color: bool = False
    #: The font's version (its ``head`` table's fontRevision in 16.16 fixed point, as fontconfig gives it).
    version: int = 0
    #: The languages fontconfig says the face covers (its codes: ``ja``, ``zh-cn``, ``und-zsye``).
    langs: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    #: Covered code points as sorted half-open ranges, flattened: ``[start, end, start, end, ...]``.
    coverage: array[int] = field(default_factory=lambda: array("I"), repr=False, compare=False)

    @property
    def weights(self) -> tuple[int, int]:
        """The lowest and highest weight the face matches."""
        return self.weight_range or (self.weight, self.weight)

    @property
    def stretches(self) -> tuple[float, float]:
        """The narrowest and widest width the face matches, in percent."""
        return self.stretch_range or (self.stretch, self.stretch)

    def covers(self, codepoint: int) -> bool:
        """Whether the face has a glyph for ``codepoint``, in O(log n) over its ranges."""
        # Inside a range exactly when an odd number of boundaries are <= it.
        return bisect_right(self.coverage, codepoint) & 1 == 1


class SystemFonts:
    """The installed fonts, and the best of them for a cluster of text.

    Immutable once built and safe to share between threads. Usually obtained
    with :meth:`discover`; :meth:`from_listing` reads ``fc-list`` output given
    as text, and the constructor takes faces as they are.

    :param fonts: The faces.
    :param preferences: For each of :data:`GENERICS`, family names in the
        order the desktop prefers them (fontconfig's aliases); faces of other
        families rank after them.
    :param memo_size: How many answers of :meth:`for_cluster` to remember.
    """

    def __init__(
        self,
        fonts: Iterable[SystemFont] = (),
        *,
        preferences: Mapping[str, Sequence[str]] | None = None,
        memo_size: int = 4096,
    ) -> None:
        ranks: dict[str, dict[str, int]] = {}
        for generic, names in (preferences or {}).items():
            order: dict[str, int] = {}
            for name in names:
                order.setdefault(_family_key(name), len(order))
            ranks[generic] = order
        entries = []
        primaries: dict[frozenset[str], frozenset[str]] = {}  # faces share language sets; share these too
        for font in fonts:
            tag = _region_tag(font)
            order = ranks.get(font.generic, {})
            static = (
                GENERICS.index(font.generic) if font.generic in GENERICS else len(GENERICS),
                order.get(_family_key(font.family), len(order)),
                _HAN_ORDER.index(tag) if tag else len(_HAN_ORDER),
                # fontconfig's last criterion: the newer font (Noto Sans Thai 2.0 before Noto Looped Thai 1.0).
                -font.version,
                font.family.casefold(),
                font.family,
                font.path,
                font.index,
                font.instance,
            )
            if font.langs not in primaries:
                primaries[font.langs] = frozenset(lang.split("-", 1)[0] for lang in font.langs)
            entries.append(_Entry(static, font, tag, primaries[font.langs]))
        entries.sort(key=lambda entry: entry.static)
        self.fonts: tuple[SystemFont, ...] = tuple(entry.font for entry in entries)
        """Every face, in the order the ranking prefers them when languages tie."""
        self._drawable = [entry for entry in entries if entry.font.outline]
        self._memo = lru_cache(maxsize=memo_size)(self._find)

    @classmethod
    def discover(cls, *, command: str = "fc-list", refresh: bool = False) -> SystemFonts:
        """The fonts fontconfig lists on this machine, found once per process.

        Runs ``command`` (``fc-list``) and the ``fc-pattern`` beside it. If the
        command is missing or fails there are no system fonts: one debug line
        is logged and nothing is raised. The answer is kept per command and
        fontconfig environment (``FONTCONFIG_FILE`` and the like);
        ``refresh=True`` asks again, for fonts installed since.
        """
        key = (cls, command, *(os.environ.get(name) for name in _ENVIRONMENT))
        with _discover_lock:
            found = None if refresh else _discovered.get(key)
            if found is None:
                found = cls._run_discovery(command)
                _discovered.pop(key, None)
                while len(_discovered) >= _DISCOVERED_KEPT:
                    del _discovered[next(iter(_discovered))]
                _discovered[key] = found
            return found

    @classmethod
    def from_listing(
        cls, listing: str, *, preferences: Mapping[str, Sequence[str]] | None = None
    ) -> SystemFonts:
        """The faces in ``fc-list --format`` output made with :data:`LIST_FORMAT`.

        A face listed twice (the same file and index) counts once. A variable
        font's named instances are dropped when its variable face is listed:
        that face covers them, at any weight in its range.
        """
        return cls(_parse_listing(listing, preferences or {}), preferences=preferences)

    @classmethod
    def _run_discovery(cls, command: str) -> SystemFonts:
        executable = shutil.which(command)
        if executable is None:
            _log.debug("no system fonts: %s not found", command)
            return cls()
        sibling = Path(executable).with_name("fc-pattern")
        commands = [[executable, "--format", LIST_FORMAT]]
        if sibling.is_file():
            # Without -d: no language from the server's locale, so the lists do not depend on it.
            commands += [[str(sibling), "-c", "--format", _FAMILY_FORMAT, generic] for generic in GENERICS]
        outputs = _run_side_by_side(commands)
        listing, problem = outputs[0]
        if listing is None:
            _log.debug("no system fonts: %s %s", command, problem)
            return cls()
        preferences = {
            generic: [item[0] for item in _split(output)[0] if item[0]]
            for generic, (output, _) in zip(GENERICS, outputs[1:])
            if output is not None
        }
        return cls.from_listing(listing, preferences=preferences)

    def for_cluster(
        self,
        cluster: str,
        *,
        weight: float = 400,
        style: str = "normal",
        stretch: float = 100.0,
        lang: str | None = None,
    ) -> SystemFont | None:
        """The installed face that best draws ``cluster``, or ``None`` if none draws all of it.

        A face draws the cluster if it covers every character, or every
        character of its NFC or NFD form (HarfBuzz composes and decomposes as
        the font needs); default-ignorable characters (joiners, variation
        selectors, tags) need no glyph. An empty cluster, or one of ignorable
        characters only, gets ``None``. Only faces with outlines are offered.

        Among the faces that draw it, the family is chosen first, by:

        1. Language. With ``lang`` (a BCP 47 or POSIX tag: ``ja``,
           ``zh-Hant``, ``zh_TW``), a pan-CJK face made for it (``Noto Sans CJK
           SC`` for ``zh-cn``, ``TC`` for ``zh-tw``, ``HK`` for ``zh-hk``, ``JP``
           for ``ja``, ``KR`` for ``ko``) comes first, then a face fontconfig
           says covers the language, then one covering another variety of it.
           Next comes the cluster's own language: that of its script (Hangul
           ``ko``, kana ``ja``, Thai ``th``, see :func:`script_language`), or
           for an emoji-presentation cluster fontconfig's emoji language
           ``und-zsye``, which then outranks ``lang`` (emoji need an emoji
           font whatever the text's language).
        2. Sans-serif before serif before monospace (:attr:`SystemFont.generic`),
           as a card's fallback should look like the sans-serif text around it.
        3. The desktop's preference order within that class (fontconfig's
           aliases: DejaVu Sans before Liberation Sans on Debian); families it
           does not name come after.
        4. Han with no language to go by gets Japanese forms, then Simplified
           Chinese, Traditional, Hong Kong, Korean: fontconfig's answer in a
           non-CJK locale (Noto CJK's JP face is the collection's first). The
           server's locale is deliberately not consulted: a card should not
           change with the machine that renders it. Pass ``lang`` instead.
        5. The newer font (fontconfig's ``fontversion``): Noto Sans Thai 2.0
           before Noto Looped Thai 1.0, as ``fc-match :lang=th`` answers.

        Inside the family, the face is the one CSS would match for ``stretch``,
        ``style`` (italic falls back to oblique, then normal) and ``weight``
        (600 gets bold before medium). A variable face is returned as it is;
        draw it at the requested weight, clamped to its range. Answers are
        remembered (bounded), so repeated lookups take about a microsecond.

        :raises FontError: ``weight`` outside 1–1000, ``stretch`` not a positive
            percentage, or ``style`` not a CSS font-style.
        """
        return self._memo(
            cluster, _css_weight_request(weight), _css_style(style), _css_stretch_request(stretch), _language(lang)
        )

    def __repr__(self) -> str:
        return f"<SystemFonts: {len(self.fonts)} faces>"

    def _find(
        self, cluster: str, weight: float, style: str, stretch: float, lang: str | None
    ) -> SystemFont | None:
        forms = _required_forms(cluster)
        if not forms:
            return None
        first: str | None = lang
        second = script_language(cluster)
        if _is_emoji_presentation(cluster):
            first, second = _EMOJI_LANGUAGE, lang
        # A face with the cluster's own characters beats one that needs them
        # composed or decomposed: its glyphs were designed for them.
        for form in forms:
            drawing = self._drawing(form)
            if drawing:
                break
        else:
            return None
        best = min(
            drawing,
            key=lambda entry: (_language_rank(entry, first), _language_rank(entry, second), entry.static),
        )
        faces = [entry.font for entry in drawing if entry.font.family == best.font.family]
        return _css_face(faces, weight, style, stretch)

    def _drawing(self, codepoints: tuple[int, ...]) -> list[_Entry]:
        """The faces that cover all of ``codepoints``."""
        covered: dict[int, bool] = {}  # the faces of one collection often share one coverage array
        drawing = []
        for entry in self._drawable:
            coverage = entry.font.coverage
            hit = covered.get(id(coverage))
            if hit is None:
                hit = covered[id(coverage)] = all(bisect_right(coverage, c) & 1 for c in codepoints)
            if hit:
                drawing.append(entry)
        return drawing


@dataclass(frozen=True, slots=True)
class _Entry:
    """A face with what ranking needs about it, worked out once."""

    static: tuple[object, ...]
    font: SystemFont
    tag: str | None  # the CJK language its family name's region tag stands for
    primaries: frozenset[str]  # its languages without territory: "zh" for "zh-cn"


def script_language(cluster: str) -> str | None:
    """The language a cluster's script suggests, as a fontconfig language code.

    Kana anywhere make it Japanese and Hangul Korean; otherwise the first
    character of a script with a sample language decides (Pango's table, but
    Bopomofo is taken for Taiwanese Chinese, where it is written). Han alone,
    like digits and punctuation, says nothing: ``None``.

    >>> script_language("東京タワー"), script_language("한국어"), script_language("ภาษาไทย")
    ('ja', 'ko', 'th')
    >>> script_language("مرحبا"), script_language("Ωμέγα"), script_language("Zoë")
    ('ar', 'el', 'en')
    >>> script_language("中文") is None, script_language("42!") is None
    (True, True)
    """
    found = _DECISIVE.search(cluster)
    if found:
        return str(found.lastgroup)
    found = _SCRIPTS.search(cluster)
    if found and found.lastgroup:
        return _SCRIPT_LANGUAGES[int(found.lastgroup[1:])][1]
    return None


def _language_rank(entry: _Entry, lang: str | None) -> int:
    """How well a face suits a language; lower is better, equal for all when there is none."""
    if lang is None:
        return 0
    primary = lang.split("-", 1)[0]
    if entry.tag is not None:
        regions = _REGIONS_FOR.get(lang) or _REGIONS_FOR.get(primary, ())
        if entry.tag in regions:
            return _TAGGED + regions.index(entry.tag)
        if primary in _CJK_LANGUAGES:
            # Made for another CJK language: its glyph forms differ from this one's.
            return _SAME_LANGUAGE_TAG if entry.tag.split("-", 1)[0] == primary else _OTHER_TAG
    if lang in entry.font.langs or primary in entry.font.langs:
        return _COVERS
    if primary != "und" and primary in entry.primaries:  # und-zsye (emoji) is no kin of und-zmth (math)
        return _NEARBY
    return _NONE


def _css_face(faces: list[SystemFont], weight: float, style: str, stretch: float) -> SystemFont:
    """The face among one family's ``faces`` that CSS would match (CSS Fonts 4, §5.2)."""
    width = match_stretch((nearest(face.stretches, stretch) for face in faces), stretch)
    faces = [face for face in faces if nearest(face.stretches, stretch) == width]
    order = {"italic": ("italic", "oblique", "normal"), "oblique": ("oblique", "italic", "normal")}
    for wanted in order.get(style, ("normal", "oblique", "italic")):
        same = [face for face in faces if face.style == wanted]
        if same:
            chosen = match_weight((nearest(face.weights, weight) for face in same), weight)
            return next(face for face in same if nearest(face.weights, weight) == chosen)
    return faces[0]


def _required_forms(cluster: str) -> tuple[tuple[int, ...], ...]:
    """The sets of code points any of which a face must cover to draw ``cluster``."""
    forms: list[tuple[int, ...]] = []
    for text in (cluster, unicodedata.normalize("NFC", cluster), unicodedata.normalize("NFD", cluster)):
        needed = tuple(map(ord, _IGNORABLE.sub("", text)))
        if needed and needed not in forms:
            forms.append(needed)
    return tuple(forms)


def _is_emoji_presentation(cluster: str) -> bool:
    """Whether a cluster asks to be drawn as an emoji (VS16, or a default-emoji character without VS15)."""
    if "\ufe0e" in cluster:
        return False
    return "\ufe0f" in cluster or _EMOJI.search(cluster) is not None


@lru_cache(maxsize=256)
def _language(lang: str | None) -> str | None:
    """A BCP 47 or POSIX language tag as fontconfig writes languages (``zh-Hant-HK`` → ``zh-hk``).

    >>> [_language(tag) for tag in ("zh-Hans", "zh-Hant", "zh_TW", "zh-Hant-HK", "ja-JP", "ko", "", None)]
    ['zh-cn', 'zh-tw', 'zh-tw', 'zh-hk', 'ja-jp', 'ko', None, None]
    """
    if lang is None:
        return None
    tag = lang.strip().split(".", 1)[0].split("@", 1)[0].replace("_", "-").lower()
    if not tag:
        return None
    primary, *subtags = tag.split("-")
    script = next((s for s in subtags if len(s) == 4 and s.isalpha()), None)
    region = next((s for s in subtags if len(s) == 2 and s.isalpha() or len(s) == 3 and s.isdigit()), None)
    if primary == "und" and script:
        return f"und-{script}"
    if primary == "zh":
        if region in ("cn", "sg", "tw", "hk", "mo"):
            return f"zh-{region}"
        return {"hans": "zh-cn", "hant": "zh-tw"}.get(script or "", "zh")
    return f"{primary}-{region}" if region else primary


def _css_weight_request(weight: float) -> float:
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 1 <= weight <= 1000:
        raise FontError(f"font weight must be a number from 1 to 1000, not {weight!r}")
    return weight


def _css_stretch_request(stretch: float) -> float:
    if isinstance(stretch, bool) or not isinstance(stretch, (int, float)) or not 0 < stretch < float("inf"):
        raise FontError(f"font stretch must be a positive percentage, not {stretch!r}")
    return stretch


def _css_style(style: str) -> str:
    words = style.strip().lower().split() if isinstance(style, str) else []
    if not words or words[0] not in STYLES:
        raise FontError(f"font style must be one of {', '.join(STYLES)}, not {style!r}")
    return words[0]  # "oblique 10deg" is oblique


def _css_weight(fc_weight: float) -> int:
    """A fontconfig weight as a CSS weight.

    >>> [_css_weight(w) for w in (0, 50, 80, 100, 180, 200, 210, 215)]
    [100, 300, 400, 500, 600, 700, 900, 1000]
    """
    if fc_weight <= _WEIGHTS[0][0]:
        return _WEIGHTS[0][1]
    for (fc_low, css_low), (fc_high, css_high) in pairwise(_WEIGHTS):
        if fc_weight <= fc_high:
            return round(css_low + (fc_weight - fc_low) * (css_high - css_low) / (fc_high - fc_low))
    return _WEIGHTS[-1][1]


def _family_key(name: str) -> str:
    # fontconfig compares family names ignoring case and blanks.
    return "".join(name.split()).casefold()


def _generic(families: Sequence[str], spacing: int | None, preferences: Mapping[str, Sequence[str]]) -> str:
    """How fontconfig's configuration classes a face; by its names when the configuration does not say.

    Its aliases name the families it prefers for each generic family; a face
    named in none of them is sans-serif unless its name says serif or
    monospace (fontconfig's 49-sansserif.conf makes every unclassed family
    sans-serif).
    """
    if spacing in _MONOSPACED:
        return "monospace"
    keys = {_family_key(name) for name in families}
    for generic in GENERICS:
        names = preferences.get(generic, ())
        if any(_family_key(name) in keys for name in names):
            return generic
    for name in families:
        words = {word.casefold() for word in _WORD_SPLIT.split(name)}
        if words & _MONO_WORDS:
            return "monospace"
        if words & _SERIF_WORDS and "sans" not in words:
            return "serif"
    return "sans-serif"


def _region_tag(font: SystemFont) -> str | None:
    """The CJK language a pan-CJK face's family name says it is for (``Noto Sans CJK SC`` → ``zh-cn``)."""
    if not any(font.covers(probe) for probe in _HAN_PROBES):
        return None
    for name in font.families:
        words = name.split()
        if len(words) > 1 and words[-1] in _REGION_TAGS:
            return _REGION_TAGS[words[-1]]
    return None


def _run_side_by_side(commands: list[list[str]]) -> list[tuple[str | None, str]]:
    """Run commands at once; for each, its output (``None`` if it failed) and what went wrong."""
    started: list[subprocess.Popen[bytes] | OSError] = []
    for argv in commands:
        try:
            started.append(
                subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            )
        except OSError as exc:
            started.append(exc)
    results: list[tuple[str | None, str]] = []
    for process in started:
        if isinstance(process, OSError):
            results.append((None, f"could not run: {process}"))
            continue
        try:
            out, err = process.communicate(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            results.append((None, f"took more than {_TIMEOUT:g} s"))
            continue
        if process.returncode != 0:
            message = err.decode("utf-8", "replace").strip().splitlines()
            results.append((None, f"exited with {process.returncode}: {message[0] if message else ''}"))
            continue
        # Paths are bytes on POSIX; surrogateescape keeps any of them usable as a path.
        results.append((out.decode("utf-8", "surrogateescape"), ""))
    return results


def _parse_listing(listing: str, preferences: Mapping[str, Sequence[str]]) -> list[SystemFont]:
    coverages: dict[str, array[int]] = {}
    languages: dict[str, frozenset[str]] = {}
    faces: dict[tuple[str, int, int, bool], SystemFont] = {}
    for line in _lines(listing):
        font = _parse_line(line, preferences, coverages, languages)
        if font is not None:
            faces.setdefault((font.path, font.index, font.instance, font.variable), font)
    # A variable face stands for its default and named instances (fontconfig lists all of them).
    variable = {(font.path, font.index) for font in faces.values() if font.variable}
    return [font for font in faces.values() if font.variable or (font.path, font.index) not in variable]


def _lines(listing: str) -> Iterable[str]:
    """The records of a listing: lines, rejoined where a newline was escaped."""
    pending = ""
    for piece in listing.split("\n"):
        line = pending + piece
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2:  # an odd run of backslashes escapes the newline that followed
            pending = line + "\n"
            continue
        pending = ""
        if line:
            yield line


def _parse_line(
    line: str,
    preferences: Mapping[str, Sequence[str]],
    coverages: dict[str, array[int]],
    languages: dict[str, frozenset[str]],
) -> SystemFont | None:
    parts = line.rsplit("\t", _PLAIN_FIELDS)
    if len(parts) != _PLAIN_FIELDS + 1:
        _log.debug("skipped an fc-list line that does not match the format: %.80r", line)
        return None
    head, index_text, slant_text, weight_text, width_text, spacing_text = parts[:6]
    variable, outline, color, version_text, lang_text, charset = parts[6:]
    fields = _split(head)
    names = [(item[0], item[-1]) for item in fields[-1] if item[0]]
    if len(fields) != 2 or not names or not index_text.isdigit():
        _log.debug("skipped an fc-list line that does not match the format: %.80r", line)
        return None
    path, index = fields[0][0][0], int(index_text)
    english = next((name for name, name_lang in names if name_lang == "en"), names[0][0])
    families = (english, *dict.fromkeys(name for name, _ in names if name != english))
    weights = _numbers(weight_text) or (80.0,)
    widths = _numbers(width_text) or (100.0,)
    slants = _numbers(slant_text) or (0.0,)
    spacing = _numbers(spacing_text)
    css_weights = (_css_weight(min(weights)), _css_weight(max(weights)))
    css_widths = (_WIDTHS.get(min(widths), min(widths)), _WIDTHS.get(max(widths), max(widths)))
    coverage = coverages.get(charset)
    if coverage is None:
        coverage = coverages[charset] = _ranges(charset)
    langs = languages.get(lang_text)
    if langs is None:
        langs = languages[lang_text] = frozenset(filter(None, lang_text.split("|")))
    return SystemFont(
        path=path,
        index=index & 0xFFFF,  # fontconfig puts a named instance's number in the high bits
        family=english,
        families=families,
        style=_SLANTS.get(int(slants[0]), "italic" if slants[0] > 0 else "normal"),
        weight=round(nearest(css_weights, 400)),
        stretch=nearest(css_widths, 100.0),
        generic=_generic(families, int(spacing[0]) if spacing else None, preferences),
        weight_range=css_weights if css_weights[0] != css_weights[1] else None,
        stretch_range=css_widths if css_widths[0] != css_widths[1] else None,
        variable=variable == "True",
        instance=index >> 16,
        outline=outline != "False",
        color=color == "True",
        version=int(version_text) if version_text.isdigit() else 0,
        langs=langs,
        coverage=coverage,
    )


def _split(text: str) -> list[list[list[str]]]:
    r"""Unescape what ``escape(\\\t\n,=)`` printed and split it: fields at tabs, items at commas, pairs at ``=``.

    >>> _split("/a\\,b.ttf\tOdd\\, Name=en,Plain=,")
    [[['/a,b.ttf']], [['Odd, Name', 'en'], ['Plain', ''], ['']]]
    """
    fields = [[[""]]]
    for escaped, plain, separator in _TOKEN.findall(text):
        if not separator:
            fields[-1][-1][-1] += escaped or plain
        elif separator == "\t":
            fields.append([[""]])
        elif separator == "=":
            fields[-1][-1].append("")
        else:  # a comma, or the newline ending fc-pattern's list
            fields[-1].append([""])
    return fields


def _numbers(text: str) -> tuple[float, ...]:
    # A value ("80"), or a variable font's range ("[40 210]").
    return tuple(float(number) for number in _NUMBER.findall(text))


def _ranges(charset: str) -> array[int]:
    """fontconfig's charset (``20-7e a0-17f 192``) as flattened half-open ranges, merged and sorted."""
    bounds = array("I")
    for token in charset.split():
        first, _, last = token.partition("-")
        start = int(first, 16)
        bounds.append(start)
        bounds.append((int(last, 16) if last else start) + 1)
    if any(bounds[i] > bounds[i + 1] for i in range(1, len(bounds) - 1, 2)):
        # Not fontconfig's sorted, disjoint ranges: sort and merge them, as bisect needs.
        merged: list[list[int]] = []
        for start, end in sorted(zip(bounds[::2], bounds[1::2])):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        bounds = array("I", [value for pair in merged for value in pair])
    return bounds
