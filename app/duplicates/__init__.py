"""Cross-agency duplicate talents: candidate pairs, groups, merges with provenance, undo."""
