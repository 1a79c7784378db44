"""Navigation to content per page and role, in headless Chromium, on a large demo database.

    python benchmarks/pages_bench.py                       # 50,000 customers, 1M orders
    python benchmarks/pages_bench.py --customers 2000 --orders 60000 --repeat 2

Builds the demo database once (``cockpit demo`` into ``--data-dir``; later runs reuse it),
starts ``cockpit run`` (gunicorn, 2 workers), signs in as owner and as rep in Debian's
Chromium (``/usr/bin/chromium``; nothing downloads a browser) and opens every page
``--repeat`` times. A page counts as drawn when the address has loaded, Dash has no request
in flight, no skeleton is left, the page holds text, and every grid on it shows rows or its
"no rows" notice. The time is the browser's own clock from the navigation's start to that
moment (``performance.now()``), polled every 25 ms.

The first opening of a page by a role warms the figure cache as a deployment's first visitor
would; the figures printed are the median and the worst of the openings after it. Goal (issue
"Speed at the size of a real distributor"): every page ≤ 1.5 s drawn. A reference measured in
the same run: the sign-in page, which draws no figures (the browser's and server's floor).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
GOAL_SECONDS = 1.5
SIGN_IN_LINE = re.compile(r"^\s+(owner|manager|rep)\s+(\S+)\s+(\S+)\s*$")
PAGES = ["/", "/customers", "{portrait}", "/alerts", "/schemes", "/targets", "/campaigns",
         "/campaigns/new", "/team", "/audit", "/import", "/duplicates"]
OWNER_ONLY = {"/audit", "/import", "/duplicates"}

READY = """
const content = document.querySelector('#_pages_content') || document.body;
const busy = document.querySelector('[data-dash-is-loading="true"]');
const skeleton = document.querySelector('.skeleton');
const grids = Array.from(document.querySelectorAll('.ag-root-wrapper'));
const gridsDrawn = grids.every(g => g.querySelector('.ag-row') ||
    (g.querySelector('.ag-overlay-no-rows-wrapper, .ag-overlay-no-rows-center')));
const text = (content.innerText || '').trim().length;
const parts = {loaded: document.readyState === 'complete', idle: !busy, noSkeleton: !skeleton,
               gridsDrawn: gridsDrawn, text: text > 40};
return [Object.values(parts).every(Boolean), performance.now(), parts];
"""


def _environment(data_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    return {**keep, "COCKPIT_DATA_DIR": str(data_dir), "COCKPIT_ENV": "production",
            "COCKPIT_REDIS_URL": ""}


def _cockpit(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dashboard.cli import main; main()", *args]


def ensure_demo(data_dir: Path, customers: int, orders: int) -> dict[str, str]:
    """The demo database (built once) and the sign-in passwords it printed."""
    marker = data_dir / f"pages-bench-{customers}-{orders}.txt"
    if not marker.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        print(f"building the demo ({customers:,} customers, {orders:,} orders) in {data_dir} ...",
              flush=True)
        began = time.perf_counter()
        done = subprocess.run(_cockpit("demo", "--customers", str(customers), "--orders",
                                       str(orders), "--seed", "3"),
                              env=_environment(data_dir), cwd=ROOT, capture_output=True,
                              text=True, check=True)
        marker.write_text(done.stdout)
        print(f"  built in {time.perf_counter() - began:.0f} s", flush=True)
    found = [SIGN_IN_LINE.match(line) for line in marker.read_text().splitlines()]
    return {m.group(2): m.group(3) for m in found if m}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    log = (data_dir / "pages-bench-server.log").open("w")
    server = subprocess.Popen(_cockpit("run", "--host", "127.0.0.1", "--port", str(port),
                                       "--workers", str(workers)),
                              env=_environment(data_dir), cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("cockpit run stopped; see pages-bench-server.log")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("cockpit run did not answer in time")


def browser():  # noqa: ANN201
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,900", "--lang=en-US"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def sign_in(driver, url: str, username: str, password: str) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    driver.get(f"{url}/login?lang=en")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    deadline = time.monotonic() + 60
    while "/login" in driver.current_url and time.monotonic() < deadline:
        time.sleep(0.1)


def drawn_in(driver, address: str, timeout: float = 60) -> float:  # noqa: ANN001
    """Seconds from the navigation's start until the page is drawn (see the module text)."""
    driver.get(address)
    deadline = time.monotonic() + timeout
    parts: dict[str, bool] = {}
    while time.monotonic() < deadline:
        try:
            ready, now, parts = driver.execute_script(READY)
        except Exception:  # noqa: BLE001 - the page is being replaced
            ready, now = False, 0.0
        if ready:
            return float(now) / 1000
        time.sleep(0.025)
    missing = ", ".join(name for name, ok in parts.items() if not ok)
    raise RuntimeError(f"{address} not drawn in {timeout:.0f} s (still missing: {missing})")


