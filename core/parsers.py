"""The API's request parsers: bodies bounded in size and depth before decoding, text checked.

json.load recurses once per nesting level, so a deeply nested body reached the decoder and
ended as a RecursionError (a 500). These parsers read at most DATA_UPLOAD_MAX_MEMORY_SIZE
(DRF hands them Django's size-checked body today; the bound stays in case a stream comes
raw), count the nesting of the raw bytes before decoding, and refuse control characters
(core.validation) in what decoded.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.http import QueryDict
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser
from rest_framework.utils import json

from core.validation import refuse_control_characters, refuse_control_characters_in_pairs

# Deep enough for any body this API takes (the deepest is an answers object: 2 levels).
MAX_JSON_DEPTH = 32

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def read_bounded(stream: IO[bytes], parser_context: Mapping[str, Any] | None) -> bytes:
    """The whole body, or ParseError when it is larger than DATA_UPLOAD_MAX_MEMORY_SIZE
    (judged from Content-Length first, then by reading one byte past the limit)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    request = (parser_context or {}).get("request")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except (TypeError, ValueError):
        declared = 0
    raw = b"" if declared > limit else stream.read(limit + 1)
    if declared > limit or len(raw) > limit:
        raise ParseError(f"The request body is larger than {limit} bytes.")
    return raw


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings don't
    count), without decoding it: C-speed regex and translate, then one pass over brackets."""
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_A_BRACKET)
    return max(itertools.accumulate((_STEP[b] for b in brackets), initial=0))


def json_decode_bounded(raw: bytes, *, encoding: str, strict: bool = True) -> Any:
    """The decoded JSON body, or ParseError when it nests deeper than MAX_JSON_DEPTH or is not
    JSON in ``encoding`` (``strict``: NaN and Infinity refused, as DRF's parser does). The
    parser below and the survey submit's direct path (surveys.api) both decode with it."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise ParseError(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
    try:
        text = raw.decode(encoding)
        parse_constant = json.strict_constant if strict else None
        return json.loads(text, parse_constant=parse_constant)
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError both are
        raise ParseError(f"JSON parse error - {exc}") from exc


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        assert stream is not None  # DRF calls no parser for an empty body
        raw = read_bounded(stream, parser_context)
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        data = json_decode_bounded(raw, encoding=encoding, strict=self.strict)
        refuse_control_characters(data)
        return data


class BoundedFormParser(FormParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:  # an immutable QueryDict, as FormParser's
        assert stream is not None
        raw = read_bounded(stream, parser_context)
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        data = QueryDict(raw, encoding=encoding)
        refuse_control_characters_in_pairs(_all_items(data), source="body")
        return data


class CheckedMultiPartParser(MultiPartParser):
    """Django's multipart parser already enforces the upload limits; only the text is checked."""

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> DataAndFiles:
        assert stream is not None
        result = super().parse(stream, media_type, parser_context)
        refuse_control_characters_in_pairs(_all_items(result.data), source="body")
        return result


def _all_items(data: QueryDict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in data.lists() for value in values]
