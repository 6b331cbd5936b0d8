"""No column of the response tables can join back to a person, an invitation or a token.

Checked twice: on the Django models (_meta) and on the real database schema (introspection),
so a hand-written migration can't sneak a link in either.
"""

from __future__ import annotations

import uuid

from django.db import connection
from django.test import TestCase

from orgs.models import Person
from surveys.models import Answer, Invitation, Response

# Columns a response row may have, and nothing else.
RESPONSE_COLUMNS = {
    "id",
    "organization_id",
    "round_id",
    "team_id",
    "period",
    "submitted_on",
    "attributes",
    "comment",
}
ANSWER_COLUMNS = {"response_id", "item_id", "value"}
FORBIDDEN_WORDS = ("person", "invitation", "token", "user", "email", "name", "ip", "agent", "nonce")


class AnonymitySchemaTests(TestCase):
    def test_response_models_have_no_relation_to_person_or_invitation(self) -> None:
        for model in (Response, Answer):
            for field in model._meta.get_fields():
                related = getattr(field, "related_model", None)
                assert related not in (Person, Invitation), (model, field.name)
                assert not any(
                    w in field.name.lower() for w in ("person", "invitation", "token")
                ), field.name
        # And nothing points *at* a response from the invitation side.
        for field in Invitation._meta.get_fields():
            assert getattr(field, "related_model", None) not in (Response, Answer), field.name

    def test_the_database_tables_have_only_the_allowed_columns(self) -> None:
        with connection.cursor() as cur:
            response_cols = {
                c.name
                for c in connection.introspection.get_table_description(
                    cur, Response._meta.db_table
                )
            }
            answer_cols = {
                c.name
                for c in connection.introspection.get_table_description(cur, Answer._meta.db_table)
            }
            invitation_cols = {
                c.name
                for c in connection.introspection.get_table_description(
                    cur, Invitation._meta.db_table
                )
            }
            rels = {}
            for model in (Response, Answer):
                rels[model] = connection.introspection.get_relations(cur, model._meta.db_table)
        assert response_cols == RESPONSE_COLUMNS
        assert answer_cols == ANSWER_COLUMNS
        for col in response_cols | answer_cols:
            assert not any(col == w or col.startswith(w + "_") for w in FORBIDDEN_WORDS), col
        # Foreign keys in the database point only at the org, round, team, response and item.
        targets = {t for r in rels.values() for (_, t) in r.values()}
        assert Person._meta.db_table not in targets
        assert Invitation._meta.db_table not in targets
        # The invitation side has no column naming a response either.
        assert not any("response" in c or "answer" in c for c in invitation_cols)

    def test_response_ids_are_random_uuids_and_time_is_day_precision(self) -> None:
        assert Response._meta.pk.default is uuid.uuid4
        assert Response._meta.get_field("submitted_on").get_internal_type() == "DateField"
        assert not any(
            f.get_internal_type() == "DateTimeField" for f in Response._meta.concrete_fields
        )
        assert Answer._meta.pk.__class__.__name__ == "CompositePrimaryKey"
