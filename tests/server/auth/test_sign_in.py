"""Signing in: back-office sessions with CSRF, phones with device tokens, rate limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from server.auth.models import Role, User
from server.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_site, make_user


def _sign_in_session(client: FlaskClient, user: User) -> str:
    response = client.post(
        "/api/auth/session", json={"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.json
    return str(response.json["csrf_token"])


def _sign_in_device(client: FlaskClient, user: User) -> str:
    response = client.post(
        "/api/auth/devices",
        json={"username": user.username, "password": DEFAULT_PASSWORD, "device_name": "ward phone"},
    )
    assert response.status_code == 201, response.json
    return str(response.json["access_token"])


def test_password_is_stored_as_argon2id_hash_when_user_is_created(app: Flask) -> None:
    user = make_user()

    assert user.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in user.password_hash


def test_session_sign_in_returns_401_invalid_credentials_when_password_is_wrong(
    client: FlaskClient,
) -> None:
    user = make_user()

    response = client.post(
        "/api/auth/session", json={"username": user.username, "password": "wrong password"}
    )

    assert response.status_code == 401
    assert response.json["code"] == "invalid_credentials"


def test_session_sign_in_gives_same_answer_when_username_is_unknown(client: FlaskClient) -> None:
    response = client.post("/api/auth/session", json={"username": "nobody", "password": "x"})

    assert response.status_code == 401
    assert response.json["code"] == "invalid_credentials"


def test_session_sign_in_returns_403_when_account_is_disabled(client: FlaskClient) -> None:
    user = make_user()
    user.is_active = False
    db.session.commit()

    response = client.post(
        "/api/auth/session", json={"username": user.username, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 403
    assert response.json["code"] == "account_disabled"


def test_cookie_session_write_returns_400_csrf_failed_when_token_is_missing(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    _sign_in_session(client, admin)

    response = client.patch(f"/api/sites/{site.id}", json={"name_en": "Renamed"})

    assert response.status_code == 400
    assert response.json["code"] == "csrf_failed"


def test_cookie_session_write_succeeds_when_csrf_token_is_sent(client: FlaskClient) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    csrf_token = _sign_in_session(client, admin)

    response = client.patch(
        f"/api/sites/{site.id}", json={"name_en": "Renamed"}, headers={"X-CSRFToken": csrf_token}
    )

    assert response.status_code == 200, response.json
    assert response.json["name_en"] == "Renamed"


def test_session_sign_out_ends_access_when_cookie_is_reused(client: FlaskClient) -> None:
    user = make_user(make_site())
    csrf_token = _sign_in_session(client, user)

    client.delete("/api/auth/session", headers={"X-CSRFToken": csrf_token})
    response = client.get("/api/users/me")

    assert response.status_code == 401
    assert response.json["code"] == "authentication_required"


def test_device_sign_in_sets_httponly_refresh_cookie_scoped_to_refresh_endpoint(
    client: FlaskClient,
) -> None:
    user = make_user(make_site())

    response = client.post(
        "/api/auth/devices", json={"username": user.username, "password": DEFAULT_PASSWORD}
    )

    cookie = response.headers["Set-Cookie"]
    assert response.status_code == 201
    assert "rb_refresh=" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/api/auth/token" in cookie
    assert "refresh_token" not in response.json


def test_access_token_reads_api_when_sent_as_bearer(client: FlaskClient) -> None:
    user = make_user(make_site())
    access_token = _sign_in_device(client, user)

    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {access_token}"})

    assert response.status_code == 200
    assert response.json["username"] == user.username


def test_refresh_rotates_cookie_when_old_refresh_token_is_replayed(client: FlaskClient) -> None:
    user = make_user(make_site())
    _sign_in_device(client, user)
    old_refresh = client.get_cookie("rb_refresh", path="/api/auth/token").value

    first = client.post("/api/auth/token")
    client.set_cookie("rb_refresh", old_refresh, path="/api/auth/token")
    replay = client.post("/api/auth/token")

    assert first.status_code == 200
    assert first.json["access_token"]
    assert replay.status_code == 401
    assert replay.json["code"] == "token_invalid"


def test_revoked_device_is_refused_when_it_uses_access_or_refresh_token(
    client: FlaskClient,
) -> None:
    user = make_user(make_site())
    access_token = _sign_in_device(client, user)
    headers = {"Authorization": f"Bearer {access_token}"}
    device_id = (
        client.get("/api/users/me", headers=headers)
        and client.get("/api/auth/devices", headers=headers).json[0]["id"]
    )

    revoked = client.delete(f"/api/auth/devices/{device_id}", headers=headers)
    with_access = client.get("/api/users/me", headers=headers)
    with_refresh = client.post("/api/auth/token")

    assert revoked.status_code == 200
    assert with_access.status_code == 401
    assert with_access.json["code"] == "device_revoked"
    assert with_refresh.json["code"] == "device_revoked"


def test_a_disabled_users_access_token_stops_working_at_once(client: FlaskClient) -> None:
    site = make_site()
    user = make_user(site)
    headers = {"Authorization": f"Bearer {_sign_in_device(client, user)}"}
    before = client.get("/api/users/me", headers=headers)

    user.is_active = False
    db.session.commit()
    after = client.get("/api/users/me", headers=headers)

    assert before.status_code == 200
    assert after.status_code == 401
    assert after.json["code"] == "token_invalid"


def test_site_admin_can_revoke_device_of_user_on_their_site(client: FlaskClient) -> None:
    site = make_site()
    crew = make_user(site, Role.MAINTENANCE)
    admin = make_user(site, Role.SITE_ADMIN)
    crew_token = _sign_in_device(client, crew)
    admin_headers = {"Authorization": f"Bearer {_sign_in_device(client, admin)}"}
    crew_devices = client.get(f"/api/auth/devices?user_id={crew.id}", headers=admin_headers).json

    response = client.delete(f"/api/auth/devices/{crew_devices[0]['id']}", headers=admin_headers)
    crew_call = client.get("/api/users/me", headers={"Authorization": f"Bearer {crew_token}"})

    assert response.status_code == 200
    assert crew_call.json["code"] == "device_revoked"


def test_bearer_token_returns_401_token_invalid_when_tampered(client: FlaskClient) -> None:
    user = make_user(make_site())
    access_token = _sign_in_device(client, user)

    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {access_token}x"})

    assert response.status_code == 401
    assert response.json["code"] == "token_invalid"


def test_access_token_returns_401_token_expired_when_older_than_ttl(
    configured_app: Callable[..., Flask],
) -> None:
    expiring_app = configured_app(ACCESS_TOKEN_TTL=timedelta(seconds=-1))
    user = make_user(make_site())
    client = expiring_app.test_client()
    access_token = _sign_in_device(client, user)

    response = client.get("/api/users/me", headers={"Authorization": f"Bearer {access_token}"})

    assert response.status_code == 401
    assert response.json["code"] == "token_expired"


def test_sign_in_returns_429_rate_limited_when_attempts_exceed_limit(
    configured_app: Callable[..., Flask],
) -> None:
    client = configured_app(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute").test_client()

    attempts = [
        client.post("/api/auth/session", json={"username": "admin", "password": "guess"})
        for _ in range(4)
    ]

    assert [a.status_code for a in attempts[:3]] == [401, 401, 401]
    assert attempts[3].status_code == 429
    assert attempts[3].json["code"] == "rate_limited"
    assert "Retry-After" in attempts[3].headers
