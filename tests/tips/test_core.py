"""Tip codes, the sliding-window limiter and the offline spam checks."""
from __future__ import annotations

import math

import pytest

from vigil.tips.core import codes, spam
from vigil.tips.core.limits import Limited, SlidingWindow, client_key


def test_codes_carry_80_bits_in_a_readable_alphabet():
    made = {codes.new_code() for _ in range(2000)}
    assert len(made) == 2000
    code = made.pop()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert set("".join(groups)) <= set(codes.ALPHABET) and not set("ILOU") & set(code)
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 80


def test_typed_codes_are_normalised():
    code = "AB12-CD34-EF56-GH78"
    assert codes.normalise("ab12 cd34 ef56 gh78") == code
    assert codes.normalise("AB12CD34EF56GH78") == code
    assert codes.normalise("0I-L") is None
    assert codes.normalise("OB12-CD34-EF56-GHI8") == "0B12-CD34-EF56-GH18"
    assert codes.normalise("AB12-CD34-EF56-GH7U") is None  # U is not in the alphabet
    assert codes.code_hash(code) != codes.code_hash(codes.new_code())


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_sliding_window_per_client_with_retry_after():
    clock = FakeClock()
    window = SlidingWindow(20, 60, 1000, clock=clock)
    for i in range(20):
        clock.t += 1
        window.hit("a")
    with pytest.raises(Limited) as exc:
        window.hit("a")
    assert exc.value.scope == "client" and exc.value.retry_after == 41  # the first hit leaves the window then
    window.hit("b")  # another client is not affected
    clock.t += 41
    window.hit("a")  # the oldest hit slid out


def test_global_limit_and_forget():
    clock = FakeClock()
    window = SlidingWindow(5, 60, 8, clock=clock)
    for key in "abcdefgh":
        window.hit(key)
    with pytest.raises(Limited) as exc:
        window.hit("z")
    assert exc.value.scope == "global"
    window.forget("h")
    window.hit("z")


def test_client_keys_are_dropped_when_their_window_empties():
    clock = FakeClock()
    window = SlidingWindow(5, 60, 100, clock=clock)
    window.hit(client_key("198.51.100.7"))
    assert window.tracked_clients() == 1
    clock.t += 61
    assert window.tracked_clients() == 0
    assert "198.51.100.7" not in client_key("198.51.100.7") and len(client_key("x")) == 32


def test_form_token_minimum_fill_time_and_signature():
    token = spam.form_token("secret", now=1000.0)
    with pytest.raises(spam.Spam, match="too quickly"):
        spam.check_form_token("secret", token, now=1001.0)
    spam.check_form_token("secret", token, now=1010.0)
    with pytest.raises(spam.Spam, match="expired"):
        spam.check_form_token("another secret", token, now=1010.0)
    with pytest.raises(spam.Spam, match="expired"):
        spam.check_form_token("secret", "", now=1010.0)


def test_content_checks_refuse_link_spam():
    with pytest.raises(spam.Spam, match="links"):
        spam.check_content("see http://a.example http://b.example https://c.example www.d.example")


@pytest.mark.parametrize("text,reason", [
    ("buy now " * 20, "same words"),
    ("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "same characters"),
])
def test_repetitive_texts_are_flagged_not_refused(text, reason):
    spam.check_content(text)
    assert reason in spam.suspicion(text)


def test_content_checks_accept_an_ordinary_report():
    assert spam.suspicion("Two men broke the window of the bakery and ran towards the river at about ten.") == ""
    spam.check_content("A man in a red jacket took a bicycle from the rack at the station at 21:30; see "
                       "https://example.org/photo for the place.")
