"""The legal clock: Vietnamese working days and deadlines (pure functions)."""
