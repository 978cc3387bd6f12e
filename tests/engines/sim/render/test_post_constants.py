"""The post pass's compiled-in constants (post_constants) reproduce the grade formula they were folded from."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from reelcast.engines.sim.render.looks import GRADE_WORDS, LOOK_GRADES, Grade, grade_for
from reelcast.engines.sim.render.shader_constants import glsl_literal, grain_frame_hash, post_constants
from reelcast.prompt.plan import Style


def _parse(defines: list[str]) -> dict[str, np.ndarray]:
    """K_* #define strings back to numbers, as the GLSL compiler reads them."""
    out = {}
    for d in defines:
        name, literal = d.split(" ", 1)
        out[name] = np.array([float(x) for x in re.findall(r"[-+0-9.eE]+(?![0-9]*\()", literal.split("(", 1)[-1])])
    return out


def _reference(c: np.ndarray, g: Grade) -> np.ndarray:
    """The grade as POST_FS wrote it before the fold: lift / gain, clamp, gamma, contrast, clamp."""
    lift, gain, gamma = (np.asarray(v) for v in (g.lift, g.gain, g.gamma))
    c = np.clip(c * gain + lift * (1.0 - c), 0.0, 1.0)
    c = c ** (1.0 / gamma)
    return np.clip((c - 0.5) * g.contrast + 0.5, 0.0, 1.0)


def _folded(c: np.ndarray, k: dict[str, np.ndarray], gamma: bool) -> np.ndarray:
    """The grade as POST_FS computes it from the constants."""
    c = np.clip(c * k["K_GRADE_MUL"] + k["K_GRADE_ADD"], k["K_GRADE_RANGE"][0], k["K_GRADE_RANGE"][1])
    if gamma:
        c = np.clip(c ** k["K_INV_GAMMA"] * k["K_CONTRAST"][0] + k["K_CONTRAST"][1], 0.0, 1.0)
    return c


def _grades() -> list[Grade]:
    grades = list(LOOK_GRADES.values())
    for look, word in itertools.product(LOOK_GRADES, GRADE_WORDS):
        grades.append(grade_for(Style(look=look, grade=word)))
    grades.append(Grade(contrast=0.5, gain=(0.7, 1.2, 1.0), lift=(0.1, 0.0, -0.05)))
    return grades


@pytest.mark.parametrize("grade", _grades())
def test_folded_grade_matches_the_unfolded_formula(grade: Grade) -> None:
    # HDR input (glow and halos push colours past 1) and negatives included: the clamps must fold exactly.
    c = np.linspace(-0.5, 2.5, 3001)[:, None] * np.ones(3)
    gamma = any(x != 1.0 for x in grade.gamma)
    k = _parse(post_constants(grade, 0.2, 0.1, 854, 480, 0.0, gamma=gamma))
    np.testing.assert_allclose(_folded(c, k, gamma), _reference(c, grade), atol=2e-6)


def test_tint_luma_is_the_luma_of_the_tints() -> None:
    g = grade_for(Style(grade="teal_orange"))
    k = _parse(post_constants(g, 0.2, 0.1, 854, 480, 0.0, gamma=False))
    w = np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(k["K_TINT_LUMA"], [w @ g.shadow_tint, w @ g.highlight_tint], atol=1e-7)


def test_glsl_literals_are_floats_holding_the_float32_value() -> None:
    assert glsl_literal(1.0) == "1.0"
    assert np.float32(float(glsl_literal(1e-9))) == np.float32(1e-9)
    assert glsl_literal((0.5, 2.0)) == "vec2(0.5, 2.0)"
    assert np.float32(float(glsl_literal(0.1))) == np.float32(0.1)


def test_grain_frame_hash_is_the_frame_times_the_multiplier_mod_2_32() -> None:
    assert grain_frame_hash(0) == 0
    assert grain_frame_hash(1) == 2654435761
    assert grain_frame_hash(2) == (2 * 2654435761) % 2**32
