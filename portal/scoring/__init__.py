"""DDCI-style agency scores (DESIGN §7): periods, the versioned method, settings, computation."""
