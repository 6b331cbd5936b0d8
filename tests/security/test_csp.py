"""Content-Security-Policy on every page, and no inline script or style left in a template."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from core.views import server_error
from tests.base import BaseTestCase
from tests.test_navigation import DEMO_LOGINS, EveryPageOpensTests

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>", re.I), "a <script> without src"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "an inline event handler (on...=)"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def policy_of(response: object) -> dict[str, str]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    parts = (p.strip().split(None, 1) for p in header.split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


class PolicyTests(BaseTestCase):
    def test_pages_outside_the_navigation_send_the_policy(self) -> None:
        pages = [reverse("login"), reverse("password_reset"), "/healthz", "/no-such-page/"]
        pages += [reverse("api-docs"), "/s/not-a-token/"]
        for url in pages:
            with self.subTest(url=url):
                self.assertEqual(policy_of(self.client.get(url)), POLICY)

    def test_api_docs_start_up_script_is_a_same_origin_file(self) -> None:
        page = self.client.get(reverse("api-docs")).content.decode()
        self.assertNotRegex(page, INLINE[1][0])
        self.assertNotRegex(page, INLINE[2][0])
        script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page)
        assert script is not None, page
        r = self.client.get(script.group(1).replace("&amp;", "&"))
        self.assertEqual(r.status_code, 200)
        self.assertIn("SwaggerUIBundle(", r.content.decode())


class ServerErrorPageTests(SimpleTestCase):
    def test_the_500_page_has_no_inline_style_and_its_stylesheet_is_served(self) -> None:
        body = server_error().content.decode()
        for pattern, what in INLINE:
            self.assertNotRegex(body, pattern, what)
        self.assertEqual(settings.STATIC_URL, "/static/")  # 500.html writes the path out
        self.assertTrue((ROOT / "static" / "css" / "error.css").is_file())

    def test_a_server_error_response_sends_the_policy(self) -> None:
        # handler500 output passes back through the middleware like any response.
        from django.test import Client

        with self.settings(ROOT_URLCONF="tests.security.crash_urls"):
            r = Client(raise_request_exception=False).get("/crash/")
        self.assertEqual(r.status_code, 500)
        self.assertEqual(policy_of(r), POLICY)


class TemplateScanTests(SimpleTestCase):
    def test_no_template_has_inline_script_or_style(self) -> None:
        found = []
        templates = [p for d in TEMPLATE_DIRS for p in sorted(d.rglob("*.html"))]
        self.assertGreater(len(templates), 20)  # guards the scan itself
        for path in templates:
            text = path.read_text()
            for pattern, what in INLINE:
                for m in pattern.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
        self.assertEqual(found, [])


class EveryNavigationPageSendsThePolicyTests(EveryPageOpensTests):
    """The every-page harness of tests/test_navigation.py (demo org after a day's use)."""

    # Inherited checks already run in test_navigation; here only the policy is checked.
    test_every_demo_role_opens_every_page_it_is_linked_to = None  # type: ignore[assignment]
    test_the_admin_reaches_the_audit_log_and_each_setup_page = None  # type: ignore[assignment]

    def test_every_page_linked_for_every_demo_role_sends_the_policy(self) -> None:
        seen = 0
        for username in DEMO_LOGINS:
            for url in self._pages_of(username):
                with self.subTest(user=username, url=url):
                    r = self.client.get(url)
                    self.assertEqual(r.status_code, 200)
                    self.assertEqual(policy_of(r), POLICY)
                    seen += 1
        self.assertGreater(seen, 20)


class ThrottledLoginPageTests(TestCase):
    def test_the_lockout_page_sends_the_policy(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            r = self.client.post(reverse("login"), {"username": "x", "password": "y"})
        self.assertEqual(r.status_code, 429)
        self.assertEqual(policy_of(r), POLICY)


class MovedStylesTests(SimpleTestCase):
    def test_every_team_tree_depth_the_template_can_name_has_its_indent_rule(self) -> None:
        css = (ROOT / "static" / "css" / "pages.css").read_text()
        for depth in range(1, 13):  # templates/orgs/team_list.html caps the class at 12
            self.assertIn(f".tree-indent.depth-{depth} {{ padding-left: {24 * depth}px; }}", css)
