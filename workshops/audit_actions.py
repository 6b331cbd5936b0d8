"""The audit action codes of workshops (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action("workshops.workshop.created", "Workshop prepared")
register_action("workshops.workshop.updated", "Workshop agenda edited")
register_action("workshops.commitment.created", "Workshop commitment recorded")
register_action("workshops.commitment.status_changed", "Workshop commitment status changed")
register_action("workshops.commitment.logged_as_decision", "Workshop commitment logged as decision")
