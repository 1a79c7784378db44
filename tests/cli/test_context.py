"""The CLI as a composition root: one runtime per command, built from the settings and
handed to every service the command calls (the import and the recompute that follows it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from click.testing import CliRunner
from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.cli_context import Context, pass_ctx
from dashboard.db import make_engine, session_scope
from dashboard.models import AuditLog, Membership


def test_a_command_builds_one_runtime_from_the_settings(tmp_path: Path) -> None:
    seen: list[Context] = []

    @click.command()
    @pass_ctx
    def probe(ctx: Context) -> None:
        seen.append(ctx)
        assert ctx.runtime is ctx.runtime and ctx.engine is ctx.runtime.engine
        assert ctx.runtime.settings is ctx.settings

    url = f"sqlite:///{tmp_path / 'probe.sqlite3'}"
    env = {"COCKPIT_DATABASE_URL": url, "COCKPIT_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(probe, [], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [ctx] = seen
    assert ctx.runtime.settings.data_dir == tmp_path / "data"
    assert ctx.runtime.engine.url.database == str(tmp_path / "probe.sqlite3")


def test_cockpit_import_ends_with_the_recompute(database_url: str, tmp_path: Path) -> None:
    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    path = tmp_path / "orders.csv"
    path.write_text(f"customer,order_date,amount,order_id\nK1,{day},50,A-1\n"
                    f"K2,{day},150,A-2\n", encoding="utf-8")
    env = {"COCKPIT_DATABASE_URL": database_url, "COCKPIT_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(main, ["import", "orders", str(path)], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as s:
            open_rows = s.execute(select(Membership.source, func.count())
                                  .where(Membership.valid_to.is_(None))
                                  .group_by(Membership.source)
                                  .order_by(Membership.source)).all()
            # two customers, each with one open status row and one open ABC tier row
            assert [tuple(r) for r in open_rows] == [("abc", 2), ("status", 2)]
            tiers = dict(s.execute(select(Membership.customer_id, Membership.label)
                                   .where(Membership.source == "abc",
                                          Membership.valid_to.is_(None))).all())
            # K2's 150 of 200 comes first (A); K1's 50 after 75 % (B)
            assert sorted(tiers.values()) == ["A", "B"]
            actions = s.execute(select(AuditLog.action).order_by(AuditLog.id)).scalars().all()
            assert actions == ["import", "recompute"]
    finally:
        engine.dispose()
