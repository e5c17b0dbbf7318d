"""Keypoint copy-move's self-matching and grouping, against the plain loops they replace.

The matches are searched in FLANN's index directly and filtered in arrays, and the groups
are found by spreading labels in arrays; both must give exactly what OpenCV's matcher with
the ratio test written out pair by pair, and a union-find over the links, give on the
keypoints of a real page (the samples' questioned letter).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from workbench.imaging.forensic import copymove_keypoints as kp

LETTER = Path(__file__).resolve().parents[3] / "samples" / "questioned" / "letter_1380-02-24.jpg"


@pytest.fixture(scope="module")
def features() -> tuple[np.ndarray, np.ndarray]:
    gray = cv2.imread(str(LETTER), cv2.IMREAD_GRAYSCALE)
    assert gray is not None
    return kp._sift_features(gray, 5000, 0.02)


def matcher_pairs(
    descriptors: np.ndarray, points: np.ndarray, ratio: float, min_distance: float
) -> np.ndarray:
    """The generalised 2NN test through OpenCV's matcher, one match object at a time."""
    cv2.setRNGSeed(kp.FLANN_SEED)
    matcher = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 4}, {"checks": 64})
    pairs: set[tuple[int, int]] = set()
    for row in matcher.knnMatch(descriptors, descriptors, k=4):
        others = [m for m in row if m.trainIdx != m.queryIdx]
        for k in range(len(others) - 1):
            if others[k].distance >= ratio * max(others[k + 1].distance, 1e-6):
                break
            i, j = others[k].queryIdx, others[k].trainIdx
            if float(np.hypot(*(points[i] - points[j]))) >= min_distance:
                pairs.add((min(i, j), max(i, j)))
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def union_find_labels(a: np.ndarray, b: np.ndarray, radius: float) -> np.ndarray:
    """Groups of pairs with both ends near each other, by union-find, labelled by lowest index."""
    n = len(a)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            same = np.hypot(*(a[i] - a[j])) < radius and np.hypot(*(b[i] - b[j])) < radius
            cross = np.hypot(*(a[i] - b[j])) < radius and np.hypot(*(b[i] - a[j])) < radius
            if same or cross:
                ri, rj = find(i), find(j)
                parent[max(ri, rj)] = min(ri, rj)
    return np.array([find(i) for i in range(n)], dtype=np.int64)


@pytest.mark.parametrize(("ratio", "min_distance"), [(0.6, 40.0), (0.8, 10.0)])
def test_pairs_are_the_matchers(
    features: tuple[np.ndarray, np.ndarray], ratio: float, min_distance: float
) -> None:
    points, descriptors = features
    assert len(points) > 1000
    pairs = kp._g2nn_pairs(descriptors, points, ratio, min_distance)
    expected = matcher_pairs(descriptors, points, ratio, min_distance)
    assert len(expected) > 50
    assert pairs.dtype == np.int64
    np.testing.assert_array_equal(pairs, expected)


def test_groups_are_the_union_finds(features: tuple[np.ndarray, np.ndarray]) -> None:
    points, descriptors = features
    pairs = kp._g2nn_pairs(descriptors, points, 0.8, 10.0)
    a, b = points[pairs[:, 0]], points[pairs[:, 1]]
    labels = kp._link_components(a, b, 90.0)
    expected = union_find_labels(a, b, 90.0)
    assert len(np.unique(expected)) > 1
    assert len(np.unique(expected)) < len(expected)
    np.testing.assert_array_equal(labels, expected)


def scattered_pairs(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs' two ends: a dense cluster (every pair linked to every other), a few chains of
    pairs a little less than the radius apart (linked only through each other, in shuffled
    order), and pairs scattered at random, some of them in the opposite orientation."""
    rng = np.random.default_rng(seed)
    cluster_a = rng.random((150, 2)) * 6.0
    cluster_b = 300.0 + rng.random((150, 2)) * 6.0
    steps = np.arange(40)[:, None] * np.array([[9.0, 1.0]])
    chain_a = np.concatenate([steps + np.array([500.0, 40.0 * k]) for k in range(3)])
    chain_b = np.concatenate([steps + np.array([100.0, 600.0 + 40.0 * k]) for k in range(3)])
    loose_a = rng.random((200, 2)) * 800.0
    loose_b = rng.random((200, 2)) * 800.0
    a = np.concatenate([cluster_a, chain_a, loose_a])
    b = np.concatenate([cluster_b, chain_b, loose_b])
    flip = rng.random(len(a)) < 0.3
    a[flip], b[flip] = b[flip], a[flip].copy()
    order = rng.permutation(len(a))
    return a[order], b[order]


@pytest.mark.parametrize("cells", [kp.LINK_CHUNK_CELLS, 4000, 1])
def test_groups_of_a_dense_cluster_and_chains_are_the_union_finds(
    cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same groups however many rows of distances are computed at once (one row at a time
    merges every row's links into groups found before)."""
    monkeypatch.setattr(kp, "LINK_CHUNK_CELLS", cells)
    for seed in (0, 1):
        a, b = scattered_pairs(seed)
        labels = kp._link_components(a, b, 10.0)
        expected = union_find_labels(a, b, 10.0)
        assert labels.dtype == np.int64
        sizes = np.unique(expected, return_counts=True)[1]
        assert sizes.max() >= 150  # the cluster
        assert (sizes >= 40).sum() >= 4  # and the chains, each one group
        np.testing.assert_array_equal(labels, expected)


def test_no_pairs_from_fewer_than_two_keypoints(features: tuple[np.ndarray, np.ndarray]) -> None:
    points, descriptors = features
    for n in (0, 1):
        pairs = kp._g2nn_pairs(descriptors[:n], points[:n], 0.8, 10.0)
        assert pairs.shape == (0, 2)
    assert kp._link_components(np.zeros((0, 2)), np.zeros((0, 2)), 10.0).shape == (0,)
