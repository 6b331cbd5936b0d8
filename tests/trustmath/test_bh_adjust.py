"""Benjamini–Hochberg adjustment and the 3-significant-figure p-value, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from trustmath.stats import bh_adjust, round_sig


def test_bh_matches_r_on_the_textbook_list() -> None:
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") = 0.05 0.05 0.05 0.05 0.05
    # (p_(i)·5/i = 0.05 for every i).
    got = bh_adjust([0.01, 0.02, 0.03, 0.04, 0.05])
    assert got == pytest.approx([0.05] * 5)


def test_bh_takes_the_running_minimum_from_the_top_and_caps_at_one() -> None:
    # Unsorted input, m = 4. Sorted: 0.001, 0.02, 0.04, 0.9.
    #   0.001·4/1 = 0.004; 0.02·4/2 = 0.04; 0.04·4/3 = 0.05333; 0.9·4/4 = 0.9
    #   running min from the top: 0.9, 0.05333, 0.04, 0.004 (already monotone)
    got = bh_adjust([0.04, 0.9, 0.001, 0.02])
    assert got == pytest.approx([0.04 * 4 / 3, 0.9, 0.004, 0.04])
    # 0.01·3/1 = 0.02·3/2 = 0.03·3/3 = 0.03 → all 0.03.
    assert bh_adjust([0.01, 0.02, 0.03]) == pytest.approx([0.03, 0.03, 0.03])
    # Monotone step: sorted 0.04, 0.045 → 0.08, 0.045 → min from top: 0.045, 0.045.
    assert bh_adjust([0.045, 0.04]) == pytest.approx([0.045, 0.045])
    assert bh_adjust([0.6, 0.7])[1] == pytest.approx(0.7)
    assert bh_adjust([0.9, 0.95, 0.99]).max() <= 1.0


def test_bh_ignores_missing_tests_and_keeps_them_missing() -> None:
    # Only 2 real tests: m = 2. 0.01·2/1 = 0.02; 0.04·2/2 = 0.04.
    got = bh_adjust(np.array([np.nan, 0.04, np.nan, 0.01]))
    assert np.isnan(got[0]) and np.isnan(got[2])
    assert got[[1, 3]] == pytest.approx([0.04, 0.02])
    assert bh_adjust(np.array([np.nan])).shape == (1,)
    assert bh_adjust([]).size == 0


def test_p_values_are_reported_to_three_significant_figures() -> None:
    assert round_sig(0.049612) == 0.0496
    assert round_sig(0.000012345) == 0.0000123
    assert round_sig(0.5) == 0.5
    assert round_sig(float("nan")) is None and round_sig(None) is None
    assert round_sig(0.0) == 0.0
