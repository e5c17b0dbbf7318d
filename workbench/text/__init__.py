"""Pure functions over text shared by checks and commands: scripts, digits, dates.

Checks and the command line call these; nothing here reads files, images or the context.
"""
