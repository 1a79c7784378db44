"""``cockpit user``: add, change passwords of, disable and list the people who sign in.

The command acts as the local administrator (an owner). Passwords are prompted for (hidden,
twice) or generated and printed once; they are never accepted as command-line arguments,
where they would end up in the shell history.
"""

from __future__ import annotations

import sys

import click


def _runtime():  # noqa: ANN202
    """The command's runtime (``dashboard.cli_context``), the schema created or upgraded."""
    from dashboard.cli_context import Context

    return click.get_current_context().ensure_object(Context).ready_runtime()


def _fail(exc: Exception) -> None:
    from dashboard.errors import CockpitError, user_message

    if isinstance(exc, CockpitError):
        click.echo(f"Error: {user_message(exc)}", err=True)
        sys.exit(1)
    raise exc


def _new_password(generate: bool) -> str | None:
    if generate:
        return None
    return click.prompt("Password (empty: generate one)", hide_input=True,
                        confirmation_prompt=True, default="", show_default=False) or None


@click.group()
def user() -> None:
    """Manage the people who sign in (owner, manager, rep, and customers' own sign-ins)."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["owner", "manager", "rep", "customer"]),
              required=True)
@click.option("--team", default=None, help="Team (name or id) a manager manages.")
@click.option("--rep", "rep", default=None, help="Account manager (name or id) a rep is.")
@click.option("--customer", default=None,
              help="Customer code a customer sign-in is for (Trade or Distributor only).")
@click.option("--name", "display_name", default="", help="Name shown in the app.")
@click.option("--language", type=click.Choice(["en", "zh"]), default=None,
              help="Language of the user's pages (default: the site's).")
@click.option("--generate", is_flag=True, help="Generate a password instead of prompting.")
def add(username: str, role: str, team: str | None, rep: str | None, customer: str | None,
        display_name: str, language: str | None, generate: bool) -> None:
    """Create USERNAME with a role; a manager needs --team, a rep --rep to see customers, a
    customer --customer (their own page only)."""
    from dashboard.scope import Actor
    from dashboard.services import users

    fields = {"username": username, "role": role, "display_name": display_name,
              "password": _new_password(generate)}
    fields.update({k: v for k, v in (("team", team), ("rep", rep), ("customer", customer),
                                     ("language", language)) if v is not None})
    try:
        new = users.create_user(_runtime(), Actor.system(), fields)
    except Exception as exc:  # noqa: BLE001 - product errors become one line
        _fail(exc)
        return
    click.echo(f"Created {new.username} ({new.role}).")
    if new.password:
        click.echo(f"Password (shown once): {new.password}")
    if role == "customer":
        click.echo("They see only their own page (/my).")
    if (role == "manager" and not team) or (role == "rep" and not rep):
        click.echo("Note: without --team / --rep this user sees no customers.")


@user.command("passwd")
@click.argument("username")
@click.option("--generate", is_flag=True, help="Generate a password instead of prompting.")
def passwd(username: str, generate: bool) -> None:
    """Set USERNAME's password; their open sessions end."""
    from dashboard.scope import Actor
    from dashboard.services import users

    try:
        runtime = _runtime()
        user_id = users.find_user_id(runtime, username)
        shown = users.reset_password(runtime, Actor.system(), user_id, _new_password(generate))
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
        return
    click.echo(f"Password of {username} changed; their sessions have ended.")
    if shown:
        click.echo(f"Password (shown once): {shown}")


@user.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the user again instead.")
def disable(username: str, enable: bool) -> None:
    """Disable USERNAME (sign-in refused, open sessions end), or --enable again."""
    from dashboard.scope import Actor
    from dashboard.services import users

    try:
        runtime = _runtime()
        ended = users.set_active(runtime, Actor.system(), users.find_user_id(runtime, username),
                                 enable)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
        return
    if enable:
        click.echo(f"{username} is enabled.")
    else:
        click.echo(f"{username} is disabled; {ended} session(s) ended.")


@user.command("list")
def list_users() -> None:
    """List users with role, team, account manager and state."""
    from dashboard.scope import Actor
    from dashboard.services import users

    frame = users.list_users(_runtime(), Actor.system())
    if frame.empty:
        click.echo("No users yet: add one with `cockpit user add NAME --role owner`.")
        return
    frame = frame.assign(team=frame["team"].fillna("-"),
                         rep=frame["rep"].fillna(frame["customer"]).fillna("-"))
    click.echo(f"{'user':<24} {'role':<8} {'team':<16} {'rep / customer':<20} {'state':<8} "
               "last sign-in")
    for row in frame.itertuples():
        state = "active" if row.is_active else "disabled"
        seen = row.last_login_at
        last = str(seen)[:16] if seen is not None and seen == seen else "-"  # NaT != NaT
        click.echo(f"{row.username:<24} {row.role:<8} {row.team:<16} "
                   f"{row.rep:<20} {state:<8} {last}")
