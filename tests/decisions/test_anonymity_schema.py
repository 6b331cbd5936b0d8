"""No stored column joins a check-in answer to a person or an invitation (docs/privacy.md)."""

from __future__ import annotations

import uuid

from django.db import models

from decisions.models import CheckInInvitation, CheckInResponse
from orgs.models import Person
from tests.decisions.base import DecisionTestCase


def test_check_in_response_has_no_link_to_person_token_or_invitation() -> None:
    names = {f.name for f in CheckInResponse._meta.get_fields()}
    columns = {getattr(f, "column", None) for f in CheckInResponse._meta.concrete_fields}
    for bad in ("person", "token", "token_hash", "invitation", "submitted_at", "created_at"):
        assert bad not in names and f"{bad}_id" not in columns
    for f in CheckInResponse._meta.get_fields():
        if f.is_relation:
            assert f.related_model not in (Person, CheckInInvitation), f.name
    # answered_on is a date (day precision), the id is random
    assert isinstance(CheckInResponse._meta.get_field("answered_on"), models.DateField)
    assert not isinstance(CheckInResponse._meta.get_field("answered_on"), models.DateTimeField)
    assert CheckInResponse._meta.pk.default is uuid.uuid4


def test_invitation_has_no_link_to_responses() -> None:
    for f in CheckInInvitation._meta.get_fields():
        if f.is_relation:
            assert f.related_model is not CheckInResponse, f.name


class ResponseIdTests(DecisionTestCase):
    def test_response_ids_are_random_uuids(self) -> None:
        d = self.decide()
        for p in self.platform_people[:3]:
            self.answer(d, p)
        ids = list(CheckInResponse.objects.values_list("id", flat=True))
        assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
