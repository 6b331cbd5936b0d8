"""Handoff check-ins: both sides of a handoff asked when it happens, set side by side."""
