"""Print-ready PDF output: one PDF per unit and year, and a compendium (汇编) per year.

The PDF is rendered by WeasyPrint from the print theme (themes/print) and the renderer-neutral
document model, then archived as PDF/A-3b with the disclosure's JSON and CSV attached.

html.py makes a PDF's print HTML (a `Job`) without loading WeasyPrint; render.py renders a job with
WeasyPrint; worker.py renders jobs in a process of its own while a build goes on.
"""
