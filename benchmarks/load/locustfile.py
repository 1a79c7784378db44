"""Signed-in users clicking through the cockpit, the customer list and portraits.

Each simulated user signs in through the real form (the hidden ``csrf_token`` and the
``cockpit_login`` cookie), then sends the ``cockpit_csrf`` cookie the app sets as the
``X-CSRFToken`` header of every callback, as Dash's renderer does. Callback bodies are built
from the app's own ``/_dash-dependencies`` (see ``dash_requests.py``).

Mix (task weights): 70 % callbacks (the cockpit under other filters, list pages with sorts
and searches, portraits; a filter change also runs the shell's filter bar and the pages
router, as in the browser), 20 % page loads (the page, ``/_dash-layout`` and
``/_dash-dependencies``), 10 % CSV exports of the list. Users think 1-5 s between clicks.

Sign-ins, customer codes, rep ids and search words come from the JSON plan that
``run_load.py`` writes (``COCKPIT_LOAD_PLAN``); the users get accounts in turn, so owners,
managers and reps are mixed. Run through ``run_load.py`` (it also works around locust 2.43+
needing urllib3 2 while selenium keeps 1.26 in this environment).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any
from urllib.parse import urlencode

from dash_requests import CALLBACK_PATH, CSRF_FIELD, Callbacks, callback_problem, export_href
from locust import HttpUser, between, events, task

from dashboard.analytics.kinds import CUSTOMER_TYPES
from layouts import ids

PERIODS = ("30d", "90d", "365d")
OTHER_PERIODS = ("month", "quarter", "year")
TYPES = tuple(CUSTOMER_TYPES)
STATUSES = ("active", "churning", "lost", "never")
TIERS = ("A", "B", "C", "D")
MOVERS = ("revenue_surge", "revenue_drop", "orders_surge", "orders_drop")
SORTS = ("revenue", "growth_pct", "orders", "last_order_date", "risk_score", "churn_pct",
         "customer_name", "receivable", "status", "abc_tier")
PAGE_SIZE = 100

_PLAN: dict[str, Any] = {}
_ACCOUNTS = itertools.count()


def plan() -> dict[str, Any]:
    if not _PLAN:
        with open(os.environ["COCKPIT_LOAD_PLAN"], encoding="utf-8") as handle:
            _PLAN.update(json.load(handle))
    return _PLAN


@events.init.add_listener
def _load_plan(environment, **_kwargs) -> None:  # noqa: ANN001
    plan()


class CockpitUser(HttpUser):
    wait_time = between(1, 5)

    def on_start(self) -> None:
        accounts = plan()["accounts"]
        self.account = accounts[next(_ACCOUNTS) % len(accounts)]
        self.rng = random.Random()
        self.csrf = ""
        self.sign_in()
        with self.client.get("/_dash-dependencies", name="page /_dash-dependencies",
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                raise RuntimeError("no dependencies")
            self.callbacks = Callbacks(response.json())

    # --- signing in ---------------------------------------------------------------------

    def sign_in(self) -> None:
        with self.client.get("/login", name="login form", catch_response=True) as form:
            match = CSRF_FIELD.search(form.text or "")
            if form.status_code != 200 or not match:
                form.failure(f"no sign-in form (HTTP {form.status_code})")
                raise RuntimeError("no sign-in form")
        data = {"username": self.account["username"], "password": self.account["password"],
                "csrf_token": match.group(1), "next": "/"}
        with self.client.post("/login", data=data, name="login", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 303:
                response.failure(f"sign-in refused (HTTP {response.status_code})")
                raise RuntimeError("sign-in refused")
        self.csrf = self.client.cookies.get("cockpit_csrf", "")
        if not self.csrf:
            raise RuntimeError("no cockpit_csrf cookie after sign-in")

    # --- helpers ------------------------------------------------------------------------

    def callback(self, name: str, output_id: str, values: dict[str, Any],
                 changed: str | None = None) -> str:
        body = self.callbacks.body(output_id, values, changed)
        csrf = self.client.cookies.get("cockpit_csrf", "") or self.csrf
        with self.client.post(CALLBACK_PATH, json=body, name=name, catch_response=True,
                              headers={"X-CSRFToken": csrf}) as response:
            problem = callback_problem(response.status_code, response.text or "")
            if problem:
                response.failure(problem)
                return ""
            return response.text

    def page(self, path: str, name: str) -> None:
        for url, label in ((path, name), ("/_dash-layout", "page /_dash-layout"),
                           ("/_dash-dependencies", "page /_dash-dependencies")):
            with self.client.get(url, name=label, catch_response=True,
                                 allow_redirects=False) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

    def filters(self) -> dict[str, str]:
        """A filter choice as the bar makes it: mostly a period, sometimes more."""
        rng, account = self.rng, self.account
        query = {"period": rng.choice(PERIODS if rng.random() < 0.85 else OTHER_PERIODS)}
        if rng.random() < 0.25 and account["regions"]:
            query["region"] = rng.choice(account["regions"])
        if rng.random() < 0.2:
            query["type"] = rng.choice(TYPES)
        if rng.random() < 0.2 and account["rep_ids"]:
            query["manager"] = str(rng.choice(account["rep_ids"]))
        return query

    def selector(self) -> dict[str, str]:
        rng = self.rng
        kind = rng.random()
        if kind < 0.35:
            return {"status": rng.choice(STATUSES)}
        if kind < 0.6:
            return {"tier": rng.choice(TIERS)}
        if kind < 0.7:
            return {"mover": rng.choice(MOVERS)}
        return {}

    def navigate(self, path: str, query: dict[str, str]) -> None:
        """The address changed (a filter, a link): the shell's filter bar and the pages
        router answer, as in the browser, before the page's own callback."""
        search = ("?" + urlencode(query)) if query else ""
        self.callback("cb shell", ids.FILTER_BAR, {
            f"{ids.URL}.pathname": path, f"{ids.URL}.search": search},
            changed=f"{ids.URL}.search")
        self.callback("cb router", "_pages_content", {
            "_pages_location.pathname": path, "_pages_location.search": search},
            changed="_pages_location.search")

    def list_rows(self, query: dict[str, str], *, start: int = 0, search: str = "",
                  sort: list[dict[str, str]] | None = None) -> str:
        filter_model = ({"q": {"filterType": "text", "type": "contains", "filter": search}}
                        if search else {})
        request = {"startRow": start, "endRow": start + PAGE_SIZE, "filterModel": filter_model,
                   "sortModel": sort or []}
        return self.callback("cb list", ids.CUSTOMERS_COUNT, {
            f"{ids.CUSTOMERS_GRID}.getRowsRequest": request,
            f"{ids.CUSTOMERS_QUERY}.data": query})

    # --- 70 %: callbacks ----------------------------------------------------------------

    @task(25)
    def cockpit_filters(self) -> None:
        query = self.filters()
        self.navigate("/", query)
        self.callback("cb cockpit", ids.COCKPIT_HEADLINE, {f"{ids.COCKPIT_QUERY}.data": query})

    @task(28)
    def customer_list(self) -> None:
        rng = self.rng
        query = {**self.filters(), **self.selector()}
        if rng.random() < 0.4:  # arrived from a link: the header and the first rows
            self.navigate("/customers", query)
            self.callback("cb list header", ids.CUSTOMERS_HEADLINE,
                          {f"{ids.CUSTOMERS_QUERY}.data": query})
        sort = [{"colId": rng.choice(SORTS), "sort": rng.choice(("asc", "desc"))}]
        search = ""
        if rng.random() < 0.3 and self.account["words"]:
            search = rng.choice(self.account["words"])
            self.callback("cb list search", f"{ids.CUSTOMERS_GRID}.filterModel", {
                f"{ids.CUSTOMERS_SEARCH}.value": search,
                f"{ids.CUSTOMERS_GRID}.filterModel": {}})
        self.list_rows(query, sort=sort, search=search)
        if rng.random() < 0.5:  # scrolls down one or two pages
            for page in range(1, rng.choice((2, 3))):
                self.list_rows(query, start=page * PAGE_SIZE, sort=sort, search=search)

    @task(17)
    def portrait(self) -> None:
        code = self.rng.choice(self.account["codes"])
        query = {"period": self.rng.choice(PERIODS)}
        self.navigate(f"/customer/{code}", query)
        self.callback("cb portrait", ids.PORTRAIT_HEADER, {
            f"{ids.PORTRAIT_QUERY}.data": {**query, "code": code},
            f"{ids.PORTRAIT_REFRESH}.data": 0})

    # --- 20 %: page loads ---------------------------------------------------------------

    @task(7)
    def page_cockpit(self) -> None:
        self.page("/?" + urlencode({"period": self.rng.choice(PERIODS)}), "page /")

    @task(7)
    def page_customers(self) -> None:
        query = {"period": self.rng.choice(PERIODS), **self.selector()}
        self.page("/customers?" + urlencode(query), "page /customers")

    @task(6)
    def page_portrait(self) -> None:
        code = self.rng.choice(self.account["codes"])
        self.page(f"/customer/{code}?period={self.rng.choice(PERIODS)}", "page /customer")

    # --- 10 %: exports ------------------------------------------------------------------

    @task(10)
    def export(self) -> None:
        query = {**self.filters(), **self.selector()}
        sort = [{"colId": self.rng.choice(SORTS), "sort": "desc"}]
        href = export_href(self.list_rows(query, sort=sort))
        if not href:
            return
        with self.client.get(href, name="export", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.headers.get("Content-Type", "").startswith("text/csv"):
                response.failure(f"not CSV: {response.headers.get('Content-Type')}")
            elif response.headers.get("X-Row-Count") is None or not response.content:
                response.failure("empty export")
