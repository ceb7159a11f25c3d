"""The example Django project: a small blog whose pages carry Open Graph images from svgog."""
