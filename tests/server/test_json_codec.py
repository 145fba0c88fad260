"""JSON responses: encoded once by orjson, the same JSON json.dumps would give."""

from __future__ import annotations

import json

from flask import Flask, jsonify


def test_json_response_keeps_non_ascii_text_and_ends_with_a_newline(app: Flask) -> None:
    body = {"note": "灭火器缺失", "count": 2, "ok": True, "missing": None}

    with app.test_request_context():
        response = jsonify(body)

    assert response.mimetype == "application/json"
    assert response.get_data().endswith(b"\n")
    assert "灭火器缺失".encode() in response.get_data()
    assert json.loads(response.get_data()) == body


def test_json_response_keeps_an_integer_beyond_64_bits_exact(app: Flask) -> None:
    huge = 2**70 + 1

    with app.test_request_context():
        response = jsonify({"value": huge})

    assert json.loads(response.get_data()) == {"value": huge}
    assert response.get_data().endswith(b"\n")


def test_json_response_is_indented_when_the_app_is_in_debug_mode(app: Flask) -> None:
    app.debug = True
    try:
        with app.test_request_context():
            response = jsonify({"a": [1, 2]})
    finally:
        app.debug = False

    assert response.get_data() == b'{\n  "a": [\n    1,\n    2\n  ]\n}\n'
