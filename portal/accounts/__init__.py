"""Users, roles and the one place that decides who may see and do what."""
