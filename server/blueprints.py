"""The capabilities of the API, one blueprint each, in registration order."""

from server.auth import blp as auth_blp
from server.health import blp as health_blp
from server.sites import blp as sites_blp

CAPABILITIES = (
    health_blp,
    auth_blp,
    sites_blp,
)
