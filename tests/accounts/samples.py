"""Identity numbers for tests: known-valid samples and the ways real input goes wrong."""

from accounts.identifiers import id_check_digit, uscc_check_character

# The sample from GB 11643 teaching material, and others built with the check digit.
VALID_IDS = [
    "11010519491231002X",
    "440306199003071232",
    "310115198501014566",
    "110105200002290013",  # 29 February 2000: a leap day
]
# Organisations: a commonly published example, and codes built with the check character.
VALID_USCCS = ["91350100M000100Y43", "91110000100000000R", "91440300MA5DC12341", "52100000500017867P"]


def resident_id(body17: str) -> str:
    return body17 + id_check_digit(body17)


def uscc(body17: str) -> str:
    return body17 + uscc_check_character(body17)


def with_wrong_last(number: str, alphabet: str) -> str:
    last = number[-1]
    return number[:-1] + next(char for char in alphabet if char != last)
