"""PKCE verification at the token endpoint (RFC 7636 §4.6, RFC 9700 §2.1.1)."""
from __future__ import annotations

import hmac

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from .authorize import PKCE_RE
from .errors import B2CError


def verify_code_verifier(verifier: str | None, challenge: str | None,
                         method: str | None) -> None:
    """Check ``verifier`` against the challenge stored with the code.

    A verifier without a challenge is refused: accepting it would let an attacker who stole a
    code issued without PKCE pass as a PKCE client (the downgrade RFC 9700 §2.1.1 warns of).

    :raise B2CError: AADB2C90183 (malformed or unexpected verifier), AADB2C90182 (mismatch),
        AADB2C90083 (verifier missing when the code was issued with a challenge).
    """
    if challenge is None:
        if verifier is not None:
            raise B2CError(None, error="invalid_grant", message=(
                "A code_verifier was sent, but the authorization request had no "
                "code_challenge: send both or neither."))
        return
    if verifier is None:
        raise B2CError("AADB2C90083", "code_verifier", error="invalid_grant")
    if not PKCE_RE.match(verifier):
        raise B2CError("AADB2C90183", error="invalid_grant")
    expected = create_s256_code_challenge(verifier) if method == "S256" else verifier
    if not hmac.compare_digest(expected, challenge):
        raise B2CError("AADB2C90182", error="invalid_grant")
