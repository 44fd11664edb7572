"""Tracking codes (受理编号).

A code is 8 random symbols plus one check symbol from Crockford's base32
alphabet, shown in groups of three: ``K7M-3PQ-XC4``.  Crockford's alphabet
has no I, L, O or U, so what a citizen reads aloud or copies from a note is
unambiguous; on input we map the look-alikes back (I/L -> 1, O -> 0) and
ignore case, spaces and dashes.  The check symbol (Luhn mod 32) catches every
single mistyped symbol and almost every swap of two neighbours, so a typo is
reported instead of pointing at someone else's case.  40 random bits make
codes impractical to guess.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
RANDOM_LENGTH = 8
LENGTH = RANDOM_LENGTH + 1


class CodeError(ValueError):
    """A code that cannot be right; ``message`` is for the citizen (Chinese)."""

    def __init__(self, message, reason):
        super().__init__(message)
        self.message = message
        self.reason = reason  # "empty" | "length" | "symbol" | "check"


def check_symbol(body):
    """Luhn mod N over the symbols of ``body``."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for ch in reversed(body):
        addend = factor * _INDEX[ch]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def format_code(raw):
    """Group a bare 9-symbol code as XXX-XXX-XXX."""
    return "-".join(raw[i:i + 3] for i in range(0, len(raw), 3))


def new_code():
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_code(body + check_symbol(body))


def normalize(text):
    """Return the canonical form of a typed code, or raise CodeError."""
    raw = "".join(str(text or "").split()).replace("-", "").replace("－", "")
    raw = raw.upper().translate(_LOOKALIKES)
    if not raw:
        raise CodeError("请输入受理编号。", "empty")
    if len(raw) != LENGTH:
        raise CodeError(
            f"受理编号应为{LENGTH}位字母或数字（如 K7M-3PQ-XC4），您输入了{len(raw)}位。",
            "length")
    bad = sorted({ch for ch in raw if ch not in _INDEX})
    if bad:
        raise CodeError(f"受理编号中不应出现字符：{'、'.join(bad)}。", "symbol")
    if check_symbol(raw[:-1]) != raw[-1]:
        raise CodeError("受理编号校验不符，可能有字符输错或顺序颠倒，请核对后重新输入。", "check")
    return format_code(raw)


def is_valid(text):
    try:
        return normalize(text) == text
    except CodeError:
        return False
