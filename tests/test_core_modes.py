"""Mode metrics (core.modes) against samples built by hand, where the right answer is known exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gan_course.core.modes import RING8_CENTRES, RING8_SD, mode_report

SD = RING8_SD


def _at(mode: int, n: int, offset: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """n samples at centre `mode` of the ring of eight, moved by `offset`."""
    return np.repeat(RING8_CENTRES[mode][None] + np.asarray(offset), n, axis=0)


def test_the_ring_of_eight_has_radius_2_and_equal_gaps():
    assert np.allclose(np.hypot(*RING8_CENTRES.T), 2.0)
    gaps = np.linalg.norm(RING8_CENTRES - np.roll(RING8_CENTRES, 1, axis=0), axis=1)
    assert np.allclose(gaps, 4 * math.sin(math.pi / 8))  # 1.53: the 3σ discs (0.15) never overlap


def test_samples_on_every_centre_cover_all_modes_at_full_quality():
    report = mode_report(np.concatenate([_at(k, 10) for k in range(8)]))
    assert report.per_mode == (10,) * 8
    assert (report.modes_covered, report.high_quality, report.n_samples) == (8, 1.0, 80)


def test_one_mode_collapse():
    report = mode_report(_at(3, 500))
    assert report.per_mode == (0, 0, 0, 500, 0, 0, 0, 0)
    assert (report.modes_covered, report.high_quality) == (1, 1.0)


def test_the_3_sigma_border_is_inclusive_and_sharp():
    inside = _at(0, 1, (3 * SD - 1e-9, 0.0))
    outside = _at(0, 1, (3 * SD + 1e-9, 0.0))
    assert mode_report(inside).per_mode[0] == 1
    assert mode_report(outside).per_mode[0] == 0
    assert mode_report(np.concatenate([inside, outside])).high_quality == 0.5


def test_a_mode_needs_one_percent_of_the_samples():
    # 1000 samples: 10 on mode 1 are exactly 1 % and count; 9 do not.
    at_one_percent = mode_report(np.concatenate([_at(0, 990), _at(1, 10)]))
    assert at_one_percent.modes_covered == 2
    below = mode_report(np.concatenate([_at(0, 991), _at(1, 9)]))
    assert below.per_mode[1] == 9 and below.modes_covered == 1


def test_points_between_the_modes_lower_the_quality_but_not_the_count():
    between = np.zeros((300, 2))  # the ring's centre: far from every mode
    report = mode_report(np.concatenate([np.concatenate([_at(k, 100) for k in range(8)]), between]))
    assert report.modes_covered == 8
    assert report.high_quality == pytest.approx(800 / 1100)


def test_a_blurred_ring_touches_every_mode_with_low_quality():
    # 1000 points evenly on the circle of radius 2, one on each centre: a mode's 3σ disc holds the points
    # within ±2·asin(0.15/4) = ±0.0750 rad of it, that is 11 steps of 2π/1000 = 0.00628 each side (12 are
    # 0.0754): 23 points per mode, 2.3 % of them; all eight hold 18.4 %.
    angle = np.linspace(0, 2 * math.pi, 1000, endpoint=False)
    ring = 2.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    report = mode_report(ring)
    assert report.modes_covered == 8
    assert report.per_mode == (23,) * 8
    assert report.high_quality == 0.184


def test_nan_samples_are_near_no_mode():
    report = mode_report(np.concatenate([_at(2, 3), np.full((1, 2), np.nan)]))
    assert report.per_mode[2] == 3 and report.high_quality == 0.75


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="must be"):
        mode_report(np.zeros((4, 3)))
    assert mode_report(np.zeros((0, 2))).modes_covered == 0
