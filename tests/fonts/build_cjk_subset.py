"""Build the small CJK test font from Debian's Noto Sans CJK.

The committed ``NotoSansCJKjp-Bold-subset.otf`` holds only the characters of
the test corpus (plus common CJK punctuation), so the repository stays small.
Re-run after changing the corpus:

    apt-get install fonts-noto-cjk
    .venv/bin/python tests/fonts/build_cjk_subset.py [/path/to/NotoSansCJK-Bold.ttc]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
TARGET = HERE / "NotoSansCJKjp-Bold-subset.otf"
PUNCTUATION = "、。，．・：；？！ー「」『』（）［］｛｝〔〕〈〉《》【】〜…‥　"


def corpus_characters() -> str:
    sys.path.insert(0, str(HERE.parent))
    import corpus

    return "".join(sorted({c for title in corpus.ALL for c in title if ord(c) > 0x2E7F} | set(PUNCTUATION)))


def build(source: Path = SOURCE, target: Path = TARGET) -> Path:
    font = TTFont(source, fontNumber=0)  # index 0: Noto Sans CJK JP
    options = subset.Options()
    options.layout_features = ["kern", "palt", "vert", "locl"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=corpus_characters())
    subsetter.subset(font)
    font.save(target)
    return target


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
