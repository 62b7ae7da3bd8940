"""Staff pages of the scores: compute and publish, agency review, flag decisions."""
