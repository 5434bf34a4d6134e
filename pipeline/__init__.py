"""Information extraction from noisy Chinese web documents: clean, convert, NER, events, JSONL."""

__version__ = "0.1.0"
