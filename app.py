"""Streamlit entry point: ``streamlit run app.py``.

Navigation is ``st.navigation`` with one ``st.Page`` per file under ``views/``. The pages must not live in a
``pages/`` folder: that switches Streamlit to its older automatic navigation, which must not be mixed with
``st.navigation``, and in Streamlit 1.67 a cold-start deep link (``/side_by_side`` opened on a fresh server)
would then run that page without this file, so without the session set-up and the sidebar.
This file sets up the session, starts loading the model in the background (once per server process, so the
page and the sources draw at once), draws the shared sidebar and runs the selected page.
"""

from __future__ import annotations

import streamlit as st

from ui import compute, controls, state

st.set_page_config(
    page_title="News source comparison",
    page_icon=":material/compare:",
    layout="wide",
    initial_sidebar_state="expanded",
)
state.init()
compute.start_background_loading(controls.current_backend())

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/sources.py", title="Sources", icon=":material/library_books:"),
    st.Page("views/side_by_side.py", title="Side by side", icon=":material/view_column:"),
    st.Page("views/claims.py", title="Claims", icon=":material/table_rows:"),
    st.Page("views/divergences.py", title="Divergences", icon=":material/difference:"),
    st.Page("views/timeline.py", title="Dates and figures", icon=":material/timeline:"),
    st.Page("views/downloads.py", title="Downloads", icon=":material/download:"),
]
page = st.navigation(PAGES)
stats = controls.render_sidebar()
page.run()
controls.render_model_stats(stats)
