"""The capabilities of the API, one blueprint each, in registration order."""

from server.assets import blp as assets_blp
from server.audit import blp as audit_blp
from server.auth import blp as auth_blp
from server.checklists import blp as checklists_blp
from server.findings import blp as findings_blp
from server.health import blp as health_blp
from server.home import bp as home_bp
from server.inspections import blp as inspections_blp
from server.photos import blp as photos_blp
from server.pwa_host import bp as pwa_host_bp
from server.sites import blp as sites_blp
from server.sync_api import blp as sync_api_blp

CAPABILITIES = (
    health_blp,
    auth_blp,
    sites_blp,
    assets_blp,
    checklists_blp,
    inspections_blp,
    findings_blp,
    photos_blp,
    sync_api_blp,
    audit_blp,
)

# Plain Flask blueprints: pages and files, not part of the OpenAPI document.
PAGES = (home_bp, pwa_host_bp)
