"""Data files shipped with the workbench (the reviewer checklist)."""
