"""Rubric item bank, pulse rounds, invitations, anonymous responses."""
