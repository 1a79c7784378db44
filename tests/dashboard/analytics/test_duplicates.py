"""Candidate duplicate customers: normalisation, hand-built pairs found and not found, the
score, decided pairs left out, blocking on a large table."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.duplicates import (
    PAIR_COLUMNS,
    candidate_pairs,
    normalise_email,
    normalise_name,
    normalise_phone,
    shared_contacts,
)


@pytest.mark.parametrize(("given", "expected"), [
    ("杭州恒达五金贸易有限公司", "杭州恒达五金贸易"),
    ("杭州恒达五金股份有限公司", "杭州恒达五金"),
    ("杭州恒达五金有限责任公司", "杭州恒达五金"),
    ("宁波鑫隆商行", "宁波鑫隆"),
    ("宁波鑫隆店", "宁波鑫隆"),
    ("Hangzhou Sunrise Tools Trading Co., Ltd.", "hangzhou sunrise tools trading"),
    ("ACME GmbH", "acme"),
    ("Acme, Inc.", "acme"),
    ("Acme LLC", "acme"),
    ("ＡＢＣ　Ｔｏｏｌｓ", "abc tools"),  # full-width letters and space
    ("  Blue-Ocean   Supply ", "blue ocean supply"),
    ("", ""),
    (None, ""),
])
def test_normalise_name(given: object, expected: str) -> None:
    assert normalise_name(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("+86 138-0013-8000", "13800138000"), ("0086 13800138000", "13800138000"),
    ("8613800138000", "13800138000"), ("(0571) 8888 1234", "057188881234"),
    ("１３８００１３８０００", "13800138000"), ("12-34", ""), (None, ""),
])
def test_normalise_phone(given: object, expected: str) -> None:
    assert normalise_phone(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("  Sales@Hengda.Example ", "sales@hengda.example"), ("no-at-sign", ""), ("@x", ""),
    (None, ""),
])
def test_normalise_email(given: object, expected: str) -> None:
    assert normalise_email(given) == expected


def frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "name", "phone", "email"])


HAND_BUILT = frame([
    (1, "杭州恒达五金贸易有限公司", None, None),
    (2, "杭州恒达五金贸易", None, None),                       # legal form dropped: name only
    (3, "Sunrise Tools Co., Ltd.", "+86 138 0013 8000", None),
    (4, "Sunrise Tool Store", "13800138000", None),          # same phone, other spelling
    (5, "Orient Lighting", None, "Orders@Orient.example"),
    (6, "东方照明", None, " orders@orient.example "),          # same e-mail, other script
    (7, "北京宏发建材商行", "10011112222", "a@b.example"),       # unrelated
    (8, "Harbor Plumbing Supply", "10033334444", "c@d.example"),  # unrelated
])


def test_hand_built_pairs_are_found_with_their_evidence() -> None:
    pairs = candidate_pairs(HAND_BUILT).set_index(["customer_a", "customer_b"])
    assert set(pairs.index) == {(1, 2), (3, 4), (5, 6)}
    assert pairs.loc[(1, 2), "name_score"] == 100
    assert not pairs.loc[(1, 2), "same_phone"] and not pairs.loc[(1, 2), "same_email"]
    assert pairs.loc[(1, 2), "score"] == 90.0  # names alike only: 0.9
    assert pairs.loc[(3, 4), "same_phone"] and not pairs.loc[(3, 4), "same_email"]
    assert pairs.loc[(5, 6), "same_email"] and pairs.loc[(5, 6), "name_score"] == 0
    assert pairs.loc[(5, 6), "score"] == 70.0  # e-mail only: 0.7
    # the name part of the score follows the name similarity: max(0, (ratio - 70) / 30) * 0.9
    name = pairs.loc[(3, 4), "name_score"]
    expected_name = max(0.0, (name - 70) / 30) * 0.9
    assert pairs.loc[(3, 4), "score"] == pytest.approx(
        round((1 - (1 - expected_name) * 0.2) * 100, 1))


def test_phone_and_email_and_name_together_score_highest() -> None:
    pairs = candidate_pairs(frame([
        (10, "Apex Hardware Co., Ltd.", "10012345678", "x@apex.example"),
        (11, "APEX HARDWARE", "+86 100 1234 5678", "X@apex.example"),
        (12, "Apex Hardware Branch", None, None),
    ]))
    top = pairs.iloc[0]
    assert (top["customer_a"], top["customer_b"]) == (10, 11)
    # 1 - (1 - 0.9)(1 - 0.8)(1 - 0.7) = 0.994
    assert top["score"] == 99.4


def test_different_customers_are_not_paired() -> None:
    pairs = candidate_pairs(frame([
        (1, "杭州恒达五金商行", "10011110000", None),
        (2, "广州海天照明有限公司", "10022220000", None),
        (3, "Evergreen Coatings Co., Ltd.", None, "a@evergreen.example"),
        (4, "Pacific Fasteners Ltd.", None, "b@pacific.example"),
        (5, "", None, None), (6, "", None, None),  # no names, no contacts: no evidence
    ]))
    assert pairs.empty


def test_decided_pairs_stay_out_in_either_order() -> None:
    pairs = candidate_pairs(HAND_BUILT, decided=[(2, 1), (5, 6)])
    assert set(zip(pairs["customer_a"], pairs["customer_b"], strict=True)) == {(3, 4)}


def test_shared_contacts_for_campaign_previews() -> None:
    shared = shared_contacts(HAND_BUILT)
    assert set(zip(shared["customer_a"], shared["customer_b"], strict=True)) == {(3, 4), (5, 6)}


def test_blocking_scales_to_many_customers() -> None:
    rng = np.random.default_rng(7)
    n = 50_000
    words = np.array(["Apex", "Summit", "Orient", "Harbor", "Crown", "Unity", "Pioneer"])
    names = pd.Series(words[rng.integers(0, len(words), n)]) + " " + pd.Series(
        rng.integers(0, 10**9, n)).astype(str) + " Trading Co., Ltd."
    customers = pd.DataFrame({"id": np.arange(1, n + 1), "name": names,
                              "phone": pd.Series(rng.integers(10**9, 10**10, n)).astype(str),
                              "email": None})
    customers.loc[n - 1, "name"] = customers.loc[0, "name"].upper().replace("CO., LTD.", "")
    started = time.perf_counter()
    pairs = candidate_pairs(customers)
    assert time.perf_counter() - started < 30
    assert (1, n) in set(zip(pairs["customer_a"], pairs["customer_b"], strict=True))


def test_every_pair_decided_leaves_an_empty_table_with_its_columns() -> None:
    pairs = candidate_pairs(HAND_BUILT, decided=[(1, 2), (3, 4), (5, 6)])
    assert pairs.empty and list(pairs.columns) == PAIR_COLUMNS
