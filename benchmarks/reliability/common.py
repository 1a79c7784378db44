"""What the reliability scripts share: a fresh data folder with a small demo database, a
gunicorn server of the real app, signed-in HTTP sessions and the numbers they print.

Everything runs on loopback, in a folder under /tmp (and, on PostgreSQL, a database
``cockpit_rel_<pid>`` made and dropped by the script), and stops by itself.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LOAD = ROOT / "benchmarks" / "load"
for _path in (str(ROOT), str(LOAD)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from dash_requests import CALLBACK_PATH, CSRF_FIELD, Callbacks, callback_problem  # noqa: E402

from layouts import ids  # noqa: E402

PYTHON = sys.executable
DEFAULT_PG = os.environ.get("COCKPIT_LOAD_PG_URL", "postgresql://postgres@127.0.0.1:5432")
# the server log lines that mean a request failed inside the app
SERVER_ERRORS = {
    "database is locked": re.compile(r"database is locked", re.I),
    "SQLITE_BUSY": re.compile(r"SQLITE_BUSY"),
    "Traceback": re.compile(r"^Traceback", re.M),
    "connection errors": re.compile(
        r"server closed the connection|SSL (?:error|SYSCALL)|lost synchronization|"
        r"unexpected response from server|connection (?:is bad|already closed)|"
        r"consuming input failed|another command is already in progress", re.I),
    "worker timeouts": re.compile(r"WORKER TIMEOUT"),
    "cache warnings": re.compile(r"figure cache (?:read|write) failed|could not keep the list "
                                 r"view"),
}
ACCESS_FORMAT = 'access %(m)s %(U)s %(s)s %(D)s'
ACCESS_LINE = re.compile(r"^access (\w+) (\S+) (\d{3}) (\d+)$", re.M)


def cockpit(*args: str) -> list[str]:
    """The ``cockpit`` command of this interpreter."""
    return [PYTHON, "-c", "from dashboard.cli import main; main()", *args]


def run(cmd: list[str], env: dict[str, str], *, stdin: str | None = None,
        timeout: float = 900) -> str:
    done = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, start_new_session=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[-3:])} failed ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def pg_url(base: str, database: str, driver: str = "postgresql+psycopg") -> str:
    return f"{base.rstrip('/').replace('postgresql://', driver + '://', 1)}/{database}"


class DataFolder:
    """A fresh data folder (and, for PostgreSQL, a fresh database) with the demo data; the
    environment every cockpit command and the server get."""

    def __init__(self, backend: str, *, customers: int, orders: int, pg_base: str = DEFAULT_PG,
                 tag: str = "rel") -> None:
        import tempfile

        self.backend = backend
        self.pg_base = pg_base
        self.folder = Path(tempfile.mkdtemp(prefix=f"cockpit-{tag}-{backend}-"))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
        self.env.update({"COCKPIT_DATA_DIR": str(self.folder), "COCKPIT_ENV": "production",
                         "PYTHONPATH": str(ROOT)})
        self.database = ""
        if backend == "postgresql":
            self.database = f"cockpit_{tag}_{os.getpid()}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)',
                        f'CREATE DATABASE "{self.database}"')
            self.env["COCKPIT_DATABASE_URL"] = pg_url(pg_base, self.database, "postgresql")
            self.url = pg_url(pg_base, self.database)
        else:
            self.url = f"sqlite:///{self.folder / 'cockpit.sqlite3'}"
        self.customers, self.orders = customers, orders

    def _admin(self, *statements: str) -> None:
        admin = sa.create_engine(pg_url(self.pg_base, "postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
        admin.dispose()

    def build(self, template: Path | None = None) -> dict[str, str]:
        """``cockpit init`` and ``cockpit demo``; the demo's sign-ins by role. ``template``:
        a SQLite data folder this function built before, copied instead (the short runs of
        the test suite build one and share it)."""
        if template is not None and self.backend == "sqlite":
            shutil.copytree(template, self.folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("cache", "*.log"))
            return dict(re.findall(r"^(\S+) (\S+)$", (template / "sign-ins.txt").read_text(),
                                   re.M))
        run(cockpit("init"), self.env)
        out = run(cockpit("demo", "--customers", str(self.customers), "--orders",
                          str(self.orders), "--seed", "1"), self.env)
        users = dict(re.findall(r"^\s+(?:owner|manager|rep)\s+(\S+)\s+(\S+)\s*$", out, re.M))
        if "owner" not in users:
            raise SystemExit(f"the demo printed no sign-ins:\n{out[-2000:]}")
        sign_ins = self.folder / "sign-ins.txt"
        sign_ins.write_text("".join(f"{role} {password}\n" for role, password in users.items()))
        sign_ins.chmod(0o600)
        return users

    def remove(self, keep: bool = False) -> None:
        if self.database and not keep:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)


class Server:
    """gunicorn serving the real app (``app:server``) on loopback, as ``cockpit run`` does,
    with extra gunicorn options (``--preload``, threads); its log in the data folder."""

    def __init__(self, env: dict[str, str], folder: Path, *, port: int, workers: int = 4,
                 extra: Iterable[str] = (), timeout: int = 120) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = folder / f"server-{port}.log"
        handle = self.log.open("w")
        cmd = [PYTHON, "-m", "gunicorn", "app:server", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--timeout", str(timeout), "--access-logfile", "-",
               "--access-logformat", ACCESS_FORMAT, "--chdir", str(ROOT), *extra]
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=handle,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        handle.close()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server stopped ({self.proc.returncode}):\n"
                                 f"{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the server did not answer within 180 s:\n{self.log.read_text()[-3000:]}")

    def workers(self, expected: int = 0, timeout: float = 60) -> list[int]:
        """The worker PIDs; with ``expected``, waits (up to ``timeout``) until gunicorn has
        forked that many: the first worker answers before the last one is forked."""
        import psutil

        deadline = time.monotonic() + timeout
        while True:
            found = [child.pid for child in psutil.Process(self.proc.pid).children()]
            if len(found) >= expected or time.monotonic() > deadline:
                return found
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def log_errors(self) -> dict[str, int]:
        text = self.log.read_text(errors="replace")
        found = {name: len(pattern.findall(text)) for name, pattern in SERVER_ERRORS.items()}
        found["HTTP 5xx"] = sum(s.startswith("5") for _m, _p, s, _t in ACCESS_LINE.findall(text))
        return found


class Client:
    """One signed-in user: the real sign-in form, then callbacks with the CSRF header."""

    def __init__(self, base: str, username: str, password: str, *, timeout: float = 60) -> None:
        self.base, self.timeout = base, timeout
        self.web = requests.Session()
        form = self.web.get(f"{base}/login", timeout=timeout)
        match = CSRF_FIELD.search(form.text)
        if form.status_code != 200 or not match:
            raise RuntimeError(f"no sign-in form (HTTP {form.status_code})")
        signed = self.web.post(f"{base}/login", allow_redirects=False, timeout=timeout, data={
            "username": username, "password": password, "csrf_token": match.group(1),
            "next": "/"})
        if signed.status_code != 303:
            raise RuntimeError(f"sign-in refused (HTTP {signed.status_code})")
        self.callbacks = Callbacks(self.web.get(f"{base}/_dash-dependencies",
                                                timeout=timeout).json())

    def callback(self, output: str, values: dict[str, Any], changed: str | None = None
                 ) -> tuple[int, str, float]:
        """POST one callback; (status, body, seconds)."""
        body = self.callbacks.body(output, values, changed)
        started = time.perf_counter()
        answer = self.web.post(self.base + CALLBACK_PATH, json=body, timeout=self.timeout,
                               headers={"X-CSRFToken": self.web.cookies.get("cockpit_csrf", "")})
        return answer.status_code, answer.text, time.perf_counter() - started

    def cockpit(self, period: str = "90d") -> tuple[int, str, float]:
        return self.callback(ids.COCKPIT_HEADLINE, {f"{ids.COCKPIT_QUERY}.data": {"period": period}})

    def customer_rows(self, query: dict[str, Any]) -> tuple[int, str, float]:
        grid = {"startRow": 0, "endRow": 100, "filterModel": {}, "sortModel": []}
        return self.callback(ids.CUSTOMERS_COUNT, {f"{ids.CUSTOMERS_GRID}.getRowsRequest": grid,
                                                   f"{ids.CUSTOMERS_QUERY}.data": query})


def problem(status: int, text: str) -> str:
    return callback_problem(status, text)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def verdict(rows: list[tuple[str, Any, str, bool]]) -> bool:
    """Print ``measure  figure  passing figure  PASS/FAIL`` rows; True when all pass."""
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'measure':<{width}}{'figure':>14}   {'passes at':<22}result")
    for name, figure, goal, ok in rows:
        shown = f"{figure:,.1f}" if isinstance(figure, float) else f"{figure:,}" \
            if isinstance(figure, int) else str(figure)
        print(f"{name:<{width}}{shown:>14}   {goal:<22}{'PASS' if ok else 'FAIL'}")
    passed = all(r[3] for r in rows)
    print("PASS" if passed else "FAIL")
    return passed


def machine_note() -> str:
    one, five, _ = os.getloadavg()
    return (f"{os.cpu_count()} cores, load average {one:.1f} (5 min {five:.1f}); the machine "
            "may be shared with other work")


def common_args(parser: argparse.ArgumentParser, minutes: float, *, customers: int = 2000,
                orders: int = 60000) -> None:
    parser.add_argument("--minutes", type=float, default=minutes,
                        help=f"how long the run lasts (default {minutes:g})")
    parser.add_argument("--customers", type=int, default=customers)
    parser.add_argument("--orders", type=int, default=orders)
    parser.add_argument("--template", type=Path, default=None,
                        help="copy this SQLite data folder (made by an earlier run with "
                             "--keep) instead of building the demo")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")


def make_template() -> None:
    """``python common.py FOLDER [--customers N --orders N]``: build a SQLite demo data
    folder once, for the scripts' ``--template``."""
    parser = argparse.ArgumentParser(description=make_template.__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=60000)
    args = parser.parse_args()
    data = DataFolder("sqlite", customers=args.customers, orders=args.orders, tag="template")
    data.build()
    shutil.rmtree(data.folder / "cache", ignore_errors=True)
    args.folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(data.folder), str(args.folder))
    print(f"demo data folder in {args.folder}")


if __name__ == "__main__":
    make_template()
