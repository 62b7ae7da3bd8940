"""Public scores: rankings, methodology, agency pages, exports and the semi-annual report."""
