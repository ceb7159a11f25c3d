"""Titles in many scripts and shapes, for the text corpus tests.

The lists are by kind of text. :data:`SCRIPTS` groups the titles of each
script (every title of the corpus is in exactly one group), and
:data:`BROWSER` names the titles the Chromium comparison draws.
Non-printing characters are written as escapes so that they can be seen:
U+00A0 no-break space, U+202F narrow no-break space, U+00AD soft hyphen,
U+200B zero-width space, U+200C zero-width non-joiner, U+030C combining caron.
"""

from __future__ import annotations

LATIN = [
    "Hi",
    "Hello world",
    "How to Generate OG Images Dynamically with an API in 2026",
    "Ten things we learned shipping a font engine in pure Python, and one we wish we had not",
    "Every social network crops, scales and caches the preview image of a shared link, so the "
    "title on it has to survive being read at a glance on a small phone screen by someone scrolling "
    "past hundreds of other posts",
    "WAVY TYPOGRAPHY: AVOID AWKWARD KERNING PAIRS LIKE AV, TO AND WA",
    "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung",
    "https://example.com/blog/2026/11/generating-open-graph-images-with-svg-templates?ref=feed",
    "state-of-the-art/well-known/long-hyphenated-compound-words-everywhere",
    "Crème brûlée, jalapeño, naïve façade, smørrebrød and Æsop",
    "Tiếng Việt có dấu: Phở bò ngon nhất Hà Nội",
    "Ελληνικά: Η γρήγορη καφέ αλεπού πηδάει πάνω από τον σκύλο",
    "Русский текст: съешь же ещё этих мягких французских булок",
    "Zürich → Köln: 15% off, €49.99 — “smart quotes” and ‘apostrophes’",
    "a",
    "I",
    "Line one\nLine two after a hard break",
    "   Leading and trailing spaces are trimmed   ",
    "Tabs\tand   multiple    spaces collapse",
    "Numbers 1234567890 and symbols #@&*()[]{}",
    "e\u0301 combining acute, a\u0308 combining diaeresis, n\u0303 tilde",
    "iPhone 16 Pro Max review: the camera is the story",
    "The quick brown fox jumps over the lazy dog",
    "Why we rewrote our build pipeline (twice)",
    "A",
    "Q&A: everything about OG images",
    "ALL CAPS HEADLINES ARE HARDER TO READ BUT PEOPLE USE THEM ANYWAY",
    "lowercase only title for a minimalist brand",
    "1/3 of all links shared are never clicked",
    "Release v2.0.0-rc.1 is out",
]

#: Latin letters with marks that have no precomposed form: the font positions them (GPOS mark, ccmp).
COMBINING = [
    "Caron on J\u030c Q\u030c M\u030c W\u030c, acute on j\u0301",
    "Stacked marks: a\u0323\u0302 e\u0323\u0302 o\u031b\u0301 u\u031b\u0300",
]

#: Spaces and breaks that are not plain spaces.
SPACES = [
    # No-break spaces glue a number to its unit and French punctuation to its word.
    "Cold starts in 7\u00a0ms, and p99 under 40\u00a0ms",
    "Le guide \u00ab\u202fcomplet\u202f\u00bb\u202f: 100\u202f% gratuit\u202f!",
    # Soft hyphens: a break there shows a hyphen; without a break they draw nothing.
    "Donau\u00addampf\u00adschiff\u00adfahrts\u00adgesellschaft",
    "Die Donau\u00addampf\u00adschiff\u00adfahrts\u00adgesellschafts\u00adkapitäns\u00adwitwen\u00adrenten"
    "\u00adversicherung",
    # Zero-width spaces: the only break opportunities in a long word.
    "\u200b".join(
        "configuration management across many independent deployment environments without downtime".split()
    ),
    # Where no line breaks, soft hyphens and zero-width spaces change nothing: kerning goes on across them.
    "WA\u00adVE, To\u00adday, Ty\u200bpo, AV\u2060AV",
]

#: Inter's contextual alternates (calt): arrows from hyphens and angle brackets, colons raised between figures.
CONTEXTUAL = [
    "a -> b => c <- d, A:B and 10:30",
    "Pipelines --> ship <-> review, ratio 16:9",
]

CJK = [
    "日本語のテキストを正しく折り返す方法について、禁則処理も含めて説明します。",
    "「括弧」や（丸括弧）が行頭や行末に来ないように処理します。",
    "PythonとSVGでOGP画像を自動生成する",
    "東京・大阪・名古屋の3都市で開催！",
    "中文标题：如何用模板生成社交分享图片",
    "繁體中文標題：開放圖譜圖片產生器",
    "한국어 제목: 소셜 미리보기 이미지를 만드는 방법",
    "ひらがなとカタカナ、ーちょっとした長音記号のテスト",
    "漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字",
    "Latin words like TypeScript stay whole inside 日本語の文章 even when wrapping",
]

