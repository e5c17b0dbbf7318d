"""Parsers of file bytes: JPEG structure, embedded metadata, Content Credentials, extra decoders.

Modules here read the bytes of a file as given and return plain data; they know nothing about
pages as arrays (that is ``workbench.imaging``) or about findings (that is the checks).
"""
