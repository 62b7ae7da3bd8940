"""Agencies and procedures: data files, loading and look-ups."""
