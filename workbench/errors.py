"""Errors the workbench reports to its users, mapped to the command line's exit codes.

The command line catches `WorkbenchError` and prints its message as one line; any other
exception is a bug and keeps its traceback. Messages say what is wrong with which input and,
where there is one, what the user can do about it.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base of every error that is the input's or the user's, not the program's."""

    exit_code = 1


class InputError(WorkbenchError):
    """A document could not be loaded; the rest of a run goes on (exit code 1)."""

    exit_code = 1


class FileMissingError(InputError):
    """The path does not exist."""


class NotAFileError(InputError):
    """The path is a directory or another non-regular file."""


class EmptyFileError(InputError):
    """The file has no bytes."""


class FileTooLargeError(InputError):
    """The file is larger than the configured file size limit."""


class UnsupportedFormatError(InputError):
    """The content is not a format the workbench reads."""


class CorruptFileError(InputError):
    """The content claims a known format but cannot be decoded (truncated, damaged)."""


class PixelLimitError(InputError):
    """A page has more pixels than the configured limit (decompression bomb guard)."""


class PageLimitError(InputError):
    """The document has more pages than the configured limit."""


class EncryptedDocumentError(InputError):
    """The document is password-protected and cannot be opened without the password."""


class StoreError(WorkbenchError):
    """A store operation was refused or the store is unusable (read-only, full, damaged)."""


class UsageError(WorkbenchError):
    """The command was called wrongly (unknown check, unreadable claims file): exit code 2."""

    exit_code = 2


class ClaimsError(UsageError):
    """A claims file is missing, not JSON, or has values of the wrong form."""


class UnknownCheckError(UsageError):
    """A check name given by the user is not registered."""


class ToolUnavailableError(WorkbenchError):
    """An external program or its data (Tesseract, a language model) is missing.

    Checks turn this into a ``skipped`` result carrying the message, so a report still says
    why that evidence is absent.
    """
