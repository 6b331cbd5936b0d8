"""The health check and the API schema/docs are served without a CDN."""

from unittest import mock

from django.db.utils import OperationalError
from django.test import TestCase


class HealthzTests(TestCase):
    def test_it_reports_ok_when_database_answers(self) -> None:
        r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json(), {"status": "ok", "database": "ok", "broker": "ok"})

    def test_it_reports_503_when_database_fails(self) -> None:
        with mock.patch("trustos.health.connection.cursor", side_effect=OperationalError("down")):
            r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json()["status"], "error")


class ApiSchemaTests(TestCase):
    def test_it_serves_openapi_schema(self) -> None:
        r = self.client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        self.assertEqual(r.status_code, 200)
        self.assertIn("openapi", r.json())

    def test_docs_load_swagger_from_our_static_files(self) -> None:
        r = self.client.get("/api/docs/")
        self.assertEqual(r.status_code, 200)
        body = r.content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/", body)
        self.assertNotIn("cdn.jsdelivr", body)
