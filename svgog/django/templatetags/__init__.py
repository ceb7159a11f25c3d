"""Template tag libraries of the ``svgog.django`` app: ``{% load svgog %}``."""
