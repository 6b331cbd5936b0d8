"""The audit action codes of handoffs (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action("handoffs.handoff.created", "Handoff recorded")
