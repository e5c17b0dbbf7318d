"""The samples corpus generator, in pieces; ``samples/generate.py`` is its command line.

See ``samples/README.md`` for what each document is.
"""
