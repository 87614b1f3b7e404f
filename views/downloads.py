"""Downloads: the tables and JSON of the comparison, from the same export code as the command line."""

from __future__ import annotations

import streamlit as st

from ui import controls, page, state
from ui.compute import export_bytes

FILES = [
    ("claims.csv", "text/csv", "Claim groups: one row per claim, one column per source with its passage."),
    ("alignments.csv", "text/csv", "Every aligned pair of passages with similarity, margin and offsets."),
    ("divergences.csv", "text/csv", "Every compared fact that differs, with values and explanations."),
    ("unique.csv", "text/csv", "Sentences only one source carries."),
    (
        "comparison.json",
        "application/json",
        "Everything: cleaned sources, sentences, claims, alignments, facts.",
    ),
    ("news-comparison.zip", "application/zip", "All of the above in one ZIP archive."),
]

page.header(
    "Downloads",
    "The comparison as tables and JSON, exactly as the command-line tool writes them. CSV files are "
    "UTF-8 with a byte-order mark so spreadsheet programs read accents correctly.",
)
cmp = page.comparison()
if cmp is not None:
    files = export_bytes(state.articles(), controls.current_config(), controls.current_backend())
    for name, mime, description in FILES:
        data = files.get(name)
        c1, c2 = st.columns([1, 3], vertical_alignment="center")
        c1.download_button(
            name,
            data=data or b"",
            file_name=name,
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            disabled=data is None,
            width="stretch",
            key=f"dl_{name}",
        )
        size = f"{len(data) / 1024:,.1f} KB" if data is not None else "not available"
        c2.markdown(f"{description} · :gray[{size}]")
