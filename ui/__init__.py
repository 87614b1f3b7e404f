"""Streamlit helpers shared by the app's pages: session state, cached computation, HTML rendering.

Only this package and the page scripts import streamlit; ``core`` stays pure.
"""
