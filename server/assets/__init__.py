"""Assets capability."""
