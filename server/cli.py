"""The `roundbook` command: the Flask CLI plus setup, demo seeding, users and workers."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def register_commands(app: Flask) -> None:
    """Attach Roundbook's commands to the app's CLI."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(sync_group)
    app.cli.add_command(photos_command)


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Seed the demo hospital if the database has no site yet."""
    from server.demo.seed import seed_demo_if_empty

    seeded = seed_demo_if_empty()
    click.echo("Demo hospital seeded." if seeded else "Database already has data; not seeding.")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--display-name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--super-admin", is_flag=True, help="May see and administer every site.")
@click.option("--site", "site_code", help="Site code to add the user to.")
@click.option(
    "--role",
    type=click.Choice(["inspector", "maintenance", "reviewer", "site_admin"]),
    default="inspector",
    show_default=True,
)
@with_appcontext
def create_user_command(
    username: str,
    display_name: str,
    password: str,
    super_admin: bool,
    site_code: str | None,
    role: str,
) -> None:
    """Create a user, optionally with a role on one site."""
    from sqlalchemy import select

    from server.auth.models import Role
    from server.auth.services import create_user, grant_membership
    from server.errors import ApiError
    from server.extensions import db
    from server.sites.models import Site

    try:
        user = create_user(
            None,
            username=username,
            password=password,
            display_name=display_name,
            is_super_admin=super_admin,
        )
        if site_code:
            site = db.session.scalar(select(Site).where(Site.code == site_code))
            if site is None:
                raise click.ClickException(f"No site with code {site_code!r}.")
            grant_membership(None, user, site.id, Role(role))
    except ApiError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created user {username}.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the app's queue (needs REDIS_URL)."""
    from server.worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@click.command("setup")
@click.option(
    "--url", default="http://127.0.0.1:5000", show_default=True, help="Where it will serve."
)
@with_appcontext
def setup_command(url: str) -> None:
    """Upgrade the database, seed the demo if it is empty, and print how to sign in."""
    from flask_migrate import upgrade

    from server.demo.seed import print_demo_logins, seed_demo_if_empty

    upgrade()
    if seed_demo_if_empty():
        click.echo("Seeded the demo hospital.")
    print_demo_logins(url)


@click.group("photos")
def photos_command() -> None:
    """Photo processing: queue waiting photos, retry failed ones."""


@photos_command.command("sweep")
@with_appcontext
def photos_sweep_command() -> None:
    """Queue every stored photo not processed yet (after Redis was down)."""
    from server.photos.jobs import sweep_pending_photos

    click.echo(f"Queued {sweep_pending_photos()} photos.")


@photos_command.command("retry-failed")
@with_appcontext
def photos_retry_failed_command() -> None:
    """Process every failed photo again, attempts counted afresh."""
    from server.photos.jobs import retry_failed_photos

    click.echo(f"Queued {retry_failed_photos()} failed photos again.")


@click.group("sync")
def sync_group() -> None:
    """Sync maintenance."""


@sync_group.command("new-epoch")
@with_appcontext
def new_epoch_command() -> None:
    """Start a new feed epoch (run after restoring a backup): phones re-push and re-pull."""
    from server.sync_api.store import start_new_epoch

    click.echo(f"New sync epoch: {start_new_epoch()}")


def _create_app_for_cli() -> Flask:
    from server import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app_for_cli)
def main() -> None:
    """Roundbook: offline-first hospital inspections."""
