"""Demo data: stories of reports drawn from a seed, written in bulk or replayed through the
domain services (`flask portal demo`)."""
