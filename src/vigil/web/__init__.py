"""App assembly, layout, shared templates, request plumbing."""
