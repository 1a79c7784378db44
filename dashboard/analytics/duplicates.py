"""Duplicate customer records (SPEC "Duplicate customers"): candidate pairs and their score.

Evidence per pair:

- the names, normalised (:func:`normalise_name`: full-width folded, case and punctuation
  dropped, legal forms such as 有限公司 / 商行 / Co., Ltd. removed) and compared with
  rapidfuzz's ``ratio`` (0-100);
- the same phone (:func:`normalise_phone`: digits only, the +86 / 0086 prefix dropped);
- the same e-mail (:func:`normalise_email`: trimmed, lowercased).

The customer table has no address, so there is no address evidence.

Blocking keeps the work linear in the number of customers: pairs are only compared inside
blocks of one phone, one e-mail, one normalised name, one name token (blocks larger than
:data:`MAX_BLOCK` are skipped) and a window of :data:`WINDOW` neighbours in the names'
sorted order (and in the order of the reversed names). The score is a noisy-or of the
evidence: name ``max(0, (ratio - 70) / 30) * 0.9``, phone 0.8, e-mail 0.7; in percent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cdist, cpdist

NAME_MIN = 88  # a pair on names alone needs at least this similarity
MAX_BLOCK = 300  # larger blocks (a token everyone has) are not compared on names
MAX_CONTACT_GROUP = 25  # more records than this on one phone / e-mail: a shared contact
WINDOW = 6
WEIGHTS = {"phone": 0.8, "email": 0.7, "name": 0.9}
PAIR_COLUMNS = ["customer_a", "customer_b", "score", "name_score", "same_phone",
                "same_email"]

# longest first, so that 股份有限公司 goes before 有限公司 and 公司
LEGAL_FORMS = sorted([
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "商行", "经营部", "门市部",
    "分公司", "店", "co", "company", "corp", "corporation", "ltd", "limited", "inc",
    "incorporated", "llc", "gmbh", "plc", "pte", "sa", "ag", "bv", "kg",
], key=len, reverse=True)
_LATIN_FORMS = [f for f in LEGAL_FORMS if f.isascii()]
_CJK_FORMS = [f for f in LEGAL_FORMS if not f.isascii()]
_LATIN_RE = re.compile(r"\b(?:" + "|".join(_LATIN_FORMS) + r")\b")
_CJK_RE = re.compile("(?:" + "|".join(_CJK_FORMS) + ")$")
_PUNCT_RE = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def normalise_name(name: object) -> str:
    """Name for comparison: NFKC (full-width letters and brackets folded), lowercase,
    punctuation dropped, legal forms removed (Latin ones anywhere as whole words, Chinese ones
    at the end, repeatedly: 贸易有限公司 keeps 贸易), spaces collapsed."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", text)).strip()
    text = _LATIN_RE.sub(" ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    previous = None
    while previous != text:
        previous = text
        text = _CJK_RE.sub("", text).strip()
    return text


def normalise_phone(phone: object) -> str:
    """Digits only, the country prefix (+86, 0086, 86 before an 11-digit number) dropped;
    empty when fewer than 6 digits remain (no real number)."""
    if not isinstance(phone, str):
        return ""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 6 else ""


def normalise_email(email: object) -> str:
    """Trimmed and lowercased; empty unless it looks like an address (has an ``@``)."""
    if not isinstance(email, str):
        return ""
    text = unicodedata.normalize("NFKC", email).strip().casefold()
    return text if "@" in text[1:-1] else ""


def prepare(customers: pd.DataFrame) -> pd.DataFrame:
    """``customers`` (id, name, phone, email) with the normalised keys, indexed 0..n-1."""
    return customers.reset_index(drop=True).assign(
        name_key=lambda d: d["name"].map(normalise_name),
        phone_key=lambda d: d["phone"].map(normalise_phone),
        email_key=lambda d: d["email"].map(normalise_email),
    ).assign(compact=lambda d: d["name_key"].str.replace(" ", "", regex=False))


def _pairs_in_groups(keys: pd.Series, limit: int) -> np.ndarray:
    """Row-position pairs (i < j) inside each group of equal non-empty ``keys`` of at most
    ``limit`` members."""
    frame = pd.DataFrame({"key": keys.to_numpy(), "pos": np.arange(len(keys))})
    frame = frame[frame["key"] != ""]
    sizes = frame.groupby("key")["pos"].transform("size")
    frame = frame[(sizes > 1) & (sizes <= limit)]
    if frame.empty:
        return np.empty((0, 2), dtype=np.int64)
    merged = frame.merge(frame, on="key", suffixes=("_a", "_b"))
    merged = merged[merged["pos_a"] < merged["pos_b"]]
    return merged[["pos_a", "pos_b"]].to_numpy(dtype=np.int64)


def _window_pairs(order: np.ndarray, window: int) -> np.ndarray:
    parts = [np.column_stack([order[:-k], order[k:]]) for k in range(1, window + 1)
             if len(order) > k]
    if not parts:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts)
    return np.sort(pairs, axis=1)


