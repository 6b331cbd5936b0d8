"""Django admin for operators (customers use the set-up pages)."""

from django.contrib import admin

from orgs.models import Membership, Organization, Person, Team


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "reporting_period", "anonymity_k", "time_zone")
    search_fields = ("name", "slug")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "parent", "is_active")
    list_filter = ("organization", "is_active")
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organization", "team", "is_active")
    list_filter = ("organization", "is_active")
    search_fields = ("name", "email")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("organization", "role")
    filter_horizontal = ("teams",)
