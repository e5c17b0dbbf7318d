"""Renderings of reports for people: a terminal summary and a self-contained HTML page."""
