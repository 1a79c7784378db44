"""Settings, read from ``COCKPIT_*`` environment variables.

Every setting is declared once in :data:`SETTINGS` with its default and a help text; the README's
settings table is tested against this list, so a new setting must be documented there too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "", "SQLAlchemy URL of the database. Empty: the embedded SQLite file "
            "`data/cockpit.sqlite3`. PostgreSQL: `postgresql://user:pass@host:5432/db`."),
    Setting("DATA_DIR", str(ROOT / "data"), "Folder for the embedded database, the columnar "
            "snapshot, the figure cache and the instance secret."),
    Setting("SECRET_KEY", "", "Session-signing key, at least 32 characters. Required in "
            "production; `cockpit demo` writes a random one into the data folder."),
    Setting("COOKIE_SECURE", "auto", "`auto`: cookies are marked Secure when the request came "
            "over HTTPS (as reported by the trusted proxies); `always` or `never`."),
    Setting("TRUSTED_PROXIES", 0, "How many reverse proxies in front of the app set "
            "X-Forwarded-For/-Proto/-Host/-Port; 0 trusts none of these headers.", int),
    Setting("SESSION_IDLE_MINUTES", 480, "A sign-in ends after this many minutes without "
            "a request.", int),
    Setting("SESSION_MAX_HOURS", 168, "A sign-in ends this many hours after it began.", int),
    Setting("SIGN_IN_IP_LIMIT", 100, "Failed sign-ins one address may make within 20 seconds "
            "across all user names (one user name from one address: 10), so that one office "
            "behind a shared address is not locked out by a few wrong passwords.", int),
    Setting("ENV", "production", "`production` or `development` (development allows Dash "
            "debug tools and a generated secret key)."),
    Setting("HOST", "127.0.0.1", "Address `cockpit run` listens on."),
    Setting("PORT", 8050, "Port `cockpit run` listens on.", int),
    Setting("REDIS_URL", "", "Redis URL. When set, the shared figure cache and background "
            "jobs use Redis (several hosts); empty: diskcache in the data folder (one host)."),
    Setting("CURRENCY", "CNY", "ISO 4217 currency code used to format money."),
    Setting("DEFAULT_LANGUAGE", "en", "Language for users who have not chosen one: `en` or `zh`."),
    Setting("PERIOD_DAYS", 30, "Default period length in days.", int),
    Setting("STATUS_RULE", "churn", "How Active / Churning / Lost are set: `churn` (from the "
            "churn probability, CHURNING_P and LOST_P) or `risk` (from the risk score, "
            "RISK_CHURNING and RISK_LOST). Both also apply LOST_DAYS."),
    Setting("CHURNING_P", 0.5, "Churn probability from which a customer is Churning "
            "(STATUS_RULE churn).", float),
    Setting("LOST_P", 0.85, "Churn probability from which a customer is Lost "
            "(STATUS_RULE churn).", float),
    Setting("RISK_CHURNING", 2.0, "Risk score above which a customer is Churning "
            "(STATUS_RULE risk, and customers no churn model could be fitted for).", float),
    Setting("RISK_LOST", 4.0, "Risk score above which a customer is Lost (STATUS_RULE risk, "
            "and customers no churn model could be fitted for).", float),
    Setting("LOST_DAYS", 365, "Days without an order after which a customer is Lost.", int),
    Setting("ABC_METHOD", "dynamic", "`dynamic` (cumulative revenue share) or `fixed` "
            "(revenue thresholds)."),
    Setting("ABC_A_SHARE", 20.0, "Dynamic ABC: cumulative revenue share (%) of tier A.", float),
    Setting("ABC_B_SHARE", 60.0, "Dynamic ABC: cumulative revenue share (%) of tier B, "
            "after A.", float),
    Setting("ABC_A_MIN", 100000.0, "Fixed ABC: minimum period revenue of tier A.", float),
    Setting("ABC_B_MIN", 50000.0, "Fixed ABC: minimum period revenue of tier B.", float),
    Setting("ABC_C_MIN", 10000.0, "Fixed ABC: minimum period revenue of tier C.", float),
    Setting("MOVER_MIN_REVENUE", 1000.0, "Surges and drops: minimum absolute revenue change.",
            float),
    Setting("MOVER_MIN_ORDERS", 2, "Surges and drops: minimum absolute change in orders.", int),
    Setting("HORIZON_DAYS", 90, "Churn prediction horizon in days.", int),
    Setting("RULES_MIN_SUPPORT", 0.01, "Cross-sell: minimum support of a rule \"customers who "
            "buy X also buy Y\" (share of the customers with a purchase in the last 365 days "
            "who bought both; a rule also needs at least 3 such customers).", float),
    Setting("RULES_MIN_LIFT", 1.5, "Cross-sell: minimum lift of a rule (how many times more "
            "likely Y is among buyers of X than among all customers).", float),
    Setting("SUGGEST_BY_TAGS", False, "Discovery: suggest only products sharing a tag value "
            "(such as `brand:…`) with a product the customer bought.", bool),
    Setting("SMTP_HOST", "", "SMTP server for e-mail campaigns."),
    Setting("SMTP_PORT", 587, "SMTP port.", int),
    Setting("SMTP_STARTTLS", True, "Use STARTTLS on the SMTP connection.", bool),
    Setting("SMTP_USER", "", "SMTP user name (empty: no authentication)."),
    Setting("SMTP_PASSWORD", "", "SMTP password."),
    Setting("SMTP_FROM", "cockpit@localhost", "Sender address of campaign e-mails."),
    Setting("SMS_URL", "", "SMS gateway endpoint (HTTP POST)."),
    Setting("SMS_AUTH_HEADER", "", "Authorization header value sent to the SMS gateway."),
    Setting("SMS_BODY_TEMPLATE", '{"to": "{phone}", "text": "{message}", "id": "{key}"}',
            "JSON body template for the SMS gateway; `{phone}`, `{message}` and `{key}` "
            "(idempotency key) are filled in."),
    Setting("DAILY_SEND_CAP", 5000, "Most campaign messages one user may queue per day.", int),
    Setting("MAX_UPLOAD_MB", 50, "Largest file the web upload accepts, in MB.", int),
    Setting("SCHEDULER", "auto", "Who runs the scheduled jobs (nightly recompute, outbox "
            "sender, digest): `auto` the web server's workers under gunicorn (one at a time "
            "across workers and hosts, by a lease in the database), or Celery beat when "
            "`COCKPIT_REDIS_URL` is set; `on` every process that builds the app; `off` none "
            "(`cockpit schedule` shows what runs when)."),
    Setting("RECOMPUTE_AT", "02:00", "Local time of day (HH:MM) of the nightly recompute: "
            "rules' \"for N days\" follow the calendar, month-end snapshots are written. "
            "Empty: off."),
    Setting("SEND_EVERY_SECONDS", 60, "How often the scheduler sends queued campaign "
            "messages, in seconds; 0: off (run `cockpit send` instead).", int),
    Setting("DIGEST_AT", "", "Local time of day (HH:MM) of the daily e-mail digest of open "
            "alerts to each account manager with an e-mail address; empty: off."),
    Setting("CALLBACK_DEADLINE", 15.0, "Seconds after which a page's request starts no "
            "further database query when a third of that time went to the database: the "
            "user reads that the database is answering slowly (instead of a page that hangs "
            "until the web server's timeout); time spent computing figures does not count; "
            "0: no limit. Background jobs and the command line have no limit.", float),
    Setting("PDF_FONT", "", "CJK font file (.ttf, .otf or .ttc) for the PDF reports; empty: "
            "Noto Sans CJK SC from the Debian package fonts-noto-cjk."),
)


def _convert(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def _env_name(name: str) -> str:
    return f"COCKPIT_{name}"


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`load_settings` or pass overrides in tests."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, item: str) -> Any:
        values = object.__getattribute__(self, "values")
        key = item.upper()
        if key in values:
            return values[key]
        raise AttributeError(item)

    def replace(self, **changes: Any) -> Settings:
        merged = dict(self.values)
        merged.update({k.upper(): v for k, v in changes.items()})
        return Settings(merged)

    @property
    def data_dir(self) -> Path:
        return Path(self.values["DATA_DIR"])

    @property
    def database_url(self) -> str:
        url = self.values["DATABASE_URL"]
        if not url:
            return f"sqlite:///{self.data_dir / 'cockpit.sqlite3'}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url

    @property
    def is_production(self) -> bool:
        return self.values["ENV"] != "development"


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = env.get(_env_name(s.name))
        values[s.name] = s.default if raw in (None, "") else _convert(raw, s.kind)
    values.update({k.upper(): v for k, v in overrides.items()})
    return Settings(values)


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, help) rows, as the README documents them."""
    rows = []
    for s in SETTINGS:
        default = "" if s.name == "DATA_DIR" else str(s.default)
        rows.append((_env_name(s.name), default, s.help))
    return rows


__all__ = ["SETTINGS", "Setting", "Settings", "load_settings", "settings_table"]
