"""HTTP routes of checklist templates and their versions."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from server.api import Blueprint
from server.auth.guard import current_principal
from server.checklists import services
from server.checklists.models import ChecklistTemplate, ChecklistTemplateVersion
from server.checklists.schemas import (
    TemplateCreateSchema,
    TemplateQueryArgsSchema,
    TemplateSchema,
    TemplateUpdateSchema,
    VersionSchema,
    VersionUpdateSchema,
)

blp = Blueprint(
    "checklists",
    __name__,
    url_prefix="/api",
    description="Checklist templates and their published versions",
)


@blp.route("/templates")
class Templates(MethodView):
    """Checklist templates (ward round, extinguisher check, ...)."""

    @blp.arguments(TemplateQueryArgsSchema, location="query")
    @blp.response(200, TemplateSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[ChecklistTemplate]:
        """List the templates of your sites, optionally of one site or target kind."""
        return services.list_templates(current_principal(), **args)

    @blp.arguments(TemplateCreateSchema)
    @blp.response(201, TemplateSchema)
    def post(self, data: dict[str, Any]) -> ChecklistTemplate:
        """Create a template; its items become draft version 1 (site admins).

        Publish the draft before phones can fill it.
        """
        return services.create_template(current_principal(), data)


@blp.route("/templates/<uuid:template_id>")
class TemplateById(MethodView):
    """One template."""

    @blp.response(200, TemplateSchema)
    def get(self, template_id: uuid.UUID) -> ChecklistTemplate:
        """Get a template with its current and draft version numbers."""
        return services.get_template(current_principal(), template_id)

    @blp.arguments(TemplateUpdateSchema)
    @blp.response(200, TemplateSchema)
    def patch(self, changes: dict[str, Any], template_id: uuid.UUID) -> ChecklistTemplate:
        """Rename a template or change its default frequency (site admins).

        Items change only through a new version (POST .../versions).
        """
        return services.update_template(current_principal(), template_id, changes)


@blp.route("/templates/<uuid:template_id>/versions")
class TemplateVersions(MethodView):
    """The versions of a template."""

    @blp.response(200, VersionSchema(many=True))
    def get(self, template_id: uuid.UUID) -> list[ChecklistTemplateVersion]:
        """List a template's versions, oldest first, with their items."""
        return services.list_versions(current_principal(), template_id)

    @blp.response(201, VersionSchema)
    @blp.alt_response(409, description="A draft already exists (details.draft_number)")
    def post(self, template_id: uuid.UUID) -> ChecklistTemplateVersion:
        """Start a new draft, a copy of the latest version's items (site admins)."""
        return services.create_draft_version(current_principal(), template_id)


@blp.route("/templates/<uuid:template_id>/versions/<int:number>")
class TemplateVersionByNumber(MethodView):
    """One version of a template."""

    @blp.response(200, VersionSchema)
    def get(self, template_id: uuid.UUID, number: int) -> ChecklistTemplateVersion:
        """Get a version with its items."""
        return services.get_version(current_principal(), template_id, number)

    @blp.arguments(VersionUpdateSchema)
    @blp.response(200, VersionSchema)
    @blp.alt_response(409, description="The version is published (template_version_published)")
    def patch(
        self, data: dict[str, Any], template_id: uuid.UUID, number: int
    ) -> ChecklistTemplateVersion:
        """Replace a draft's items (site admins); published versions never change."""
        return services.update_draft_items(current_principal(), template_id, number, data["items"])


@blp.route("/templates/<uuid:template_id>/versions/<int:number>/publish")
class TemplateVersionPublish(MethodView):
    """Publishing a draft."""

    @blp.response(200, VersionSchema)
    @blp.alt_response(409, description="The version is already published")
    def post(self, template_id: uuid.UUID, number: int) -> ChecklistTemplateVersion:
        """Publish a draft: it becomes the version phones fill, and is frozen (site admins)."""
        return services.publish_version(current_principal(), template_id, number)


@blp.route("/sites/<uuid:site_id>/templates/install-builtin")
class SiteBuiltinTemplates(MethodView):
    """Roundbook's built-in templates."""

    @blp.response(200, TemplateSchema(many=True))
    def post(self, site_id: uuid.UUID) -> list[ChecklistTemplate]:
        """Copy the built-in templates into a site, each published as version 1 (site admins).

        Templates whose key the site already has are left alone; the answer lists the ones
        this call created (empty when all were there).
        """
        return services.install_builtin_templates(site_id, current_principal())
