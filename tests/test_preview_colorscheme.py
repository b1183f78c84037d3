"""The preview's light/authored-dark rewrite of an email, and its request-path guard."""

from __future__ import annotations

import re

import pytest

from dripcraft.preview.app import _safe_path
from dripcraft.preview.colorscheme import (
    apply_color_scheme,
    declares_dark_support,
    resolve_media_query_list,
)

EMAIL = """<!DOCTYPE html>
<html lang="en"><head><meta name="color-scheme" content="light dark">
<style>
.card { background: #ffffff; }
@media only screen and (max-width: 620px) { .card { padding: 12px !important; } }
@media (prefers-color-scheme: dark) { .card { background: #161b22 !important; } }
@media screen and (prefers-color-scheme: light) { .card { color: #111111 !important; } }
</style></head>
<body><p>Text about CSS: @media (prefers-color-scheme: dark) stays as written here.</p></body>
</html>"""


@pytest.mark.parametrize("query, dark, light", [
    ("(prefers-color-scheme: dark)", "all", "not all"),
    ("(prefers-color-scheme:dark)", "all", "not all"),
    ("screen and (prefers-color-scheme: dark)", "screen", "not all"),
    ("(prefers-color-scheme: dark) and (max-width: 600px)", "(max-width: 600px)", "not all"),
    ("only screen and (max-width:600px) and (prefers-color-scheme: dark)",
     "only screen and (max-width:600px)", "not all"),
    ("(max-width: 600px), (prefers-color-scheme: dark)", "(max-width: 600px), all",
     "(max-width: 600px)"),
    ("(prefers-color-scheme: light)", "not all", "all"),
    ("not all and (prefers-color-scheme: dark)", "not all", "all"),
    ("only screen and (max-width: 620px)", "only screen and (max-width: 620px)",
     "only screen and (max-width: 620px)"),
])
def test_media_queries_are_resolved_for_the_chosen_scheme(query, dark, light):
    assert resolve_media_query_list(query, "dark") == dark
    assert resolve_media_query_list(query, "light") == light


def test_dark_rewrite_turns_on_the_authored_dark_rules_and_nothing_else():
    dark = apply_color_scheme(EMAIL, "dark")
    style = re.search(r"<style>(.*?)</style>", dark, re.S).group(1)
    assert "@media all { .card { background: #161b22 !important; } }" in style
    assert "@media not all { .card { color: #111111" in style
    assert "@media only screen and (max-width: 620px) {" in style
    # Body text is not CSS, whatever it says.
    assert "Text about CSS: @media (prefers-color-scheme: dark) stays" in dark
    assert ":root{color-scheme:dark !important}" in dark
    assert '<base target="_blank">' in dark


def test_light_rewrite_switches_dark_rules_off_even_on_a_dark_desktop():
    light = apply_color_scheme(EMAIL, "light")
    assert "@media not all { .card { background: #161b22" in light
    assert "@media screen { .card { color: #111111" in light
    assert ":root{color-scheme:light !important}" in light


def test_an_email_without_dark_support_keeps_a_light_canvas_in_dark_mode():
    plain = "<html><head><style>p{color:#000}</style></head><body><p>Hi</p></body></html>"
    assert not declares_dark_support(plain)
    assert declares_dark_support(EMAIL)
    assert ":root{color-scheme:light !important}" in apply_color_scheme(plain, "dark")


@pytest.mark.parametrize("target", [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/files/..%2f..%2fx", "/a/./b",
    "//etc/passwd", "/files//etc/passwd", "/files/%2fetc", "/x%5c..%5cy", "/x%00.html",
    "http://127.0.0.1/", "pyproject.toml", "",
])
def test_request_paths_that_try_to_escape_are_refused(target):
    assert _safe_path(target) is None


@pytest.mark.parametrize("target, path", [
    ("/", "/"), ("/email/2?view=text", "/email/2"), ("/files/01-a%20b.txt", "/files/01-a b.txt"),
    ("/email/3#top", "/email/3"),
])
def test_ordinary_request_paths_are_decoded(target, path):
    assert _safe_path(target) == path
