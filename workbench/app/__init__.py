"""The Streamlit app: upload, evidence on the page, the reviewer checklist, sign-off, export.

Pages only show and collect; analysis, storage and rendering happen in the service layer
(`workbench.casework`, `workbench.store`, `workbench.export`).
"""
