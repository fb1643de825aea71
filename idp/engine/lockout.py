"""Smart lockout as B2C describes it (b2c-reference §7.1, ``threat-management.md``).

* ``threshold`` failed sign-ins (10) lock the account for ``duration`` seconds (60);
* each failure after an automatic unlock locks it again at once;
* the first 10 lock periods last ``duration``, then each 10 more double it, up to 5 hours;
* the same wrong password entered again counts once;
* a successful sign-in while unlocked, or a password reset, clears it all.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

MAX_LOCK_SECONDS = 5 * 3600


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int = 10
    duration: int = 60


@dataclass(frozen=True)
class LockoutState:
    failures: int = 0
    locked_until: float | None = None
    periods: int = 0
    last_failed: str | None = None   # fingerprint of the last wrong password

    def is_locked(self, now: float) -> bool:
        return self.locked_until is not None and now < self.locked_until


def lock_seconds(period: int, policy: LockoutPolicy) -> int:
    """How long lock period number ``period`` (1-based) lasts."""
    return min(policy.duration * 2 ** ((period - 1) // 10), MAX_LOCK_SECONDS)


def after_failure(state: LockoutState, fingerprint: str, now: float,
                  policy: LockoutPolicy) -> LockoutState:
    """The state after a wrong password whose fingerprint is ``fingerprint``."""
    if state.is_locked(now) or fingerprint == state.last_failed:
        return state
    failures = state.failures + 1
    if state.periods > 0 or failures >= policy.threshold:
        period = state.periods + 1
        return LockoutState(failures, now + lock_seconds(period, policy), period, fingerprint)
    return replace(state, failures=failures, last_failed=fingerprint)


def after_success() -> LockoutState:
    return LockoutState()


def replay(attempts, policy: LockoutPolicy) -> LockoutState:
    """The state after ``attempts``, ``(time, succeeded)`` pairs oldest first, each failure
    counted (for accounts whose wrong passwords are not fingerprinted: the portal's admins)."""
    state = LockoutState()
    for number, (at, succeeded) in enumerate(attempts):
        state = after_success() if succeeded else after_failure(state, f"#{number}", at, policy)
    return state
