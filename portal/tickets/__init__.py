"""Report intake, workflow, tracking codes, attachments and history (domain services)."""