def first_customer(driver, url: str) -> str:  # noqa: ANN001
    """The portrait address of the first customer the list shows this user."""
    from selenium.webdriver.common.by import By

    drawn_in(driver, f"{url}/customers")
    # the grid's name links (a.customer-link), not the export links above the grid
    deadline = time.monotonic() + 60
    links = []
    while not links and time.monotonic() < deadline:
        links = driver.find_elements(By.CSS_SELECTOR, "a.customer-link[href*='/customer/']")
        time.sleep(0.1)
    hrefs = [a.get_attribute("href") or "" for a in links]
    codes = [h for h in hrefs if re.search(r"/customer/[^/?]+$", h.split("?")[0])]
    if not codes:
        raise RuntimeError("the customer list shows no customer link")
    return codes[0].replace(url, "")


def measure(url: str, passwords: dict[str, str], roles: list[str],
            repeat: int, pages: list[str] = PAGES) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    for role in roles:
        driver = browser()
        try:
            floor = [drawn_in(driver, f"{url}/login?lang=en") for _ in range(repeat)]
            times[(role, "/login (reference)")] = floor
            sign_in(driver, url, role, passwords[role])
            portrait = first_customer(driver, url)
            for page in pages:
                if role != "owner" and page in OWNER_ONLY:
                    continue
                address = portrait if page == "{portrait}" else page
                name = "/customer/<code>" if page == "{portrait}" else page
                try:
                    drawn_in(driver, url + address)  # first opening: warms the cache
                    times[(role, name)] = [drawn_in(driver, url + address)
                                           for _ in range(repeat)]
                except RuntimeError as exc:  # reported as never drawn, the run goes on
                    print(f"  {role:<6} {name:<20} {exc}", flush=True)
                    times[(role, name)] = [float("inf")]
                    continue
                print(f"  {role:<6} {name:<20} {_fmt(times[(role, name)])}", flush=True)
        finally:
            driver.quit()
    return times


def _fmt(values: list[float]) -> str:
    each = " ".join(f"{v:.2f}" for v in values)
    return f"median {statistics.median(values):5.2f} s   worst {max(values):5.2f} s   ({each})"


def report(times: dict[tuple[str, str], list[float]]) -> int:
    print(f"\nnavigation to content, headless Chromium (goal ≤ {GOAL_SECONDS} s per page)")
    print(f"{'role':<7}{'page':<22}{'median':>8}{'worst':>8}  goal")
    missed = 0
    for (role, page), values in times.items():
        worst = max(values)
        reference = page.endswith("(reference)")
        verdict = "" if reference else ("ok" if worst <= GOAL_SECONDS else "MISSED")
        missed += verdict == "MISSED"
        print(f"{role:<7}{page:<22}{statistics.median(values):>7.2f}s{worst:>7.2f}s  {verdict}")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--roles", default="owner,rep")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cockpit-pages-bench"))
    parser.add_argument("--workers", type=int, default=2, help="the server's workers")
    parser.add_argument("--pages", default="",
                        help="only these pages, comma-separated as listed in PAGES "
                             "(e.g. /alerts,/team); default every page")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write every opening's seconds here, keyed 'role page'")
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p] or PAGES
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        sys.exit(f"unknown pages {unknown}; the pages are {', '.join(PAGES)}")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        sys.exit("needs Debian's chromium and chromium-driver (./scripts/test installs them)")
    passwords = ensure_demo(args.data_dir, args.customers, args.orders)
    server, url = start_server(args.data_dir, args.workers)
    try:
        times = measure(url, passwords, args.roles.split(","), args.repeat, pages)
    finally:
        server.terminate()
        server.wait(timeout=30)
    missed = report(times)
    if args.json:
        args.json.write_text(json.dumps({f"{role} {page}": values
                                         for (role, page), values in times.items()}))
    print(f"\n{missed} page(s) over the goal; CPU: {os.cpu_count()} cores; "
          f"{args.customers:,} customers, {args.orders:,} orders")


if __name__ == "__main__":
    main()
