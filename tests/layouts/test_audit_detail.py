"""The audit log's detail column reads as words: before → after, dates and numbers in the
reader's language, never JSON."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib

from layouts.audit_detail import MAX_ITEMS, detail_text, moment_text


def test_a_change_lists_each_changed_field_before_and_after() -> None:
    detail = {"before": {"name": "Call soon", "value": 80.0, "active": True},
              "after": {"name": "Call now", "value": 80.0, "active": False}}
    assert detail_text(detail, "en") == "name: Call soon → Call now · active: yes → no"
    assert detail_text(detail, "zh") == "名称: Call soon → Call now · 启用: 是 → 否"


def test_a_new_or_removed_object_and_a_scalar_change() -> None:
    assert detail_text({"after": {"title": "VIP"}}, "en") == "title: → VIP"
    assert detail_text({"before": {"title": "VIP"}}, "en") == "title: VIP →"
    assert detail_text({"month": "2026-11-01", "before": 1200, "after": 1500.5}, "en") == (
        "1,200 → 1,500.5 · month: Nov 1, 2026")
    assert detail_text({"month": "2026-11-01", "before": None, "after": 1500}, "zh") == (
        "– → 1,500 · 月份: 2026年11月1日")


def test_other_facts_lists_and_unknown_keys() -> None:
    refused = list(range(1, MAX_ITEMS + 3))
    assert detail_text({"rows": 12_000, "refused": refused, "odd_key": "x"}, "en") == (
        "rows: 12,000 · refused: [1, 2, 3, 4, 5, …] · odd_key: x")
    assert detail_text({}, "en") == "" and detail_text(None, "en") == ""
    assert len(detail_text({"reason": "x" * 5000}, "en")) == 2000


def test_moments_in_the_readers_language() -> None:
    moment = dt.datetime(2026, 11, 22, 9, 4, 5)
    assert moment_text(moment, "en") == "Nov 22, 2026 09:04:05"
    assert moment_text(moment, "zh") == "2026年11月22日 09:04:05"
    assert moment_text("2026-11-22 09:04:05", "zh") == "2026年11月22日 09:04:05"
    assert detail_text({"before": {"for_days": 30}, "after": {"for_days": 7}}, "zh") == (
        "持续天数: 30 → 7")


def test_run_summaries_name_tables_in_words_and_leave_timings_out() -> None:
    detail = {"rows": {"products": 800, "order_lines": 12}, "seconds": {"abc": 1.25},
              "opened": 3}
    assert detail_text(detail, "en") == "rows: products: 800, order lines: 12 · " \
        "memberships opened: 3"
    assert detail_text(detail, "zh") == "行数: 商品: 800, 订单行: 12 · 分组进入: 3"


def test_a_sending_pass_and_a_sign_in_in_words() -> None:
    sending = {"expired": 0, "reserved": 3, "sent": 3, "unknown": 0}
    assert detail_text(sending, "en") == ("expired: 0 · reserved: 3 · sent: 3 · "
                                          "outcome unknown: 0")
    assert detail_text(sending, "zh") == "已过期: 0 · 已领取待发: 3 · 已发送: 3 · 结果未知: 0"
    assert detail_text({"reason": "ok"}, "zh") == "原因: 成功"
    assert detail_text({"reason": "ok"}, "en") == "reason: succeeded"


def test_every_figure_of_a_recompute_has_words() -> None:
    from dashboard.services.recompute import RecomputeResult
    from layouts.audit_detail import HIDDEN, KEYS

    summary = RecomputeResult(as_of=dt.date(2026, 11, 30)).summary()
    assert set(summary) - set(KEYS) - HIDDEN == set()
    assert "新建跟进任务: 3" in detail_text({"followups": 3}, "zh")


def test_refusal_reasons_read_in_the_readers_language() -> None:
    assert detail_text({"reason": "role rep not in owner"}, "en") == (
        "reason: role sales rep may not do this (allowed: owner)")
    assert detail_text({"reason": "role rep not in owner/manager"}, "zh") == (
        "原因: 角色 销售代表 无权执行此操作（允许：所有者/销售经理）")
    assert detail_text({"reason": "owner only"}, "zh") == "原因: 仅限所有者"
    assert detail_text({"reason": "2 of 5 outside scope team:3", "refused": [4, 9]}, "zh") == (
        "原因: 5 个中有 2 个超出该用户的范围（团队 3） · 已拒绝: [4, 9]")
    assert detail_text({"reason": "bad_password"}, "zh") == "原因: 密码错误"
    assert detail_text({"reason": "something new"}, "zh") == "原因: something new"


def _texts(node: ast.AST) -> list[str]:
    """The texts an expression can give, a formatted part filled with a sample value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _texts(node.body) + _texts(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _texts(node.left) for b in _texts(node.right)]
    if isinstance(node, ast.Name) and node.id == "kind":
        return ["rule", "scheme"]
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
                continue
            source = ast.unparse(part.value)
            text += ("team:1" if "scope_key" in source else "rep" if "role" in source
                     else "owner" if "roles" in source else "rule" if source == "kind"
                     else "3")
        return [text]
    return []


def test_every_reason_the_services_store_has_words() -> None:
    """Each reason a refusal or a sign-in stores in the audit log is known to the audit
    page (read from the calls that write the log)."""
    from layouts.audit_detail import REASON_PATTERNS, REASONS

    root = pathlib.Path(__file__).resolve().parents[2] / "dashboard"
    found = {"bad_password", "unknown_user", "disabled", "throttled", "checking"}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in ("deny", "insert_audit", "audit_after"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "reason":
                    found.update(_texts(keyword.value))
                if keyword.arg == "detail" and isinstance(keyword.value, ast.Dict):
                    for key, value in zip(keyword.value.keys, keyword.value.values,
                                          strict=True):
                        if isinstance(key, ast.Constant) and key.value == "reason":
                            found.update(_texts(value))
    unknown = {text for text in found if text not in REASONS
               and not any(p.fullmatch(text) for p, _words in REASON_PATTERNS)}
    assert len(found) > 20
    assert unknown == set()


def test_an_empty_list_says_nothing() -> None:
    assert detail_text({"rows": {"orders": 3}, "ignored": []}, "en") == "rows: orders: 3"
    assert detail_text({"ignored": ["x"]}, "en") == "ignored fields: [x]"
