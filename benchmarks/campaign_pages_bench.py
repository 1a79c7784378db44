"""How fast the campaign pages answer on a demo distributor.

Makes a demo (``cockpit demo``) in a temporary data folder, then times, as its owner: the
new-campaign page (its lists and counts; the first call computes the customer table, the
second reads it from the cache), the preview of the largest status list, the submit, the
send through the demo's log channel (messages per second: every message is written and
synced to the log file), the campaign list, the results page (with the uplift) and the
recipients' CSV file; and, through the real callback endpoint of the app, the preview and
the results page callbacks.

Run: ``python benchmarks/campaign_pages_bench.py [--customers 20000] [--orders 200000]
[--repeat 5]``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analytics.selection import Selector  # noqa: E402
from dashboard.config import load_settings  # noqa: E402
from dashboard.filters import FilterQuery  # noqa: E402
from dashboard.runtime import build_runtime  # noqa: E402
from dashboard.scope import Actor  # noqa: E402
from dashboard.services import campaign_drafts as drafts  # noqa: E402
from dashboard.services import campaign_pages as pages  # noqa: E402
from dashboard.services import campaigns  # noqa: E402


def _environment(folder: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    return {**keep, "COCKPIT_DATA_DIR": str(folder), "COCKPIT_ENV": "production",
            "COCKPIT_REDIS_URL": "", "COCKPIT_DAILY_SEND_CAP": "1000000"}


def _demo(folder: Path, customers: int, orders: int) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from dashboard.cli import main; main()", "demo",
                    "--customers", str(customers), "--orders", str(orders), "--seed", "5"],
                   env=_environment(folder), cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def _time(label: str, func, repeat: int = 1):  # noqa: ANN001, ANN202
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    shown = f"{statistics.median(times) * 1000:8.1f} ms" + (
        f" (median of {repeat}, first {times[0] * 1000:.1f} ms)" if repeat > 1 else "")
    print(f"  {label:<48} {shown}")
    return result


PASSWORD = "a long benchmark password 7f3c"


def _owner(runtime) -> Actor:  # noqa: ANN001
    from dashboard.services import users

    name = "benchowner" + secrets.token_hex(3)
    made = users.create_user(runtime, Actor.system("bench"), {
        "username": name, "role": "owner", "password": PASSWORD})
    return Actor(user_id=made.user_id, username=name, role="owner")


def _largest_list(page: drafts.NewCampaignPage) -> drafts.ListChoice:
    return max((c for c in page.choices if c.selector.status), key=lambda c: c.count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="a data folder with a demo made before (its campaigns are kept)")
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="cockpit-campaign-pages-"))
    if args.data_dir is None:
        print(f"demo: {args.customers:,} customers, about {args.orders:,} orders "
              f"({_demo(folder, args.customers, args.orders):.0f} s to make)")
    runtime = build_runtime(load_settings(environ=_environment(folder)))
    owner = _owner(runtime)
    coupon = campaigns.list_coupons(runtime, owner)["id"].iat[0]
    page = _time("new-campaign page, first (customer table)",
                 lambda: drafts.get_new_campaign(runtime, owner, FilterQuery()))
    _time("new-campaign page, again", lambda: drafts.get_new_campaign(
        runtime, owner, FilterQuery()), args.repeat)
    biggest = _largest_list(page)
    form = drafts.CampaignForm(selector=biggest.selector, filters=FilterQuery(),
                               coupon_id=str(coupon), channel="log", language="en",
                               holdout_pct=10)
    print(f"  largest status list: {biggest.selector.status}, {biggest.count:,} customers")
    shown = _time("preview", lambda: drafts.preview(runtime, owner, form), args.repeat)
    queued = _time("submit (queue the campaign)",
                   lambda: drafts.submit(runtime, owner, shown.intent_key))
    _time("submit again (already submitted)",
          lambda: drafts.submit(runtime, owner, shown.intent_key), args.repeat)
    started = time.perf_counter()
    final = pages.send_campaign(runtime, owner, queued.campaign_id)
    seconds = time.perf_counter() - started
    print(f"  {'send through the log channel':<48} {seconds * 1000:8.1f} ms "
          f"({final['sent']:,} messages, {final['sent'] / seconds:,.0f} per second)")
    _time("campaign list", lambda: pages.get_campaign_list(runtime, owner), args.repeat)
    _time("results page (counts, uplift, 2,000 rows)", lambda: pages.get_campaign_page(
        runtime, owner, queued.campaign_id), args.repeat)
    _time("recipients CSV", lambda: pages.export_recipients(
        runtime, owner, queued.campaign_id, "en"), args.repeat)
    _time("progress (counts by status)", lambda: pages.get_progress(
        runtime, owner, queued.campaign_id), args.repeat)
    _endpoints(runtime, owner.username, biggest.selector, coupon, queued.campaign_id,
               args.repeat)


def _endpoints(runtime, username: str, selector: Selector, coupon: int,  # noqa: ANN001
               campaign_id: int, repeat: int) -> None:
    """The preview and the results callbacks through Flask's test client, signed in."""
    from app import create_app
    from layouts import ids
    from tests.security.fixtures import Browser, callback_body, find_callback

    app = create_app(runtime.settings, runtime)
    client = Browser(app)
    client.login(username, PASSWORD)
    client.get("/")
    preview = callback_body(app, find_callback(app, ids.CAMPAIGN_NEW_PREVIEW_BODY), {
        f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks": 1,
        f"{ids.CAMPAIGN_NEW_LIST}.value": f"status={selector.status}",
        f"{ids.CAMPAIGN_NEW_COUPON}.value": str(coupon),
        f"{ids.CAMPAIGN_NEW_CHANNEL}.value": "log", f"{ids.CAMPAIGN_NEW_LANGUAGE}.value": "en",
        f"{ids.CAMPAIGN_NEW_HOLDOUT}.value": 10, f"{ids.CAMPAIGN_NEW_QUERY}.data": {}})
    preview["changedPropIds"] = [f"{ids.CAMPAIGN_NEW_PREVIEW}.n_clicks"]
    results = callback_body(app, find_callback(app, ids.CAMPAIGN_HEADER), {
        f"{ids.CAMPAIGN_QUERY}.data": {"id": str(campaign_id)},
        f"{ids.CAMPAIGN_WINDOW}.value": "30"})

    def post(body: dict) -> int:
        response = client.post("/_dash-update-component", json=body,
                               headers={"X-CSRFToken": client.csrf})
        assert response.status_code == 200, response.status_code
        return len(response.get_data())

    size = _time("endpoint: preview callback", lambda: post(preview), repeat)
    print(f"  {'':<48} {size / 1024:8.1f} kB answer")
    size = _time("endpoint: results page callback", lambda: post(results), repeat)
    print(f"  {'':<48} {size / 1024:8.1f} kB answer")


if __name__ == "__main__":
    main()
