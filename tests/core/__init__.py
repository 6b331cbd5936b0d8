"""Tests of the core app: one-time links, emails."""
