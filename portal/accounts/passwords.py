"""Password rules for staff accounts (demo accounts, accepted only in demo mode, are exempt)."""
from __future__ import annotations

from portal.i18n import _l

MIN_LENGTH = 12
# Long passwords people still choose (breach lists, keyboard walks, Vietnamese favourites).
# Compared lower-case and with spaces removed.
COMMON = frozenset({
    "123456789012", "1234567890123", "12345678901234", "123456789abc", "1234567890qwerty",
    "abc123456789", "abcdefghijkl", "qwertyuiop12", "qwertyuiop123", "qwertyuiopas",
    "qwerty123456", "1qaz2wsx3edc", "1q2w3e4r5t6y", "zaq12wsxcde3", "asdfghjkl123",
    "password1234", "password12345", "passw0rd1234", "p@ssw0rd1234", "p@ssword1234",
    "administrator", "administrator1", "admin1234567", "adminadmin123", "welcome12345",
    "iloveyou1234", "letmein12345", "changeme1234", "trustno1trustno1", "football1234",
    "matkhau12345", "matkhau123456", "matkhaumoi123", "anhyeuem1234", "emyeuanh1234",
    "vietnam12345", "vietnam123456", "hanoi1234567", "saigon123456", "thaibinh1234",
    "thaibinh12345", "hungyen12345", "123456aA@123", "aa123456789a", "111111111111",
    "000000000000", "123123123123", "abcabcabcabc", "aaaaaaaaaaaa", "portal123456",
})


def problems(password: str, username: str) -> list:
    """What is wrong with ``password`` for ``username``; empty when it is acceptable."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(_l("The password must be at least %(n)d characters.", n=MIN_LENGTH))
    folded = "".join(password.lower().split())
    name = username.strip().lower()
    if name and (name in folded or folded in name):
        found.append(_l("The password must not contain the username."))
    if folded in COMMON or len(set(folded)) <= 2:
        found.append(_l("This password is too common; choose another."))
    return found
