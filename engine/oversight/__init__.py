"""Oversight: compliance tracing, deadline dashboards, evidence packs, exports, annual evaluations."""
