"""App config for decisions."""

from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
