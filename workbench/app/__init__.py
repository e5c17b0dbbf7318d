"""The Streamlit app: upload, evidence on the page, the reviewer checklist, sign-off, export.

Pages only show and collect; analysis, storage and rendering happen in the service layer
(`workbench.casework`, `workbench.store`, `workbench.export`, and the analysis queue of
`workbench.batch.jobqueue`, whose worker process analyses the uploads).
"""
