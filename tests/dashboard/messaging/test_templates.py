"""Message templates: only the five placeholders are replaced, unknown ones are refused."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.errors import ValidationError
from dashboard.messaging.templates import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    checked_template,
    render_messages,
    template_problems,
)


def _values(**columns) -> pd.DataFrame:  # noqa: ANN003
    base = {"name": ["Ann"], "tier": ["A"], "code": ["SPRING-1"], "expiry": ["1 Dec 2026"],
            "value": ["CN¥50 off your next order"]}
    base.update(columns)
    return pd.DataFrame(base)


def test_default_templates_render_exactly() -> None:
    values = _values()
    assert render_messages(DEFAULT_TEMPLATES["en"], values).tolist() == [
        "Dear Ann, thank you for your business! Enjoy CN¥50 off your next order with code "
        "SPRING-1, valid until 1 Dec 2026."]
    zh = values.assign(name="王老板", expiry="2026年12月1日", value="订货满¥500立减¥50")
    assert render_messages(DEFAULT_TEMPLATES["zh"], zh).tolist() == [
        "尊敬的王老板:感谢您的支持!凭优惠码SPRING-1订货满¥500立减¥50,有效期至2026年12月1日。"]


def test_every_placeholder_and_literal_braces() -> None:
    template = "{name}/{tier}/{code}/{expiry}/{value} {{code}} {name.__class__} {} {x"
    out = render_messages(template, _values()).iloc[0]
    assert out == ("Ann/A/SPRING-1/1 Dec 2026/CN¥50 off your next order {SPRING-1} "
                   "{name.__class__} {} {x")


def test_values_are_inserted_once_never_re_expanded() -> None:
    out = render_messages("{name}: {code}", _values(name=["{code} \x1b[31mred\x00"]))
    assert out.iloc[0] == "{code} [31mred: SPRING-1"


def test_problems_are_named() -> None:
    assert template_problems("Hi {nmae}, code {code} {foo}") == [
        "Unknown placeholder {foo}, {nmae}; use {name}, {tier}, {code}, {expiry}, {value}."]
    assert any("{code}" in p for p in template_problems("Hello {name}"))
    assert template_problems("   ") == ["The message is empty."]
    assert any("longer" in p for p in template_problems("{code}" + "x" * 2000))


def test_empty_template_means_the_language_default() -> None:
    assert checked_template("", "zh") == DEFAULT_TEMPLATES["zh"]
    assert checked_template(None, "en") == DEFAULT_TEMPLATES["en"]
    with pytest.raises(ValidationError) as err:
        checked_template("no code here", "en")
    assert err.value.details


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.one_of(_text.filter(lambda t: "{" not in t),
                                 st.sampled_from(PLACEHOLDERS)), max_size=8),
       values=st.fixed_dictionaries({p: _text for p in PLACEHOLDERS}))
def test_rendering_equals_piecewise_substitution(pieces: list[str],
                                                 values: dict[str, str]) -> None:
    template = "".join("{" + p + "}" if p in PLACEHOLDERS else p for p in pieces)
    expected = "".join(values[p] if p in PLACEHOLDERS else p for p in pieces)
    frame = pd.DataFrame({k: [v] for k, v in values.items()})
    assert render_messages(template, frame).iloc[0] == expected
