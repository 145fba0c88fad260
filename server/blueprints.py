"""The capabilities of the API, one blueprint each, in registration order."""

from server.assets import blp as assets_blp
from server.audit import blp as audit_blp
from server.auth import blp as auth_blp
from server.checklists import blp as checklists_blp
from server.health import blp as health_blp
from server.inspections import blp as inspections_blp
from server.sites import blp as sites_blp

CAPABILITIES = (
    health_blp,
    auth_blp,
    sites_blp,
    assets_blp,
    checklists_blp,
    inspections_blp,
    audit_blp,
)
