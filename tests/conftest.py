from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.fixtures import letter_image


@pytest.fixture
def jpeg_letter(tmp_path: Path) -> Path:
    path = tmp_path / "letter.jpg"
    letter_image().save(path, quality=85, dpi=(150, 150))
    return path


@pytest.fixture
def png_letter(tmp_path: Path) -> Path:
    path = tmp_path / "letter.png"
    letter_image(seed=1).save(path, dpi=(150, 150))
    return path
