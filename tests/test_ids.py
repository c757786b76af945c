"""NIP, REGON and KRS: valid and invalid examples, and check-digit laws."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.edit.ids import IdentifierError, check_krs, check_nip, check_regon


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("7740001454", "7740001454"),  # PKN Orlen
        ("5261040828", "5261040828"),  # GUS
        ("526-104-08-28", "5261040828"),
        ("PL 526 104 08 28", "5261040828"),
        ("pl5261040828", "5261040828"),
        ("1234563218", "1234563218"),
    ],
)
def test_valid_nip(raw: str, digits: str):
    assert check_nip(raw) == digits


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("7740001455", "check digit"),
        ("1234563219", "expected 8"),
        ("123456321", "9 digits"),
        ("12345632188", "11 digits"),
        ("12345a3218", "only digits"),
        ("１２３４５６３２１８", "only digits"),  # full-width digits are not ASCII
        ("", "empty"),
        ("1234567890", "10"),  # checksum gives 10: no such NIP
    ],
)
def test_invalid_nip(raw: str, words: str):
    with pytest.raises(IdentifierError) as info:
        check_nip(raw)
    assert words in info.value.message_en
    assert info.value.message_pl.startswith("NIP: ")


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("610188201", "610188201"),
        ("123456785", "123456785"),
        ("12345678512347", "12345678512347"),
        ("00033150100000", "00033150100000"),
        ("123-456-785", "123456785"),
    ],
)
def test_valid_regon(raw: str, digits: str):
    assert check_regon(raw) == digits


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("610188202", "position 9"),
        ("12345678512348", "position 14"),
        ("12345678612347", "position 9"),  # the 9-digit part of a long REGON is checked too
        ("1234567851", "10 digits"),
        ("12345678", "8 digits"),
        ("61018820X", "only digits"),
    ],
)
def test_invalid_regon(raw: str, words: str):
    with pytest.raises(IdentifierError) as info:
        check_regon(raw)
    assert words in info.value.message_en


@pytest.mark.parametrize(("raw", "digits"), [("0000028860", "0000028860"), ("28860", "0000028860"), ("KRS 0000028860", "0000028860")])
def test_valid_krs(raw: str, digits: str):
    assert check_krs(raw) == digits


@pytest.mark.parametrize(
    ("raw", "words"), [("00000288601", "at most 10"), ("0000000000", "zeros"), ("28a60", "only digits"), ("", "empty")]
)
def test_invalid_krs(raw: str, words: str):
    with pytest.raises(IdentifierError) as info:
        check_krs(raw)
    assert words in info.value.message_en


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nip_prefix_has_at_most_one_check_digit(prefix: str):
    valid = []
    for d in "0123456789":
        try:
            valid.append(check_nip(prefix + d))
        except IdentifierError:
            pass
    assert len(valid) <= 1


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.integers(0, 7), st.integers(1, 9))
def test_changing_one_regon_digit_is_caught(prefix: str, pos: int, delta: int):
    good = next(prefix + d for d in "0123456789" if _ok(prefix + d))
    bad = good[:pos] + str((int(good[pos]) + delta) % 10) + good[pos + 1 :]
    # weights 8 9 2 3 4 5 6 7 are all prime to 11, so one changed digit changes the sum mod 11;
    # only a change that moves the remainder between 0 and 10 can slip through
    if _ok(bad):
        assert {_weighted(good), _weighted(bad)} == {0, 10}


def _ok(regon: str) -> bool:
    try:
        check_regon(regon)
        return True
    except IdentifierError:
        return False


def _weighted(regon: str) -> int:
    return sum(int(c) * w for c, w in zip(regon, (8, 9, 2, 3, 4, 5, 6, 7))) % 11
