"""Read and validate the rubric YAML file and install it as a RubricVersion (also from migrations)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml

SHIPPED_RUBRIC = Path(__file__).resolve().parent / "rubric" / "trust_infrastructure.yaml"
BAND_LABELS = ["Fragile", "Inconsistent", "Functional", "Reliable", "Infrastructure"]
PLAY_KINDS = {"exercise", "system"}
MIN_ITEMS, MAX_ITEMS = 3, 6


class RubricFileError(ValueError):
    """The rubric file is malformed; the message names the dimension/item and field.

    Not a core.errors.DomainError: only operators meet it (`manage.py load_rubric`, the
    migration that installs the shipped file), never a page or an API request."""


def rubric_parse(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a rubric document and return it normalised (bands expanded per dimension)."""
    if not isinstance(data, dict):
        raise RubricFileError("the rubric must be a mapping")
    for field in ("key", "version", "name", "band_ranges", "dimensions"):
        if field not in data:
            raise RubricFileError(f"missing top-level field {field!r}")
    ranges = data["band_ranges"]
    if [b.get("label") for b in ranges] != BAND_LABELS:
        raise RubricFileError(f"band_ranges must be exactly {BAND_LABELS} in order")
    if ranges[0]["min"] != 0 or ranges[-1]["max"] != 100:
        raise RubricFileError("band_ranges must cover 0..100")
    for a, b in itertools.pairwise(ranges):
        if a["max"] != b["min"]:
            raise RubricFileError(f"band {a['label']} must end where {b['label']} starts")
    seen_items: set[str] = set()
    dims = []
    for pos, dim in enumerate(data["dimensions"]):
        key = dim.get("key")
        where = f"dimension {key or pos}"
        for field in ("key", "name", "definition", "weight", "items", "bands", "plays"):
            if field not in dim:
                raise RubricFileError(f"{where}: missing {field!r}")
        if not isinstance(dim["weight"], int | float) or dim["weight"] < 0:
            raise RubricFileError(f"{where}: weight must be a number >= 0")
        if not MIN_ITEMS <= len(dim["items"]) <= MAX_ITEMS:
            raise RubricFileError(f"{where}: needs {MIN_ITEMS}-{MAX_ITEMS} items")
        if len(dim["bands"]) != len(BAND_LABELS):
            raise RubricFileError(f"{where}: needs one band descriptor per band")
        if not 2 <= len(dim["plays"]) <= 4:
            raise RubricFileError(f"{where}: needs 2-4 plays")
        for play in dim["plays"]:
            if play.get("kind") not in PLAY_KINDS or not play.get("title"):
                raise RubricFileError(f"{where}: each play needs a title and kind exercise|system")
        items = []
        for ipos, item in enumerate(dim["items"]):
            ikey = item.get("key")
            if not ikey or not item.get("text"):
                raise RubricFileError(f"{where}: item {ipos + 1} needs key and text")
            if ikey in seen_items:
                raise RubricFileError(f"{where}: duplicate item key {ikey!r}")
            seen_items.add(ikey)
            items.append(
                {"key": ikey, "text": item["text"], "reverse_keyed": bool(item.get("reverse"))}
            )
        bands = [
            {"label": r["label"], "min": r["min"], "max": r["max"], "descriptor": desc}
            for r, desc in zip(ranges, dim["bands"], strict=True)
        ]
        plays = [
            {"title": p["title"], "kind": p["kind"], "description": p.get("description", "")}
            for p in dim["plays"]
        ]
        dims.append(
            {
                "key": key,
                "name": dim["name"],
                "definition": " ".join(str(dim["definition"]).split()),
                "weight": float(dim["weight"]),
                "position": pos,
                "bands": bands,
                "plays": plays,
                "items": items,
            }
        )
    return {
        "key": data["key"],
        "version": int(data["version"]),
        "name": data["name"],
        "description": " ".join(str(data.get("description", "")).split()),
        "dimensions": dims,
    }


def rubric_read(path: Path = SHIPPED_RUBRIC) -> dict[str, Any]:
    """Parse and validate a rubric YAML file."""
    with open(path, encoding="utf-8") as fh:
        return rubric_parse(yaml.safe_load(fh))


def rubric_install(
    *, data: dict[str, Any], apps: Any = None, organization_id: int | None = None
) -> Any:
    """Create the RubricVersion (+ dimensions, items) described by `data`; existing = no-op.

    `apps` is a migration's app registry (historical models) or None for the live models,
    so the same code loads the rubric from a data migration and from `load_rubric`.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    RubricVersion = apps.get_model("surveys", "RubricVersion")
    Dimension = apps.get_model("surveys", "Dimension")
    Item = apps.get_model("surveys", "Item")
    existing = RubricVersion.objects.filter(
        organization_id=organization_id, key=data["key"], version=data["version"]
    ).first()
    if existing is not None:
        return existing
    rubric = RubricVersion.objects.create(
        organization_id=organization_id,
        key=data["key"],
        version=data["version"],
        name=data["name"],
        description=data["description"],
        # The newest shipped version is the default for orgs without their own.
        is_active=organization_id is None,
    )
    if organization_id is None:
        RubricVersion.objects.filter(organization_id=None, key=data["key"]).exclude(
            pk=rubric.pk
        ).update(is_active=False)
    for dim in data["dimensions"]:
        d = Dimension.objects.create(
            rubric=rubric,
            key=dim["key"],
            name=dim["name"],
            definition=dim["definition"],
            weight=dim["weight"],
            position=dim["position"],
            bands=dim["bands"],
            plays=dim["plays"],
        )
        Item.objects.bulk_create(
            [
                Item(
                    rubric=rubric,
                    dimension=d,
                    key=item["key"],
                    text=item["text"],
                    reverse_keyed=item["reverse_keyed"],
                    position=i,
                )
                for i, item in enumerate(dim["items"])
            ]
        )
    return rubric


def rubric_shipped_ensure(*, apps: Any = None) -> bool:
    """Install the shipped rubric from the repo file if the database has no active one.

    The shipped rubric is repo data: a database whose migration-loaded copy was removed (a
    flushed test database, an operator's cleanup) gets it back on the next `migrate` or
    `flush` (both send post_migrate, see surveys.apps). Returns whether it installed.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    RubricVersion = apps.get_model("surveys", "RubricVersion")
    if RubricVersion.objects.filter(organization_id=None, is_active=True).exists():
        return False
    rubric_install(data=rubric_read(), apps=apps)
    return True
