"""The survey page in a real browser at phone size: tap to answer, keyboard-only answering."""

from __future__ import annotations

from typing import Any

import pytest

from orgs.models import Organization, Person, Team
from surveys.models import Answer, Response
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.dispatch import invitation_link, round_dispatch
from surveys.services.rounds import round_create
from tests.factories import answers_flush

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def survey_path() -> tuple[str, list[str]]:
    """A dispatched round; returns (path of one person's survey link, item keys in order)."""
    rubric_install(data=rubric_read())  # transactional tests flush the migrated rubric
    org = Organization.objects.create(name="Phone Co", slug="phone", anonymity_k=5)
    team = Team.objects.create(organization=org, name="Field")
    for i in range(5):
        Person.objects.create(organization=org, name=f"P {i}", email=f"p{i}@x.example", team=team)
    rnd = round_create(organization=org, teams=[team], questions=8)
    round_dispatch(round_id=rnd.pk)
    inv = rnd.invitations.order_by("id").first()
    path = "/" + invitation_link(inv).split("/", 3)[3]
    keys = [ri.item.key for ri in rnd.round_items.select_related("item").order_by("position")]
    return path, keys


def open_link(page: Any, url: str) -> Any:
    """Open an emailed /s/#<token> link: the landing page's script posts the token to
    /s/answer/; returns the response of that POST (the survey or a problem page)."""
    with page.expect_response(lambda r: r.url.endswith("/s/answer/")) as posted:
        page.goto(url)
    page.wait_for_load_state()
    return posted.value


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_phone_user_answers_by_tapping_and_sees_the_thank_you_page(
    live_server: Any, phone_page: Any, survey_path: tuple[str, list[str]]
) -> None:
    path, keys = survey_path
    page = phone_page
    assert path.startswith("/s/#")  # the emailed link: the token only in the fragment
    assert open_link(page, live_server.url + path).status == 200
    assert page.viewport_size == {"width": 360, "height": 740}
    assert no_horizontal_scroll(page)
    assert page.locator("fieldset").count() == len(keys)
    for i, key in enumerate(keys):
        value = "skip" if i == 0 else str(1 + i % 5)
        option = page.locator(f"label.opt:has(input[name='q_{key}'][value='{value}'])")
        option.tap()
        assert page.locator(f"input[name='q_{key}'][value='{value}']").is_checked()
    # Tap targets are big enough for a thumb (WCAG 2.5.8 asks 24 px; we aim higher).
    box = page.locator(f"label.opt:has(input[name='q_{keys[1]}'][value='3']) span").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    page.get_by_label("Anything you want to add?").fill("Planning changes too often.")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Send my answers").tap()
    page.get_by_role("heading", name="Thank you!").wait_for()
    assert no_horizontal_scroll(page)
    answers_flush()  # the answer waits in the buffer until its batch (or the round close)
    response = Response.objects.get()
    assert response.comment == "Planning changes too often."
    stored = dict(Answer.objects.values_list("item__key", "value"))
    assert stored[keys[0]] is None and stored[keys[1]] == 2
    # The link is spent: opening it again shows the "already answered" page.
    res = open_link(page, live_server.url + path)
    assert res.status == 410
    assert page.get_by_role("heading", name="This survey was already answered").is_visible()


def test_the_survey_can_be_answered_with_the_keyboard_alone(
    live_server: Any, phone_page: Any, survey_path: tuple[str, list[str]]
) -> None:
    path, keys = survey_path
    page = phone_page
    open_link(page, live_server.url + path)
    for _ in range(10):  # skip link, then the first question's radio group
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == f"q_{keys[0]}":
            break
    for key in keys:
        assert page.evaluate("document.activeElement.name") == f"q_{key}"
        page.keyboard.press("Space")  # choose 1
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")  # 3
        # The focused option is visibly marked (focus ring on its label).
        outline = page.evaluate(
            "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle"
        )
        assert outline == "solid"
        page.keyboard.press("Tab")  # the next question (radios of one group share one tab stop)
    assert page.evaluate("document.activeElement.id") == "comment"
    page.keyboard.type("Keyboard only.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you!").wait_for()
    answers_flush()
    assert set(Answer.objects.values_list("value", flat=True)) == {3}
    assert Response.objects.get().comment == "Keyboard only."


def test_unknown_link_page_at_phone_size(live_server: Any, phone_page: Any) -> None:
    res = phone_page.goto(live_server.url + "/s/this-is-not-a-valid-token/")
    assert res.status == 404
    assert phone_page.get_by_role("heading", name="We don't know this link").is_visible()
    assert no_horizontal_scroll(phone_page)
