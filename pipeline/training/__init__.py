"""Training entry points (heavy imports happen inside the functions)."""