JAPANESE = [
    "Next.js と Flask で OG 画像を生成する方法",
    "ソーシャルメディアで共有されるページごとに、タイトルと著者名と日付を入れたアイキャッチ画像を"
    "ブラウザなしで自動的に作る仕組みを、テンプレートとフォントの選び方から丁寧に解説します。",
]

CHINESE_SIMPLIFIED = [
    "使用 Python 和 SVG 模板自动生成社交媒体预览图片，无需浏览器",
]

CHINESE_TRADITIONAL = [
    "如何在網站上為每一篇文章自動產生社群分享預覽圖片？",
]

KOREAN = [
    "Next.js와 Flask로 OG 이미지를 생성하는 방법: 단계별 가이드",
]

RTL = [
    "مرحبا بالعالم",
    "كيف تنشئ صور المشاركة الاجتماعية تلقائيا باستخدام القوالب",
    "العربية مع English و 2026 في سطر واحد",
    "שלום עולם",
    "איך ליצור תמונות תצוגה מקדימה לרשתות חברתיות",
    "עברית עם English ומספרים 123 באותה שורה",
]

ARABIC = [
    # One word many times: a long text with the same joining forms on every line (299 characters).
    " ".join(["عربي"] * 60),
    "دليل شامل لإنشاء صور المعاينة لمواقع التواصل الاجتماعي من قوالب SVG دون متصفح، مع دعم الخطوط "
    "العربية والكتابة من اليمين إلى اليسار",
    "إصدار Python 3.13 أسرع بنسبة 15% من الإصدار السابق",
    "مؤتمر المطورين ٢٠٢٦ في الرياض",
    # Full vowel marks (harakat, shadda, sukun): marks positioned on their joined letters.
    "اَلْعَرَبِيَّةُ لُغَةٌ جَمِيلَةٌ",
    # Soft hyphens inside words: letters join across them (joining type T) unless the line breaks there.
    "الصور الاجت\u00adماعية تلقا\u00adئيا",
]

HEBREW = [
    "מה חדש ב־React 19 וב־Next.js 15?",
    # Vowel points (niqqud) and a dagesh.
    "שָׁלוֹם עוֹלָם",
]

PERSIAN = [
    # Zero-width non-joiners inside words (پیش‌نمایش, شبکه‌های).
    "چگونه تصاویر پیش\u200cنمایش شبکه\u200cهای اجتماعی را خودکار بسازیم",
    "گزارش سال ۱۴۰۵ با ۲۵٪ رشد",
]

URDU = [
    "اردو زبان میں خوش آمدید",
    "پاکستان کے شہر لاہور میں ٹیکنالوجی کانفرنس",
]

INDIC = [
    "नमस्ते दुनिया",
    "सोशल मीडिया के लिए छवियाँ कैसे बनाएं",
    "हिन्दी और English एक साथ",
]

DEVANAGARI = [
    # Conjuncts and a reph: क्ष श्र द्ध द्व प्र ज्ञ र्थ.
    "क्षत्रिय, श्रद्धा, द्वारा, प्रज्ञा और अर्थ",
    "ओपन ग्राफ़ छवियाँ बनाने का सबसे आसान तरीका: एसवीजी टेम्पलेट, सही फ़ॉन्ट और कोई ब्राउज़र नहीं",
]

BENGALI = [
    "বাংলা ভাষায় স্বাগতম",
    "সামাজিক মাধ্যমের জন্য ছবি তৈরি করার সহজ উপায়",
]

#: Thai has no spaces between words: lines break at spaces and zero-width spaces only (no dictionary).
THAI = [
    "ภาษาไทย",
    "วิธีสร้างภาพตัวอย่าง สำหรับโซเชียลมีเดีย ด้วยเทมเพลต SVG และผู้ใช้งานจริง",
    "\u200b".join(["การสร้าง", "ภาพ", "ตัวอย่าง", "สำหรับ", "โซเชียล", "มีเดีย", "โดย", "อัตโนมัติ", "ทุก", "วัน"]),
]

