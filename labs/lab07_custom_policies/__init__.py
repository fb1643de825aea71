"""Lab 07: custom policies (the starter pack's LocalAccounts files prepared and uploaded, run,
its token compared with a user flow's, a claims transformation and a REST validation step
added)."""
