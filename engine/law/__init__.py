"""Law and calendar: the legal rules, Belgian legal time, eligibility across procedures, the catalogue (pure)."""
