"""A missing object answers with the site's own 404 page and a message, also under DEBUG
(a domain NotFound, not Django's Http404 and its developer page)."""

from __future__ import annotations

from django.test import override_settings

from tests.base import BaseTestCase

MISSING = 987654


@override_settings(DEBUG=True)
class MissingObjectsTests(BaseTestCase):
    def test_missing_objects_render_the_sites_404_page_with_a_message(self) -> None:
        self.login(self.owner)
        for url in (
            f"/results/?team={MISSING}",
            f"/decisions/{MISSING}/",
            f"/workshops/{MISSING}/",
            f"/pulses/rounds/{MISSING}/",
            f"/execution/import/{MISSING}/",
            "/execution/import/demo/nothing.csv",
        ):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 404)
                self.assertTemplateUsed(r, "404.html")
                self.assertNotContains(r, "Using the URLconf", status_code=404)
                self.assertTrue(r.context["message"])

    def test_another_orgs_object_is_the_same_404(self) -> None:
        self.login(self.outsider)
        r = self.client.get(f"/results/?team={self.platform.pk}")
        self.assertEqual(r.status_code, 404)
        self.assertTemplateUsed(r, "404.html")
