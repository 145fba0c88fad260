"""Password hashing with Argon2id (RFC 9106), tuned by configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_TIME_COST"], memory_cost=config["PASSWORD_MEMORY_KIB"]
    )


def hash_password(password: str) -> str:
    """An Argon2id hash of the password, with a random salt."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than configured now."""
    return _hasher().check_needs_rehash(password_hash)


# A hash to verify against when the username is unknown, so timing does not reveal users.
def dummy_hash() -> str:
    """A hash of nothing, computed once per app."""
    cached = current_app.extensions.get("roundbook_dummy_hash")
    if cached is None:
        cached = hash_password("not-a-real-password")
        current_app.extensions["roundbook_dummy_hash"] = cached
    return cached
