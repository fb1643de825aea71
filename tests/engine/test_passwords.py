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
