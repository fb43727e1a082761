"""Modelling: validating and deploying diagrams, drafts, comparisons, instance moves and trials."""
