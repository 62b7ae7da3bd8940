"""Routing: predict the responsible agency's sector and the report's category from its text."""
