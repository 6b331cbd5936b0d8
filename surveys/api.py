"""Survey API for chat-bot integrations: read a token's questions, submit answers as JSON.

The link token goes in the JSON body (`token`) or an `Authorization: Bearer <token>` header on
the token-free URLs (`/api/v1/survey/`, `/api/v1/responses/`), so no access log records it.
`/api/v1/survey/<token>/` still works but puts the token in the log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api import ACCEPTS_JSON, JsonFirstNegotiation, exception_handler
from core.errors import DomainError
from core.links import link_token_from_authorization
from core.parsers import json_decode_bounded
from core.validation import refuse_control_characters
from surveys.selectors_forms import round_form
from surveys.services.errors import SurveyError
from surveys.services.forms import round_form_hand_out
from surveys.services.responses import (
    COMMENT_MAX,
    invitation_for_token,
    response_submit,
)


def _form_field() -> serializers.IntegerField:
    """The rotation form number the questions came with (a fresh instance each time)."""
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="the `form` of GET: the statements this respondent was asked. Without it, "
        "the first form holding every answered statement is assumed.",
    )


class SurveyThrottle(AnonRateThrottle):
    rate = "120/min"


SubmitIn = inline_serializer(
    "SurveySubmission",
    {
        "token": serializers.CharField(),
        "answers": serializers.DictField(
            child=serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
        ),
        "comment": serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX),
        "form": _form_field(),
    },
)


SubmitInURL = inline_serializer(
    "SurveySubmissionForURLToken",
    {
        "answers": serializers.DictField(
            child=serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
        ),
        "comment": serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX),
        "form": _form_field(),
    },
)
SubmitOut = inline_serializer("SurveySubmitted", {"detail": serializers.CharField()})
ErrorOut = inline_serializer(
    "SurveyError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.CharField()),
    },
)
SurveyOut = inline_serializer(
    "SurveyQuestions",
    {
        "title": serializers.CharField(),
        "closes_at": serializers.DateTimeField(),
        "scale": serializers.DictField(child=serializers.CharField()),
        "comment_max": serializers.IntegerField(),
        "form": serializers.IntegerField(
            allow_null=True,
            help_text="this respondent's rotation form: send it back with the answers "
            "(null: the round asks everyone the same statements)",
        ),
        "items": inline_serializer(
            "SurveyItem",
            {"key": serializers.CharField(), "text": serializers.CharField()},
            many=True,
        ),
    },
)
ERRORS = {400: ErrorOut, 404: ErrorOut, 410: ErrorOut}
BEARER = OpenApiParameter(
    "Authorization",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Bearer <link token>: the token on a token-free URL (instead of the body)",
)


class _TokenAPIView(APIView):
    """No login: the link token is the credential (anyone holding it may answer once).

    A SurveyError raised here or by the services is answered by core.api.exception_handler
    with its status and {"detail", "code", "errors"} (the ErrorOut schema)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [SurveyThrottle]
    # The submit is the busiest route: a chat bot's JSON Accept skips DRF's header parsing.
    content_negotiation_class = JsonFirstNegotiation

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            data = request.data
        except ParseError as exc:
            raise SurveyError(f"malformed JSON: {exc.detail}", {"body": "malformed JSON"}) from exc
        if not isinstance(data, dict):
            raise SurveyError("the body must be a JSON object", {"body": "not an object"})
        return data

    def _token(self, request: Request, token: str, data: dict[str, Any] | None = None) -> Any:
        """The link token: from the old URL form, else the body, else the Authorization header."""
        if token:
            return token
        header = link_token_from_authorization(request.META.get("HTTP_AUTHORIZATION"))
        if data is not None and data.get("token"):
            if header and header != data["token"]:
                # Which one the client meant is a guess: answering with either is wrong.
                raise SurveyError(
                    "two different link tokens: one in the body, another in the header",
                    {"token": "two different tokens"},
                )
            return data["token"]
        return header

    def _submit(self, token: Any, data: dict[str, Any]) -> Response:
        if not isinstance(token, str) or not token:
            raise SurveyError("token is required", {"token": "required"})
        response_submit(
            token=token,
            answers=data.get("answers"),
            comment=data.get("comment", ""),
            form=data.get("form"),
        )
        return Response(_THANKS, status=201)


_THANKS = {"detail": "Thank you: your answers were saved anonymously."}
_JSON = JSONRenderer()
_JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8"})


def _json_response(body: Any, status: int) -> HttpResponse:
    """What DRF's JSONRenderer and finalize_response make of ``body`` for this view."""
    out = HttpResponse(_JSON.render(body), content_type="application/json", status=status)
    out["Vary"] = "Accept"
    out["Allow"] = "POST, OPTIONS"
    return out


