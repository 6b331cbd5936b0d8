"""The audit action codes of workshops (registered by core at start-up; see core.audit)."""

from core.audit import register_action

register_action("workshops.workshop.created", "Workshop prepared")
register_action("workshops.workshop.updated", "Workshop agenda edited")
register_action("workshops.commitment.created", "Workshop commitment recorded")
register_action("workshops.commitment.updated", "Workshop commitment edited")
register_action("workshops.commitment.status_changed", "Workshop commitment status changed")
register_action("workshops.commitment.logged_as_decision", "Workshop commitment logged as decision")
register_action("workshops.workshop.went_live", "Workshop went live (join code issued)")
register_action("workshops.workshop.ended", "Live workshop ended")
register_action("workshops.poll.created", "Workshop poll added")
register_action("workshops.poll.updated", "Workshop poll edited")
register_action("workshops.poll.opened", "Workshop poll opened")
register_action("workshops.poll.closed", "Workshop poll closed")
register_action("workshops.poll.revealed", "Workshop poll revealed")
