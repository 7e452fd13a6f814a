"""The static HTML site: page contexts, theme, downloads, search index."""

from generator.site.builder import SiteBuilder

__all__ = ["SiteBuilder"]
