"""Roundbook's Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from server.config import Config
from server.json_codec import OrjsonProvider


def create_app(config: object | None = None, **overrides: Any) -> Flask:
    """Build the app: settings, extensions, then one blueprint per capability."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config if config is not None else Config())
    app.config.update(overrides)
    # orjson, Chinese text as UTF-8 rather than \u escapes, keys in the order schemas give
    # them: smaller and cheaper responses (a sync pull page is mostly record payloads).
    app.json = OrjsonProvider(app)

    from server import extensions

    _init_extensions(app, extensions)

    from server.blueprints import CAPABILITIES, PAGES

    for blueprint in CAPABILITIES:
        extensions.api.register_blueprint(blueprint)
    for page_blueprint in PAGES:
        app.register_blueprint(page_blueprint)

    from server.auth.guard import install_guard
    from server.cli import register_commands
    from server.docs_assets import register_docs_assets
    from server.security_headers import install_security_headers

    install_guard(app)
    register_docs_assets(app)
    register_commands(app)
    install_security_headers(app)
    return app


def _init_extensions(app: Flask, extensions: Any) -> None:
    from flask_sqlalchemy.session import Session as FlaskSession

    from server import models  # noqa: F401  (registers every table on the metadata)
    from server.audit.trail import install_audit_trail
    from server.config import engine_options
    from server.i18n import select_locale

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(app.config["MIGRATIONS_DIR"]), render_as_batch=True
    )
    extensions.api.init_app(app)
    extensions.babel.init_app(app, locale_selector=select_locale)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    install_audit_trail(FlaskSession)
