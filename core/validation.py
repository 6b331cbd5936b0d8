"""Input text refused before it reaches a service: control characters and lone surrogates.

PostgreSQL refuses a NUL byte in text and a lone surrogate can't be encoded as UTF-8, so
either one would end as a 500 deep in a query; other control characters are invisible junk
in names and comments. One rule for every entry point (query strings, form fields, JSON
bodies, CSV cells), applied by core.middleware and core.parsers, so no form or serializer
has to remember it. Tab, newline and carriage return stay allowed (free text has lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from core.errors import InvalidInput

# C0 controls except \t \n \r, DEL, C1 controls, and UTF-16 surrogates (only reachable as
# lone "\udxxx" escapes in JSON or surrogate-escaped bytes; never valid text).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def refused_character(text: str) -> str | None:
    """The first refused character of `text` as "U+XXXX", or None when the text is clean."""
    found = _REFUSED.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def refused_character_message(code_point: str) -> str:
    return f"contains a control character ({code_point}), which is not allowed."


def field_with_refused_character(data: Any, prefix: str = "") -> tuple[str, str] | None:
    """(field path, code point) of the first key or string holding a refused character in
    decoded input (dicts, lists, strings), or None. Paths read like "answers.q1" or "items.0".

    Iterative, so arbitrarily nested input can't exhaust the stack here."""
    stack: list[tuple[str, Any]] = [(prefix, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            code_point = refused_character(value)
            if code_point:
                return path or "body", code_point
        elif isinstance(value, dict):
            for key, child in reversed(list(value.items())):
                key_text = str(key)
                child_path = f"{path}.{key_text}" if path else key_text
                code_point = refused_character(key_text)
                if code_point:
                    # The key itself is the bad input: name its container, not the junk.
                    return path or "body", code_point
                stack.append((child_path, child))
        elif isinstance(value, list | tuple):
            for i in range(len(value) - 1, -1, -1):
                stack.append((f"{path}.{i}" if path else str(i), value[i]))
    return None


def refuse_control_characters(data: Any, prefix: str = "") -> None:
    """Raise InvalidInput naming the field when decoded input holds a refused character."""
    found = field_with_refused_character(data, prefix)
    if found is None:
        return
    field, code_point = found
    message = f"{field} {refused_character_message(code_point)}"
    raise InvalidInput(message, {field: message}, code="control_character")


def refuse_control_characters_in_pairs(pairs: Iterable[tuple[str, str]], *, source: str) -> None:
    """The same for key/value pairs of a query string or form body (`source` names which)."""
    for key, value in pairs:
        code_point = refused_character(key)
        field = key
        if code_point:
            field = source
        else:
            code_point = refused_character(value)
        if code_point:
            message = f"{field} {refused_character_message(code_point)}"
            raise InvalidInput(message, {field: message}, code="control_character")
