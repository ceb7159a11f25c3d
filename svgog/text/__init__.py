"""Text: segmentation, line breaking, font fallback, shaping, bidi, fitting and drawing.

Data flows through the modules in this order: :mod:`.segment` (grapheme
clusters, break opportunities) → :mod:`.breaking` (pure line breaking over a
measurer) → :mod:`.runs` (font fallback per cluster, measurement) with
:mod:`.shaping`, :mod:`.bidi` and :mod:`.emoji` → :mod:`.typeset` (size, lines,
placement, fit report) → :mod:`.draw` (SVG paths).
"""
