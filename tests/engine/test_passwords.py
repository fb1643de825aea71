"""Password complexity exactly as b2c-reference §5.2."""
import pytest

from idp.engine.passwords import Complexity, complexity_error

STRONG = Complexity.from_setting("Strong")


@pytest.mark.parametrize("password,ok", [
    ("Passw0rd", True), ("passw0rd!", True), ("PASSWORD1!", True), ("Password", False),
    ("pass!", False), ("Aa1!" * 16, True), ("Aa1!" * 16 + "x", False),
])
def test_strong_is_8_to_64_with_3_of_4_classes(password, ok):
    assert (complexity_error(password, STRONG) is None) is ok


def test_simple_is_length_only():
    simple = Complexity.from_setting("Simple")
    assert complexity_error("aaaaaaaa", simple) is None
    assert complexity_error("aaaaaaa", simple)


def test_custom_numbers_only():
    pin = Complexity.from_setting({"character_set": "Numbers only", "min_length": 4,
                                   "max_length": 6})
    assert complexity_error("1234", pin) is None
    assert complexity_error("12a4", pin) == "The password must be a number of 4 to 6 digits."
    assert complexity_error("1234567", pin)


def test_custom_four_of_four():
    rule = Complexity.from_setting({"min_length": 4, "max_length": 256, "classes_required": 4})
    assert complexity_error("aA1!", rule) is None
    assert complexity_error("aA1a", rule)


def test_over_72_bytes_is_refused_with_a_clear_message():
    message = complexity_error("Aa1!" + "é" * 40, STRONG)  # 44 characters, 84 bytes
    assert message.startswith("The password is too long: it must be at most 72 bytes")


# --- smart lockout (b2c-reference §7.1) ------------------------------------------------------
from idp.engine.lockout import (LockoutPolicy, LockoutState, after_failure, after_success,
                                lock_seconds)

POLICY = LockoutPolicy(threshold=10, duration=60)


def fail(state, n, now=0.0, prefix="wrong"):
    for i in range(n):
        state = after_failure(state, f"{prefix}{i}", now, POLICY)
    return state


def test_ten_different_wrong_passwords_lock_for_a_minute():
    state = fail(LockoutState(), 9)
    assert not state.is_locked(0)
    state = after_failure(state, "tenth", 0, POLICY)
    assert state.is_locked(59) and not state.is_locked(60)


def test_the_same_wrong_password_counts_once():
    state = LockoutState()
    for _ in range(20):
        state = after_failure(state, "same", 0, POLICY)
    assert state.failures == 1 and not state.is_locked(0)


def test_a_failure_after_auto_unlock_locks_again_at_once():
    state = fail(LockoutState(), 10)
    state = after_failure(state, "again", 61, POLICY)
    assert state.is_locked(61) and state.periods == 2


def test_periods_grow_every_ten_and_cap_at_five_hours():
    assert lock_seconds(10, POLICY) == 60 and lock_seconds(11, POLICY) == 120
    assert lock_seconds(21, POLICY) == 240 and lock_seconds(500, POLICY) == 5 * 3600


def test_failures_while_locked_do_not_extend_the_lock():
    state = fail(LockoutState(), 10)
    assert after_failure(state, "during", 30, POLICY) == state


def test_success_clears_everything():
    assert after_success() == LockoutState()
