"""Merging the engine's fragment into a custom page's #api (b2c-reference §6.3)."""
import pytest

from idp.flows.html_merge import NoApiElement, csp_hash, merge_custom_page

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><title>A &amp; B</title><base href="https://evil.example/">
<style>.surname_li { display: none; }</style>
<script src="https://cdn.example/app.js"></script><script>window.x = 1;</script></head>
<body onload="steal()">
<img data-tenant-branding-logo="true" alt="Company Logo" src="placeholder.png">
<img data-tenant-branding-background="true" alt="">
<form action="https://evil.example/post"><div id="api"><div>placeholder <b>text</b></div><p>old</p></div></form>
<iframe src="https://evil.example/frame"><p>inside the frame</p></iframe><frame src="x">
<a href="javascript:steal()" onclick="steal()">link</a> &copy; 2024 <!-- a comment -->
<div id="api">second</div>
</body></html>"""
FRAGMENT = '<form id="localAccountForm" action="/step"><button id="continue">Go</button></form>'


def merge(**kwargs):
    options = {"allow_scripts": False, "language": "de", "page_name": "unifiedssp",
               "branding": {"logo_url": "/branding/banner-logo?v=1", "background_url": None}}
    return merge_custom_page(PAGE, FRAGMENT, **{**options, **kwargs})


def test_the_fragment_replaces_the_api_content():
    html = merge().html
    assert '<div id="api" data-name="unifiedssp"><form id="localAccountForm" action="/step">' \
           '<button id="continue">Go</button></form></div>' in html
    assert "placeholder" not in html and "<p>old</p>" not in html
    assert '<div id="api">second</div>' in html  # only the first #api is B2C's


def test_forbidden_elements_are_removed():
    html = merge().html
    assert "evil.example/post" not in html and "iframe" not in html and "inside the frame" \
        not in html and "<frame" not in html and "<base" not in html
    assert "a comment" not in html
    assert "&copy; 2024" in html and "<title>A &amp; B</title>" in html


def test_without_javascript_scripts_and_handlers_go():
    merged = merge()
    assert "<script" not in merged.html and "window.x" not in merged.html
    assert "onload" not in merged.html and "onclick" not in merged.html
    assert "javascript:" not in merged.html
    assert merged.script_hashes == []
    assert merged.style_hashes == [csp_hash(".surname_li { display: none; }")]


def test_with_javascript_scripts_stay_and_inline_ones_are_hashed():
    merged = merge(allow_scripts=True)
    assert '<script src="https://cdn.example/app.js"></script>' in merged.html
    assert 'onload="steal()"' in merged.html
    assert merged.script_hashes == [csp_hash("window.x = 1;")]


def test_language_and_branding_hooks():
    html = merge().html
    assert '<html lang="de">' in html
    assert '<img data-tenant-branding-logo="true" alt="Company Logo" ' \
           'src="/branding/banner-logo?v=1">' in html
    assert '<img data-tenant-branding-background="true" alt="" hidden>' in html


def test_a_page_without_api_is_refused():
    with pytest.raises(NoApiElement):
        merge_custom_page("<html><body><div id='apix'></div></body></html>", FRAGMENT,
                          allow_scripts=False)


def test_a_self_closed_api_div_gets_the_fragment():
    html = merge_custom_page('<div id="api"/><p>after</p>', "F", allow_scripts=False).html
    assert html == '<div id="api">F</div><p>after</p>'
