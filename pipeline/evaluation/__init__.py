"""Evaluation of pipeline stages against gold data."""
