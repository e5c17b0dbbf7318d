"""Fit the visual-word vocabulary of the near-duplicate filter on the development letters.

The vocabulary (`workbench.imaging.page_words`) is a fixed set of ORB descriptors; each keypoint
of a page is named by the nearest of them. It is fitted here, once, by binary k-means (each
centre the bitwise majority of the descriptors nearest to it) on the keypoints of the
development letters (the committed sample letters, the same 15 that
``benchmarks/cases_benchmark.py`` tunes on); the independent letters of that benchmark are
never seen here.

    python benchmarks/fit_page_words.py [--words 4096] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

from cases_benchmark import dev_letters  # noqa: E402  (benchmarks/ is the script folder)

from workbench.imaging.fingerprint import page_features  # noqa: E402
from workbench.imaging.page_words import VOCABULARY_FILE  # noqa: E402

OUT = ROOT / "workbench" / "data" / VOCABULARY_FILE


def fit(descriptors: np.ndarray, size: int, rounds: int, seed: int = 0) -> np.ndarray:
    """Binary k-means: `size` centres, `rounds` rounds of assignment and bitwise majority."""
    rng = np.random.default_rng(seed)
    centres = descriptors[rng.choice(len(descriptors), size, replace=False)].copy()
    bits = np.unpackbits(descriptors, axis=1)
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    for _ in range(rounds):
        nearest = np.array([m.trainIdx for m in matcher.match(descriptors, centres)])
        for word in range(size):
            members = bits[nearest == word]
            if len(members):
                centres[word] = np.packbits(members.mean(axis=0) >= 0.5)
    return centres


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    descriptors = np.concatenate(
        [
            page_features(np.asarray(Image.open(path).convert("L"))).descriptors
            for path in dev_letters()
        ]
    )
    centres = fit(descriptors, args.words, args.rounds)
    np.save(OUT, centres, allow_pickle=False)
    print(f"{len(centres)} words from {len(descriptors)} descriptors -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
