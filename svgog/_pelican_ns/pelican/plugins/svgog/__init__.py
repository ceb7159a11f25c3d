"""svgog's Pelican plugin as Pelican 4.5+ finds it by itself: ``pelican.plugins.svgog``.

A wheel of svgog installs this package as ``pelican/plugins/svgog`` beside
Pelican, so a site without a ``PLUGINS`` setting gets it, and ``PLUGINS =
["svgog"]`` names it. The plugin itself is :mod:`svgog.pelican`.
"""

from svgog.pelican import register

__all__ = ["register"]