def _token_pairs(names: pd.Series) -> np.ndarray:
    """Pairs sharing a name token (Latin words of 3+ letters, or the first two and the
    last two characters of a Chinese name), compared in blocks with ``cdist``; only pairs at
    or above :data:`NAME_MIN` are kept."""
    tokens = names.str.split(" ").explode()
    tokens = tokens[tokens.str.len() >= 3]
    cjk = names[~names.str.contains(r"[a-z]", regex=True) & (names.str.len() >= 4)]
    keys = pd.concat([tokens, cjk.str[:2] + "…", "…" + cjk.str[-2:]])
    frame = pd.DataFrame({"key": keys.to_numpy(), "pos": keys.index.to_numpy()}
                         ).drop_duplicates()
    sizes = frame.groupby("key")["pos"].transform("size")
    frame = frame[(sizes > 1) & (sizes <= MAX_BLOCK)]
    found: list[np.ndarray] = []
    compact = names.str.replace(" ", "", regex=False).to_numpy(dtype=object)
    for _key, block in frame.groupby("key")["pos"]:  # one cdist per block, not per pair
        pos = block.to_numpy()
        scores = cdist(compact[pos], compact[pos], scorer=fuzz.ratio,
                       score_cutoff=NAME_MIN, dtype=np.uint8)
        a, b = np.nonzero(np.triu(scores, k=1))
        if len(a):
            found.append(np.column_stack([pos[a], pos[b]]))
    return np.sort(np.concatenate(found), axis=1) if found else np.empty((0, 2), np.int64)


def _candidate_positions(prepared: pd.DataFrame) -> np.ndarray:
    names = prepared["name_key"]
    by_name = names.to_numpy(dtype=object)
    reversed_names = names.str[::-1].to_numpy(dtype=object)
    present = np.flatnonzero(names.to_numpy(dtype=object) != "")
    blocks = [
        _pairs_in_groups(prepared["phone_key"], MAX_CONTACT_GROUP),
        _pairs_in_groups(prepared["email_key"], MAX_CONTACT_GROUP),
        _pairs_in_groups(prepared["compact"], MAX_BLOCK),
        _window_pairs(present[np.argsort(by_name[present], kind="stable")], WINDOW),
        _window_pairs(present[np.argsort(reversed_names[present], kind="stable")], WINDOW),
        _token_pairs(names),
    ]
    pairs = np.concatenate([b.astype(np.int64) for b in blocks])
    return np.unique(pairs, axis=0) if len(pairs) else pairs


