"""Short-lived access tokens (signed, stateless) and rotating refresh tokens (stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from server.errors import ApiError

ACCESS_SALT = "roundbook.access-token"


@dataclass(frozen=True)
class AccessClaims:
    """What an access token says: which user, on which device."""

    user_id: uuid.UUID
    device_id: uuid.UUID


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACCESS_SALT)


def issue_access_token(user_id: uuid.UUID, device_id: uuid.UUID) -> str:
    """A signed token naming the user and device; valid for ACCESS_TOKEN_TTL."""
    return str(_serializer().dumps({"u": str(user_id), "d": str(device_id)}))


def read_access_token(token: str) -> AccessClaims:
    """Check the signature and age of an access token."""
    max_age = current_app.config["ACCESS_TOKEN_TTL"].total_seconds()
    try:
        data = _serializer().loads(token, max_age=max_age)
        return AccessClaims(uuid.UUID(data["u"]), uuid.UUID(data["d"]))
    except SignatureExpired as error:
        raise ApiError("token_expired", "The access token has expired; refresh it.") from error
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise ApiError("token_invalid", "The access token is not valid.") from error


def new_refresh_token() -> tuple[str, str]:
    """A fresh refresh token and the SHA-256 digest that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, digest_refresh_token(token)


def digest_refresh_token(token: str) -> str:
    """The stored form of a refresh token."""
    return hashlib.sha256(token.encode()).hexdigest()
