"""The schema documents the error family on every operation; bugs the API fuzzer found stay fixed."""

from __future__ import annotations

import yaml
from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import api_token_make


class SchemaErrorStatusTests(BaseTestCase):
    def _schema(self) -> dict:
        return yaml.safe_load(self.client.get(reverse("schema")).content)

    def test_every_operation_documents_400_404_429(self) -> None:
        for path, item in self._schema()["paths"].items():
            for method, op in item.items():
                with self.subTest(f"{method.upper()} {path}"):
                    self.assertLessEqual({"400", "404", "429"}, set(op["responses"]))

    def test_authenticated_operations_document_401_and_403_public_ones_do_not(self) -> None:
        paths = self._schema()["paths"]
        self.assertLessEqual({"401", "403"}, set(paths["/api/v1/teams/"]["get"]["responses"]))
        self.assertNotIn("401", paths["/api/v1/responses/"]["post"]["responses"])

    def test_writes_document_409_410_413_415(self) -> None:
        responses = self._schema()["paths"]["/api/v1/teams/"]["post"]["responses"]
        self.assertLessEqual({"409", "410", "413", "415"}, set(responses))

    def test_a_view_s_own_error_schema_is_kept(self) -> None:
        survey = self._schema()["paths"]["/api/v1/responses/"]["post"]["responses"]
        ref = survey["410"]["content"]["application/json"]["schema"]["$ref"]
        self.assertTrue(ref.endswith("/SurveyError"))


class FuzzFoundTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        key = api_token_make(user=self.owner, org=self.org)
        self.auth = {"HTTP_AUTHORIZATION": f"Token {key}"}

    def test_a_huge_or_fractional_id_filter_is_a_400_not_a_500(self) -> None:
        for value in ("2.6414135573982872e+31", "99999999999999999999", "1.5", "0"):
            for url in ("/api/v1/people/?team=", "/api/v1/teams/?parent="):
                with self.subTest(url=url, value=value):
                    r = self.client.get(url + value, **self.auth)
                    self.assertEqual(r.status_code, 400, r.content)

    def test_an_id_filter_still_filters(self) -> None:
        r = self.client.get(f"/api/v1/people/?team={self.platform.pk}", **self.auth)
        self.assertEqual([p["name"] for p in r.json()["results"]], ["Mia Member"])

    def test_an_api_path_no_route_matches_answers_json_404(self) -> None:
        r = self.client.get("/api/v1/decisions/-1.1e-295/", **self.auth)
        self.assertEqual(r.status_code, 404)
        self.assertEqual(r["Content-Type"], "application/json")
        self.assertEqual(r.json()["code"], "not_found")

    def test_a_page_path_no_route_matches_still_gets_the_html_page(self) -> None:
        r = self.client.get("/no-such-page/")
        self.assertEqual(r.status_code, 404)
        self.assertIn("text/html", r["Content-Type"])
