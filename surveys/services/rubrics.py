"""Rubric versions of an org: copy the active rubric into an editable version, edit, activate."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max

from core.audit import audit_record
from orgs.models import Organization
from surveys.models import Dimension, Item, RubricVersion
from surveys.rubric_io import MAX_ITEMS, MIN_ITEMS
from surveys.services.errors import SurveyError


def rubric_is_editable(*, rubric: RubricVersion) -> bool:
    """Only an org's own version that no round has used yet may change in place."""
    return rubric.organization_id is not None and not rubric.rounds.exists()


@transaction.atomic
def rubric_copy(*, organization: Organization, source: RubricVersion, actor: Any) -> RubricVersion:
    """A new, inactive org version with the same dimensions and items (keys kept)."""
    if source.organization_id not in (None, organization.pk):
        raise SurveyError("That rubric belongs to another organization.")
    latest = RubricVersion.objects.filter(organization=organization, key=source.key).aggregate(
        v=Max("version")
    )["v"]
    version = max(latest or 0, source.version) + 1
    copy = RubricVersion.objects.create(
        organization=organization,
        key=source.key,
        version=version,
        name=source.name,
        description=source.description,
        based_on=source,
        is_active=False,
        created_by=actor,
    )
    for dim in source.dimensions.all():
        new_dim = Dimension.objects.create(
            rubric=copy,
            key=dim.key,
            name=dim.name,
            definition=dim.definition,
            weight=dim.weight,
            position=dim.position,
            bands=dim.bands,
            plays=dim.plays,
        )
        Item.objects.bulk_create(
            [
                Item(
                    rubric=copy,
                    dimension=new_dim,
                    key=it.key,
                    text=it.text,
                    reverse_keyed=it.reverse_keyed,
                    position=it.position,
                )
                for it in dim.items.order_by("position", "id")
            ]
        )
    audit_record(
        organization=organization,
        actor=actor,
        action="surveys.rubric.copied",
        obj=copy,
        changes={"based_on": source.pk, "version": version},
    )
    return copy


def _new_item_key(dimension: Dimension, taken: set[str]) -> str:
    """Next key in the dimension's prefix (ds1, ds2 ... -> ds5), never reusing an old one."""
    keys = list(
        Item.objects.filter(dimension__rubric=dimension.rubric).values_list("key", flat=True)
    )
    own = [k for k in dimension.items.values_list("key", flat=True)]
    prefix = re.sub(r"\d+$", "", own[0]) if own else dimension.key[:2]
    numbers = [int(m.group(1)) for k in keys if (m := re.fullmatch(rf"{prefix}(\d+)", k))]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


@transaction.atomic
def rubric_update(
    *, rubric: RubricVersion, actor: Any, dimensions: dict[int, dict[str, Any]]
) -> RubricVersion:
    """Apply edits to an editable version; all-or-nothing.

    dimensions: {dimension_id: {"weight": float, "definition": str,
                 "items": {item_id: {"text": str, "reverse_keyed": bool, "delete": bool}},
                 "new_items": [{"text": str, "reverse_keyed": bool}]}}
    """
    if not rubric_is_editable(rubric=rubric):
        raise SurveyError(
            "This rubric version cannot be edited: it is the shipped rubric or a round used it. "
            "Make a copy and edit the copy."
        )
    errors: dict[str, str] = {}
    dims = {d.pk: d for d in rubric.dimensions.all()}
    changes: dict[str, Any] = {}
    taken: set[str] = set()
    total_weight = 0.0
    for dim_id, dim in dims.items():
        edit = dimensions.get(dim_id, {})
        prefix = f"dim-{dim_id}"
        weight = edit.get("weight", dim.weight)
        try:
            weight = float(weight)
            if not 0 <= weight <= 10:
                raise ValueError
        except (TypeError, ValueError):
            errors[f"{prefix}-weight"] = f"{dim.name}: weight must be a number from 0 to 10."
            weight = dim.weight
        total_weight += weight
        definition = str(edit.get("definition", dim.definition)).strip()
        if not definition:
            errors[f"{prefix}-definition"] = f"{dim.name}: the definition cannot be empty."
        items = {it.pk: it for it in dim.items.all()}
        item_edits: dict[int, dict[str, Any]] = edit.get("items", {})
        kept = [pk for pk in items if not item_edits.get(pk, {}).get("delete")]
        new_items = [n for n in edit.get("new_items", []) if str(n.get("text", "")).strip()]
        count = len(kept) + len(new_items)
        if not MIN_ITEMS <= count <= MAX_ITEMS:
            errors[f"{prefix}-items"] = (
                f"{dim.name}: a dimension needs {MIN_ITEMS} to {MAX_ITEMS} items (this edit leaves {count})."
            )
        for pk, it in items.items():
            e = item_edits.get(pk, {})
            text = str(e.get("text", it.text)).strip()
            if not e.get("delete") and not 1 <= len(text) <= 300:
                errors[f"item-{pk}-text"] = f"Item {it.key}: text must be 1 to 300 characters."
        for n in new_items:
            if len(str(n["text"]).strip()) > 300:
                errors[f"{prefix}-new_text"] = (
                    f"{dim.name}: a new item's text is over 300 characters."
                )
        if errors:
            continue
        if weight != dim.weight or definition != dim.definition:
            changes[dim.key] = {
                "weight": weight,
                "definition_changed": definition != dim.definition,
            }
            dim.weight, dim.definition = weight, definition
            dim.save(update_fields=["weight", "definition"])
        for pk, it in items.items():
            e = item_edits.get(pk, {})
            if e.get("delete"):
                changes[f"item:{it.key}"] = "deleted"
                it.delete()
                continue
            text = str(e.get("text", it.text)).strip()
            rev = bool(e.get("reverse_keyed", it.reverse_keyed))
            if text != it.text or rev != it.reverse_keyed:
                changes[f"item:{it.key}"] = {"text": text, "reverse_keyed": rev}
                it.text, it.reverse_keyed = text, rev
                it.save(update_fields=["text", "reverse_keyed"])
        pos = max((it.position for it in items.values()), default=0)
        for n in new_items:
            pos += 1
            key = _new_item_key(dim, taken)
            taken.add(key)
            Item.objects.create(
                rubric=rubric,
                dimension=dim,
                key=key,
                text=str(n["text"]).strip(),
                reverse_keyed=bool(n.get("reverse_keyed")),
                position=pos,
            )
            changes[f"item:{key}"] = "added"
    if not errors and total_weight <= 0:
        errors["weights"] = "At least one dimension needs a weight above 0."
    if errors:
        transaction.set_rollback(True)
        raise SurveyError("The rubric was not changed: " + " ".join(errors.values()), errors)
    # Only an org's own copy is editable (rubric_editable), so its organization is set.
    assert rubric.organization is not None
    audit_record(
        organization=rubric.organization,
        actor=actor,
        action="surveys.rubric.edited",
        obj=rubric,
        changes=changes,
    )
    return rubric


@transaction.atomic
def rubric_activate(*, organization: Organization, rubric: RubricVersion, actor: Any) -> None:
    """Make `rubric` the version new rounds of the org use (old rounds keep theirs)."""
    if rubric.organization_id != organization.pk:
        raise SurveyError("Only the organization's own rubric versions can be activated.")
    RubricVersion.objects.filter(organization=organization).exclude(pk=rubric.pk).update(
        is_active=False
    )
    rubric.is_active = True
    rubric.save(update_fields=["is_active"])
    audit_record(
        organization=organization,
        actor=actor,
        action="surveys.rubric.activated",
        obj=rubric,
        changes={},
    )