class ResponseSubmitAPI(_TokenAPIView):
    """Submit the answers of one invitation link (the token in the body or the header)."""

    # The common case (a JSON object, a JSON or any Accept, not throttled) is answered without
    # DRF's request and response wrapping, which cost a fifth of a submit's CPU (issue 15:
    # submissions near the /healthz floor). It parses exactly as core.parsers.BoundedJSONParser
    # does, throttles with the same class and cache key, calls the same service and answers
    # the same JSON; everything else (another content type or Accept, ?format=, an empty,
    # oversized or malformed body, a throttled address) goes through DRF unchanged. The class
    # docstring is public (OPTIONS, the schema): the design notes live here.

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        fast = self._fast_submit(request) if request.method == "POST" else None
        if fast is not None:
            return fast
        return super().dispatch(request, *args, **kwargs)

    def _fast_submit(self, request: HttpRequest) -> HttpResponse | None:
        meta = request.META
        if (
            meta.get("CONTENT_TYPE", "").lower() not in _JSON_TYPES
            or meta.get("HTTP_ACCEPT", "") not in ACCEPTS_JSON
            or request.GET
        ):
            return None
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length <= 0 or (limit is not None and length > limit):
            return None
        try:
            data = json_decode_bounded(request.body, encoding="utf-8")
        except ParseError:
            return None  # DRF words the parse error
        if not isinstance(data, dict):
            return None
        # As DRF's request does on this view (no authenticators): everyone is anonymous, so
        # the throttle keys on the address whatever session cookie came, and no later
        # middleware loads a session for it.
        request.user = AnonymousUser()
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):  # type: ignore[arg-type]
                return None  # DRF answers 429 with its wait
        try:
            refuse_control_characters(data)
            token = self._token(request, "", data)  # type: ignore[arg-type]
            self._submit(token, data)
        except (DomainError, DjangoValidationError) as exc:
            answer = exception_handler(exc, {})  # the API's one handler: always an answer here
            assert answer is not None
            return _json_response(answer.data, answer.status_code)
        return _json_response(_THANKS, 201)

    @extend_schema(
        request=SubmitIn,
        responses={201: SubmitOut, **ERRORS},
        parameters=[BEARER],
        summary="Submit a survey response with the link token in the body (or the header)",
        description="Stores the answers of one invitation link, once: the token is spent and "
        "the answers are kept without any link to it. A used token is 410, an unknown one "
        "404; a token in the body and a different one in the `Authorization: Bearer` header "
        "is 400.",
    )
    def post(self, request: Request) -> Response:
        data = self._body(request)
        return self._submit(self._token(request, "", data), data)


class SurveyAPI(_TokenAPIView):
    """/api/v1/survey/: the link token in an Authorization: Bearer header (or the POST body),
    never in the URL."""

    def _questions(self, token: Any) -> Response:
        if not isinstance(token, str) or not token:
            raise SurveyError("token is required", {"token": "required"})
        inv = invitation_for_token(token=token)
        rnd = inv.round
        # A new form number per read, handed out in opening order and never stored
        # (surveys/services/forms.py): the client sends it back with the answers.
        form = round_form_hand_out(round=rnd)
        return Response(
            {
                "title": rnd.title,
                "closes_at": rnd.closes_at,
                "scale": {"1": "strongly disagree", "5": "strongly agree", "null": "skip"},
                "comment_max": COMMENT_MAX,
                "form": form,
                "items": [
                    {"key": it.key, "text": it.text}
                    for it in round_form(round=rnd, form_index=form)
                ],
            }
        )

    @extend_schema(
        operation_id="survey_questions",
        summary="The questions behind the link token of the Authorization: Bearer header",
        parameters=[BEARER],
        responses={200: None, 400: None, 404: None, 410: None},
    )
    def get(self, request: Request) -> Response:
        return self._questions(self._token(request, ""))

    @extend_schema(
        operation_id="survey_submit",
        request=SubmitIn,
        responses={201: SubmitOut, **ERRORS},
        parameters=[BEARER],
        summary="Submit answers with the link token in the body (or the header)",
    )
    def post(self, request: Request) -> Response:
        data = self._body(request)
        return self._submit(self._token(request, "", data), data)


class SurveyTokenAPI(SurveyAPI):
    """/api/v1/survey/<token>/: the old form, kept for existing clients; it puts the token in
    access logs, so /api/v1/survey/ is preferred."""

    @extend_schema(
        summary="The questions behind a link token in the URL (old form)",
        deprecated=True,
        responses={200: None, 404: None, 410: None},
    )
    def get(self, request: Request, token: str) -> Response:  # type: ignore[override]
        return self._questions(token)

    @extend_schema(
        request=SubmitInURL,
        responses={201: SubmitOut, **ERRORS},
        deprecated=True,
        summary="Submit answers for the link token in the URL (old form)",
    )
    def post(self, request: Request, token: str) -> Response:  # type: ignore[override]
        return self._submit(token, self._body(request))
