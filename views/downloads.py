"""Downloads: the tables, JSON and report of the comparison, from the same export code as the command line."""

from __future__ import annotations

from ui import controls, downloads, page, state

page.header(
    "Downloads",
    "The comparison as tables, JSON and a report, exactly as the command-line tool writes them. CSV files "
    "are UTF-8 with a byte-order mark so spreadsheet programs read accents correctly.",
)
cmp = page.comparison()
if cmp is not None:
    downloads.render(cmp, state.articles(), controls.current_config(), controls.current_backend())
