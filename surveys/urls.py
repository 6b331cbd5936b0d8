"""URL routes of surveys: the token survey page, pulse schedules/rounds, the rubric."""

from django.urls import path

from surveys import survey_views, views

app_name = "surveys"
urlpatterns = [
    # The emailed link is /s/#<token> (token-free URL); /s/<token>/ is the old form.
    path("s/", survey_views.open_page, name="open"),
    path("s/answer/", survey_views.answer_form, name="answer_form"),
    path("s/<str:token>/", survey_views.answer, name="answer"),
    path("pulses/", views.round_list, name="round_list"),
    path("pulses/schedules/new/", views.schedule_edit, name="schedule_create"),
    path("pulses/schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("pulses/schedules/<int:pk>/delete/", views.schedule_remove, name="schedule_delete"),
    path("pulses/send/", views.round_send, name="round_send"),
    path("pulses/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("pulses/rounds/<int:pk>/close/", views.round_close_now, name="round_close"),
    path("pulses/rounds/<int:pk>/remind/", views.round_remind_now, name="round_remind"),
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/copy/", views.rubric_copy_view, name="rubric_copy"),
    path("rubric/versions/<int:pk>/", views.rubric_edit, name="rubric_edit"),
    path("rubric/versions/<int:pk>/activate/", views.rubric_activate_view, name="rubric_activate"),
]
