"""The model backend with a user lookup written out: every page request pays it before anything else."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError


class ModelBackendRaw(ModelBackend):
    """Django's ModelBackend, but `get_user` (the session's user, read on every request) runs
    one written-out SELECT instead of compiling the ORM query each time; the rows, the
    conversion of columns and the is_active rule are the same."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        meta = model._meta
        try:
            pk = meta.pk.to_python(user_id) if meta.pk is not None else user_id
        except ValidationError:
            return None
        found = list(
            model._default_manager.raw(
                f"SELECT * FROM {meta.db_table} WHERE {meta.pk.column if meta.pk else 'id'} = %s",
                [pk],
            )
        )
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
