"""Finding the documents of a batch: the walk of a folder and what it passes over, and why.

Nothing outside the batch folder is read, every file gets a row (a document, or a note saying
why it was skipped), and whether a file is a document is told from its content by
`workbench.formats.filetype`, or from its name when that promises a document (a broken
``.jpg`` is a document that failed, not a file silently passed over).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.formats.filetype import (
    TEXT_MEDIA_TYPES,
    extension_media_type,
    image_media_type,
    is_pdf,
    looks_like_document,
    looks_like_text,
)
from workbench.loading.raster import open_image

#: How much of a file's start `expected_work` reads: a JPEG's frame header comes after its
#: EXIF block and ICC profile, which stay well under this.
HEAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class Skipped:
    """A file the walk passed over, and why."""

    path: Path
    note: str


def sniff(path: Path) -> str | None:
    """None when `path` should be analysed as a document, else why it is not one.

    A file is a document when its content starts like a format the loader reads (JPEG, PNG,
    TIFF, BMP, WebP, PDF, text), or when its name promises one: a broken ``.jpg`` is a
    document that failed, reported as an error, not silently passed over. Anything else (a
    ZIP, a database, a program) is skipped with a note.
    """
    if path.name.startswith("."):
        return "hidden file"
    if extension_media_type(path) is not None:
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if not head:
        return "empty file with no document extension"
    if looks_like_document(head):
        return None
    return "not a document (content is not an image, PDF or text)"


def walk(
    root: Path, exclude: Sequence[Path] = (), *, follow_symlinks: bool = False
) -> tuple[list[Path], list[Skipped]]:
    """Document files under `root` (recursively, sorted) and the files passed over.

    Nothing outside `root` is read: symbolic links are reported, not followed (with
    `follow_symlinks`, links to files inside `root` are analysed; links leading out of it
    never are), and linked folders are not entered, so a link loop ends nothing. Folders in
    `exclude` (the run's own output and store, when inside `root`) are not entered; files
    inside hidden folders are listed as skipped, so every file has its row.
    """
    excluded = {p.resolve() for p in exclude}
    top = root.resolve()
    documents: list[Path] = []
    skipped: list[Skipped] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        hidden = any(part.startswith(".") for part in here.relative_to(root).parts)
        entered = []
        for name in sorted(dirs):
            if (here / name).is_symlink():
                skipped.append(Skipped(here / name, "symbolic link to a folder, not followed"))
            elif (here / name).resolve() not in excluded:
                entered.append(name)
        dirs[:] = entered
        for name in sorted(files):
            path = here / name
            note = _file_note(path, top, follow_symlinks)
            if note is None and hidden:
                note = "inside a hidden folder"
            if note is None:
                documents.append(path)
            else:
                skipped.append(Skipped(path, note))
    return documents, skipped


def _file_note(path: Path, top: Path, follow_symlinks: bool) -> str | None:
    """Why the walk passes over `path`, or None when it is a document to analyse."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISLNK(mode):
        if not follow_symlinks:
            return "symbolic link, not followed (--follow-symlinks reads those inside the folder)"
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symbolic link that leads nowhere or loops"
        if not target.is_relative_to(top):
            return "symbolic link to a file outside the folder, not followed"
        mode = target.stat().st_mode
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return sniff(path)


def expected_work(path: Path) -> tuple[int, int]:
    """A sort key of `path` that is larger for the documents expected to take longer.

    A batch hands out its longest documents first, so that the last documents of a run are
    short ones and no worker waits long for another to finish (on the throughput
    benchmark's folder the 2-page PDF, handed out last in the order of names, kept one of
    two workers busy for several seconds while the other had nothing left). Read from the
    file's first bytes, nothing decoded: a PDF, a multi-page image or an image whose header
    does not give its size ranks first (its pages are unknown; by file size), then single
    raster images by pixel count, then text (by file size). Only the order of the work
    changes, never what is analysed.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return 2, 0
    if extension_media_type(path) in TEXT_MEDIA_TYPES or (
        not is_pdf(head) and image_media_type(head) is None and looks_like_text(head)
    ):
        return 0, size
    if is_pdf(head):
        return 2, size
    try:
        with open_image(head) as image:
            if getattr(image, "is_animated", False):
                return 2, size
            width, height = image.size
    except Exception:  # a header Pillow cannot read: the worker will tell why
        return 2, size
    return 1, int(width) * int(height)
