"""JSON through orjson, for request and response bodies and for JSON columns.

A sync push or pull page is a few hundred KB of JSON, decoded from the request, encoded into
three JSON columns and encoded again into the response. orjson does each of those 4-10
times faster than the standard library's json module, which was a fifth of a push's CPU.
The output is the same JSON: UTF-8 rather than \\u escapes, keys in the order given.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

# Dates and dataclasses go through Flask's `default`, so they are written as before (HTTP
# dates, asdict); dict keys that are not strings are converted, as json.dumps does.
_FLASK_COMPATIBLE = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def dumps(value: Any) -> str:
    """Encode a JSON column's value (SQLAlchemy's json_serializer)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        # An integer beyond 64 bits (only a hand-written client sends one): keep it exact.
        return json.dumps(value, ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    """Decode a JSON column's value (SQLAlchemy's json_deserializer)."""
    return orjson.loads(text)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, encoding and decoding with orjson."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize obj; any json.dumps option other than indent or separators falls back."""
        indent = kwargs.pop("indent", None)
        kwargs.pop("separators", None)
        if kwargs or self.ensure_ascii:
            return super().dumps(obj, indent=indent, **kwargs)
        option = _FLASK_COMPATIBLE
        if self.sort_keys:
            option |= orjson.OPT_SORT_KEYS
        if indent:
            option |= orjson.OPT_INDENT_2
        try:
            return orjson.dumps(obj, default=self.default, option=option).decode()
        except TypeError:
            return super().dumps(obj, indent=indent)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Deserialize s; raises a ValueError (orjson.JSONDecodeError) on bad JSON."""
        if kwargs:
            return super().loads(s, **kwargs)
        return orjson.loads(s)
