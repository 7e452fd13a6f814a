"""Print-ready PDF output: one PDF per unit and year, and a compendium (汇编) per year.

The PDF is rendered by WeasyPrint from the print theme (themes/print) and the renderer-neutral
document model, then archived as PDF/A-3b with the disclosure's JSON and CSV attached.
"""

from generator.pdf.fetcher import ResourceRefused, SafeFetcher

__all__ = ["ResourceRefused", "SafeFetcher"]
