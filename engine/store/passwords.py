"""How strong a password must be: zxcvbn's estimate of how hard it is to guess, and a length floor.

Decision (issue 14): a password an admin sets or a user chooses in the application needs at least
``MIN_LENGTH`` characters and a zxcvbn score of at least ``MIN_SCORE`` (of 4; 3 means "safely unguessable:
moderate protection from an offline attack"), counting the username and display name as words an attacker
knows. The demo password ``reintegra-demo`` passes this rule, so ``make run`` needs no exception. Accounts made
by ``Engine.create_user`` (the command line, the demo, scripts with no admin yet) keep the older rule of
``accounts.MIN_PASSWORD_LENGTH`` characters.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3
MAX_LENGTH = 200
"""Longer passwords are refused: argon2 would hash them, but zxcvbn's estimate grows with the length."""


def problems(password: str, *, known_words: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with ``password`` (English, for logs and the API; codes the pages translate), or nothing."""
    if len(password) < MIN_LENGTH:
        return [f"too_short: at least {MIN_LENGTH} characters"]
    if len(password) > MAX_LENGTH:
        return [f"too_long: at most {MAX_LENGTH} characters"]
    lowered = password.lower()
    if any(len(word) >= 3 and word.lower() in lowered for word in known_words):
        return ["too_personal: it contains the username or the name"]
    if zxcvbn(password, user_inputs=[w for w in known_words if w])["score"] < MIN_SCORE:
        return ["too_guessable: too easy to guess; use a few uncommon words"]
    return []