def score_pairs(prepared: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The evidence and score of each pair of row positions (customer ids ordered a < b)."""
    a, b = positions[:, 0], positions[:, 1]
    left, right = prepared.iloc[a].reset_index(drop=True), prepared.iloc[b].reset_index(drop=True)
    both = (left["compact"] != "") & (right["compact"] != "")
    name_score = np.where(both, cpdist(left["compact"].to_list(), right["compact"].to_list(),
                                       scorer=fuzz.ratio, dtype=np.float64), 0.0)
    same_phone = (left["phone_key"] != "") & (left["phone_key"] == right["phone_key"])
    same_email = (left["email_key"] != "") & (left["email_key"] == right["email_key"])
    p_name = np.clip((name_score - 70) / 30, 0, 1) * WEIGHTS["name"]
    miss = ((1 - p_name) * np.where(same_phone, 1 - WEIGHTS["phone"], 1)
            * np.where(same_email, 1 - WEIGHTS["email"], 1))
    ids_a, ids_b = left["id"].to_numpy(), right["id"].to_numpy()
    return pd.DataFrame({
        "customer_a": np.minimum(ids_a, ids_b).astype("int64"),
        "customer_b": np.maximum(ids_a, ids_b).astype("int64"),
        "score": np.round((1 - miss) * 100, 1),
        "name_score": np.round(name_score, 1),
        "same_phone": same_phone.to_numpy(dtype=bool),
        "same_email": same_email.to_numpy(dtype=bool),
    })


def candidate_pairs(customers: pd.DataFrame,
                    decided: Iterable[tuple[int, int]] = ()) -> pd.DataFrame:
    """Candidate duplicate pairs of ``customers`` (columns id, name, phone, email), best
    first: names at least :data:`NAME_MIN` alike, or a shared phone or e-mail. Pairs in
    ``decided`` (already rejected or merged, in either order) are left out."""
    if len(customers) < 2:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    prepared = prepare(customers)
    positions = _candidate_positions(prepared)
    if not len(positions):
        return pd.DataFrame(columns=PAIR_COLUMNS)
    scored = score_pairs(prepared, positions)
    scored = scored[(scored["name_score"] >= NAME_MIN) | scored["same_phone"]
                    | scored["same_email"]]
    done = {(min(a, b), max(a, b)) for a, b in decided}
    if done:
        keys = pd.MultiIndex.from_arrays([scored["customer_a"], scored["customer_b"]])
        scored = scored[~keys.isin(list(done))]
    return (scored.drop_duplicates(["customer_a", "customer_b"])
            .sort_values(["score", "customer_a", "customer_b"], ascending=[False, True, True])
            .reset_index(drop=True))


def shared_contacts(customers: pd.DataFrame) -> pd.DataFrame:
    """Pairs of ``customers`` sharing a normalised phone or e-mail (for campaign previews):
    customer_a, customer_b, same_phone, same_email."""
    if len(customers) < 2:
        return pd.DataFrame(columns=["customer_a", "customer_b", "same_phone", "same_email"])
    prepared = prepare(customers)
    blocks = [_pairs_in_groups(prepared["phone_key"], len(prepared)),
              _pairs_in_groups(prepared["email_key"], len(prepared))]
    positions = np.unique(np.concatenate(blocks), axis=0)
    if not len(positions):
        return pd.DataFrame(columns=["customer_a", "customer_b", "same_phone", "same_email"])
    return score_pairs(prepared, positions)[["customer_a", "customer_b", "same_phone",
                                             "same_email"]]


def shared_addresses(recipients: pd.DataFrame) -> pd.DataFrame:
    """Pairs of campaign recipients (customer_id, code, name, address) whose addresses are
    the same once normalised (an e-mail when it has an ``@``, else a phone): each would get
    its own message and coupon. Columns code_a, name_a, code_b, name_b, address."""
    columns = ["code_a", "name_a", "code_b", "name_b", "address"]
    if len(recipients) < 2:
        return pd.DataFrame(columns=columns)
    address = recipients["address"].astype("string").fillna("")
    keys = address.map(normalise_email).where(address.str.contains("@", regex=False),
                                              address.map(normalise_phone))
    positions = _pairs_in_groups(keys.reset_index(drop=True), len(recipients))
    left = recipients.iloc[positions[:, 0]].reset_index(drop=True)
    right = recipients.iloc[positions[:, 1]].reset_index(drop=True)
    return pd.DataFrame({"code_a": left["code"], "name_a": left["name"],
                         "code_b": right["code"], "name_b": right["name"],
                         "address": left["address"]}, columns=columns)


__all__ = ["LEGAL_FORMS", "NAME_MIN", "PAIR_COLUMNS", "candidate_pairs", "normalise_email",
           "normalise_name", "normalise_phone", "prepare", "score_pairs", "shared_addresses",
           "shared_contacts"]
