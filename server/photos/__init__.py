"""Photos capability."""
