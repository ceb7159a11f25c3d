"""Titles in many scripts and shapes, for the text corpus tests."""

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

RTL = [
    "مرحبا بالعالم",
    "كيف تنشئ صور المشاركة الاجتماعية تلقائيا باستخدام القوالب",
    "العربية مع English و 2026 في سطر واحد",
    "שלום עולם",
    "איך ליצור תמונות תצוגה מקדימה לרשתות חברתיות",
    "עברית עם English ומספרים 123 באותה שורה",
]

INDIC = [
    "नमस्ते दुनिया",
    "सोशल मीडिया के लिए छवियाँ कैसे बनाएं",
    "हिन्दी और English एक साथ",
]

EMOJI = [
    "Ship it 🚀",
    "Family 👩‍👩‍👧‍👦 and coder 👩🏽‍💻",
    "Flags 🇯🇵 🇫🇷 🇧🇷 and keycaps 1️⃣ 2️⃣ #️⃣",
    "Love ❤️ and hearts ❤",
    "😀😃😄😁😆😅🤣😂🙂🙃😉😊😇🥰😍🤩😘😗😚😙",
    "Mixed: 日本 🍣, العربية 🌙, English ✨",
]

MIXED = [
    "Ünïcödé everywhere — 日本語, עברית, العربية, हिन्दी, 🎉",
    "Math: x² + y² = z², ∑ ≠ ∞, ½ ≤ ¾",
    "Arrows and symbols: ← ↑ → ↓ ✓ ✗ ★ ☆",
    "Ship 🚢 v3 to 東京 with 100% مرحبا",
    "Cafe\u0301 de\u0301ja\u0300 vu, Zoe\u0308",
    "Emoji at the end of a long title that has to wrap across several lines 🎉🎉🎉",
]

ALL = LATIN + CJK + RTL + INDIC + EMOJI + MIXED
assert len(ALL) >= 60, len(ALL)
