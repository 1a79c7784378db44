"""What every ``cockpit`` command shares: the process's one :class:`~dashboard.runtime.Runtime`
(settings, engine, figure cache), built on first use by the command that needs it.

The CLI is a composition root like ``app.create_app``: a command takes the runtime from here
and hands it down to the services it calls; nothing below builds another one.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from dashboard.config import Settings
    from dashboard.runtime import Runtime


class Context:
    """Lazily built settings and runtime for one command."""

    @cached_property
    def settings(self) -> Settings:
        from dashboard.config import load_settings

        return load_settings()

    @cached_property
    def runtime(self) -> Runtime:
        from dashboard.runtime import build_runtime

        return build_runtime(self.settings)

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    def ensure_schema(self) -> None:
        from dashboard.migrate import is_up_to_date, upgrade

        if not is_up_to_date(self.engine):
            upgrade(self.engine)

    def ready_runtime(self) -> Runtime:
        """The runtime, with the database schema created or upgraded first."""
        self.ensure_schema()
        return self.runtime


pass_ctx = click.make_pass_decorator(Context, ensure=True)
