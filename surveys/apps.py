"""App config for surveys."""

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