EMOJI = [
    "Ship it 🚀",
    "Family 👩‍👩‍👧‍👦 and coder 👩🏽‍💻",
    "Flags 🇯🇵 🇫🇷 🇧🇷 and keycaps 1️⃣ 2️⃣ #️⃣",
    "Love ❤️ and hearts ❤",
    "😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩😘😗😚😙",
    "Mixed: 日本 🍣, العربية 🌙, English ✨",
    # ZWJ sequences: a family, the rainbow and pirate flags, an astronaut, a couple.
    "Team 👨\u200d👩\u200d👧 🏳️\u200d🌈 🏴\u200d☠️ 🧑\u200d🚀 👩\u200d❤️\u200d👨",
    "Skin tones 👍🏻 👍🏼 👍🏽 👍🏾 👍🏿 and waves 👋🏿",
    # Regional-indicator pairs, and Scotland's tag sequence.
    "Flags 🇺🇸 🇩🇪 🇮🇳 🇺🇦 🇰🇷 and 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "Keycaps *\ufe0f\u20e3 0\ufe0f\u20e3 9\ufe0f\u20e3 🔟 #\ufe0f\u20e3",
]

MIXED = [
    "Ünïcödé everywhere — 日本語, עברית, العربية, हिन्दी, 🎉",
    "Math: x² + y² = z², ∑ ≠ ∞, ½ ≤ ¾",
    "Arrows and symbols: ← ↑ → ↓ ✓ ✗ ★ ☆",
    "Ship 🚢 v3 to 東京 with 100% مرحبا",
    "Cafe\u0301 de\u0301ja\u0300 vu, Zoe\u0308",
    "Emoji at the end of a long title that has to wrap across several lines 🎉🎉🎉",
]

#: Every title by its script (or kind), each title in exactly one group.
SCRIPTS: dict[str, list[str]] = {
    "latin": LATIN + COMBINING + SPACES + CONTEXTUAL,
    "arabic": [RTL[0], RTL[1], RTL[2], *ARABIC],
    "hebrew": [RTL[3], RTL[4], RTL[5], *HEBREW],
    "persian": PERSIAN,
    "urdu": URDU,
    "devanagari": INDIC + DEVANAGARI,
    "bengali": BENGALI,
    "thai": THAI,
    "japanese": [CJK[0], CJK[1], CJK[2], CJK[3], CJK[7], CJK[8], CJK[9], *JAPANESE],
    "chinese-simplified": [CJK[4], *CHINESE_SIMPLIFIED],
    "chinese-traditional": [CJK[5], *CHINESE_TRADITIONAL],
    "korean": [CJK[6], *KOREAN],
    "emoji": EMOJI,
    "mixed": MIXED,
}

ALL = (
    LATIN + CJK + RTL + INDIC + EMOJI + MIXED + COMBINING + SPACES + CONTEXTUAL + JAPANESE + CHINESE_SIMPLIFIED
    + CHINESE_TRADITIONAL + KOREAN + ARABIC + HEBREW + PERSIAN + URDU + DEVANAGARI + BENGALI + THAI
)  # fmt: skip

#: The titles Chromium draws too (tests/test_scripts_browser.py), by name.
BROWSER = {
    "arabic": RTL[1],
    "arabic-marks": ARABIC[4],
    "arabic-mixed": ARABIC[2],
    "hebrew-mixed": RTL[5],
    "persian": PERSIAN[0],
    "urdu": URDU[1],
    "devanagari": DEVANAGARI[0],
    "bengali": BENGALI[0],
    "thai": THAI[1],
    "japanese": JAPANESE[0],
    "chinese": CHINESE_SIMPLIFIED[0],
    "korean": KOREAN[0],
    "emoji": EMOJI[7],
    "combining": COMBINING[0],
    "soft-hyphen": SPACES[3],
    "contextual": CONTEXTUAL[0],
    # Emoji are ideographs to UAX #14 (class ID): a line may break between two of them.
    "emoji-run": MIXED[5],
    # A word wider than the box, broken between letters: as many letters as fit, kerned.
    "long-word": LATIN[6],
    "arabic-soft-hyphen": ARABIC[5],
    "kerning-soft-hyphen": SPACES[5],
}

#: Titles Chromium draws with the letter spacing of the bundled templates, by name.
LETTER_SPACED = {
    "latin": LATIN[2],
    "arabic": RTL[1],
    "hebrew": RTL[4],
    "devanagari": INDIC[1],
}

assert len(ALL) >= 90, len(ALL)
assert len(set(ALL)) == len(ALL), "a title is listed twice"
assert sorted(ALL) == sorted(t for titles in SCRIPTS.values() for t in titles), "SCRIPTS must group every title once"
# Every title fits the templates' title fields (at most 300 characters).
assert max(len(t) for t in ALL) <= 300, max(len(t) for t in ALL)
