"""The HTML site: builder (pages), pages (template contexts), theme, data downloads, search."""
