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
from flask import Response
from flask.json.provider import DefaultJSONProvider

# Dates and dataclasses go through Flask's `default`, so they are written as before (HTTP
# dates, asdict); dict keys that are not strings are converted, as json.dumps does.
_FLASK_COMPATIBLE = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def dumps(value: Any) -> str:
    """Encode a JSON column's value (SQLAlchemy's json_serializer)."""
    return dumps_utf8(value).decode()


def dumps_utf8(value: Any) -> bytes:
    """dumps, as UTF-8 bytes (what COPY sends)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        # An integer beyond 64 bits (only a hand-written client sends one): keep it exact.
        return json.dumps(value, ensure_ascii=False).encode()


def loads(text: str | bytes) -> Any:
    """Decode a JSON column's value (SQLAlchemy's json_deserializer)."""
    return orjson.loads(text)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, encoding and decoding with orjson.

    Responses are encoded once, to bytes: Flask's own response() encodes to a str, appends
    a newline and encodes that again, three copies of a 3 MB pull page of non-ASCII text.
    """

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize obj; any json.dumps option other than indent or separators falls back."""
        encoded = self._encode(obj, kwargs)
        return encoded.decode() if encoded is not None else super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """A JSON response of args or kwargs (as jsonify), followed by a newline."""
        obj = self._prepare_response_obj(args, kwargs)
        dump_args: dict[str, Any] = {}
        if (self.compact is None and self._app.debug) or self.compact is False:
            dump_args["indent"] = 2
        encoded = self._encode(obj, dump_args, newline=True)
        if encoded is None:
            encoded = f"{super().dumps(obj, **dump_args)}\n".encode()
        return self._app.response_class(encoded, mimetype=self.mimetype)

    def _encode(self, obj: Any, kwargs: dict[str, Any], *, newline: bool = False) -> bytes | None:
        # None: an option orjson lacks, or a value it cannot encode; json.dumps does it.
        kwargs = dict(kwargs)
        indent = kwargs.pop("indent", None)
        kwargs.pop("separators", None)
        if kwargs or self.ensure_ascii:
            return None
        option = _FLASK_COMPATIBLE
        if self.sort_keys:
            option |= orjson.OPT_SORT_KEYS
        if indent:
            option |= orjson.OPT_INDENT_2
        if newline:
            option |= orjson.OPT_APPEND_NEWLINE
        try:
            return orjson.dumps(obj, default=self.default, option=option)
        except TypeError:
            return None

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Deserialize s; raises a ValueError (orjson.JSONDecodeError) on bad JSON."""
        if kwargs:
            return super().loads(s, **kwargs)
        return orjson.loads(s)
