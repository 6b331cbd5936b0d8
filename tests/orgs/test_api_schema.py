"""The OpenAPI schema of the org endpoints validates and drf-spectacular warns about nothing."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


class ApiSchemaTests(SimpleTestCase):
    def test_the_org_endpoints_schema_is_valid_and_warning_free(self) -> None:
        # Only our routes, so another app's warnings never fail this test (and ours never hide).
        GENERATOR_STATS.reset()
        generator = SchemaGenerator(patterns=[path("api/v1/", include("orgs.api_urls"))])
        with GENERATOR_STATS.silence():
            schema = generator.get_schema(request=None, public=True)
        self.assertEqual(dict(GENERATOR_STATS._warn_cache), {})
        self.assertEqual(dict(GENERATOR_STATS._error_cache), {})
        validate_schema(schema)
        self.assertEqual(
            sorted(schema["paths"]),
            [
                "/api/v1/memberships/",
                "/api/v1/memberships/{id}/",
                "/api/v1/organization/",
                "/api/v1/people/",
                "/api/v1/people/{id}/",
                "/api/v1/people/{id}/export/",
                "/api/v1/teams/",
                "/api/v1/teams/{id}/",
            ],
        )
        self.assertEqual(set(schema["components"]["securitySchemes"]), {"cookieAuth", "tokenAuth"})
        params = {p["name"] for p in schema["paths"]["/api/v1/people/"]["get"]["parameters"]}
        self.assertTrue({"search", "team", "is_active"} <= params)
