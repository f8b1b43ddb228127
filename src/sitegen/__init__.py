"""sitegen: builds the visit blog of Sweden's national coordinator for social child and
youth care from Markdown into a static site."""

__version__ = "0.1.0"
