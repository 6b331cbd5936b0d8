"""Every badge's text reaches WCAG AA contrast (4.5:1) against its own background, computed
from the colours in the stylesheets themselves (custom properties resolved)."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase

BASE = Path(__file__).resolve().parent.parent
STYLESHEETS = sorted([*BASE.glob("static/**/*.css"), *BASE.glob("*/static/**/*.css")])
AA_NORMAL_TEXT = 4.5
# The classes of the results page's band badges: below 40, 40-60 ("Functional"), 60 and up.
BAND_CLASSES = ("bad", "warn", "good")


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of every plain rule; @media wrappers are looked through."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                prop, value = decl.split(":", 1)
                decls[prop.strip()] = value.strip()
        for sel in selectors.split(","):
            out.append((sel.strip(), decls))
    return out


def _hex(value: str, variables: dict[str, str]) -> str:
    m = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if m:
        value = variables[m.group(1)]
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", value), f"not a #rrggbb colour: {value}"
    return value


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def badge_colours() -> dict[str, tuple[str, str]]:
    """(text, background) of every badge class, e.g. {"badge": ..., "badge.warn": ...}."""
    rules = [r for path in STYLESHEETS for r in _rules(path.read_text())]
    variables = {k: v for sel, d in rules if sel == ":root" for k, v in d.items() if k[:2] == "--"}
    base: dict[str, str] = {}
    variants: dict[str, dict[str, str]] = {}
    for sel, decls in rules:
        m = re.fullmatch(r"\.badge((?:\.[\w-]+)*)", sel)
        if not m:
            continue
        if m.group(1):
            variants.setdefault("badge" + m.group(1), {}).update(decls)
        else:
            base.update(decls)
    out = {"badge": base, **{name: {**base, **d} for name, d in variants.items()}}
    return {
        name: (_hex(d["color"], variables), _hex(d["background"], variables))
        for name, d in out.items()
    }


class BadgeContrastTests(SimpleTestCase):
    def test_the_contrast_formula_matches_wcag_reference_values(self) -> None:
        assert round(contrast("#000000", "#ffffff"), 1) == 21.0
        assert round(contrast("#777777", "#ffffff"), 2) == 4.48

    def test_every_band_badge_is_styled(self) -> None:
        colours = badge_colours()
        for cls in BAND_CLASSES:
            assert f"badge.{cls}" in colours

    def test_every_badge_reaches_aa_contrast_for_its_text(self) -> None:
        colours = badge_colours()
        assert len(colours) >= 4, colours
        for name, (fg, bg) in colours.items():
            ratio = contrast(fg, bg)
            assert ratio >= AA_NORMAL_TEXT, f".{name}: {fg} on {bg} is {ratio:.2f}:1"
