"""Imports every model module so the metadata (and Alembic) sees every table."""

from server.assets.models import Asset, BaitStation, Equipment, FireExtinguisher
from server.audit.models import AuditEntry
from server.auth.models import Device, SiteMembership, User
from server.checklists.models import ChecklistTemplate, ChecklistTemplateVersion
from server.findings.models import Finding
from server.inspections.models import Inspection, Schedule, ScheduleTarget
from server.photos.models import Photo
from server.sites.models import Building, Department, Floor, Location, Site
from server.sync_api.models import (
    SyncConflict,
    SyncFeedEntry,
    SyncReceipt,
    SyncRecord,
    SyncServer,
)

__all__ = [
    "Asset",
    "AuditEntry",
    "BaitStation",
    "Building",
    "ChecklistTemplate",
    "ChecklistTemplateVersion",
    "Department",
    "Device",
    "Equipment",
    "Finding",
    "FireExtinguisher",
    "Floor",
    "Inspection",
    "Location",
    "Photo",
    "Schedule",
    "ScheduleTarget",
    "Site",
    "SiteMembership",
    "SyncConflict",
    "SyncFeedEntry",
    "SyncReceipt",
    "SyncRecord",
    "SyncServer",
    "User",
]
