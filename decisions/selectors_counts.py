"""People counts for k on decision check-ins: distinct people who answered, per decision."""

from __future__ import annotations

from decisions.counts import decision_respondent_key
from decisions.models import CheckInInvitation, DecisionRespondentCount, DecisionRespondentKey
from orgs.models import Organization


def decision_respondents_count(*, org: Organization, decision_id: int) -> int:
    """Distinct people who answered any check-in window of the decision (k counts people).

    Open windows are read from their invitations (used flags, hashed the same way), closed
    ones from the stored keys, and a decision whose windows are all over from its count: a
    stakeholder answering at +7 and +30 is one respondent at every moment.
    """
    final = DecisionRespondentCount.objects.filter(
        organization=org, decision_id=decision_id
    ).first()
    if final is not None:
        return final.people
    keys = set(
        DecisionRespondentKey.objects.filter(organization=org, decision_id=decision_id).values_list(
            "key", flat=True
        )
    )
    keys.update(
        decision_respondent_key(organization_id=org.pk, decision_id=decision_id, person_id=pid)
        for pid in CheckInInvitation.objects.filter(
            organization=org, decision_id=decision_id, used=True
        ).values_list("person_id", flat=True)
    )
    return len(keys)


def decisions_respondents_count(*, org: Organization, decision_ids: list[int]) -> dict[int, int]:
    """decision_respondents_count for many decisions, in three queries whatever their number."""
    ids = sorted(set(decision_ids))
    out = dict(
        DecisionRespondentCount.objects.filter(organization=org, decision_id__in=ids).values_list(
            "decision_id", "people"
        )
    )
    rest = [d for d in ids if d not in out]
    keys: dict[int, set[str]] = {d: set() for d in rest}
    for decision_id, key in DecisionRespondentKey.objects.filter(
        organization=org, decision_id__in=rest
    ).values_list("decision_id", "key"):
        keys[decision_id].add(key)
    for decision_id, person_id in CheckInInvitation.objects.filter(
        organization=org, decision_id__in=rest, used=True
    ).values_list("decision_id", "person_id"):
        keys[decision_id].add(
            decision_respondent_key(
                organization_id=org.pk, decision_id=decision_id, person_id=person_id
            )
        )
    out.update({d: len(k) for d, k in keys.items()})
    return out
