"""Information extraction from noisy Chinese web documents: clean, convert, NER, events, JSONL.

The public Python API (:mod:`pipeline.api`) is re-exported here lazily, so ``import pipeline``
stays cheap for the command line and pandas is imported only when the API is first used.
"""

__version__ = "0.1.0"

__all__ = ["RunFormatError", "RunTables", "__version__", "load_run", "load_run_dataset", "process_texts", "run"]
_API_NAMES = frozenset(__all__) - {"__version__"}


def __getattr__(name: str):
    if name in _API_NAMES:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API_NAMES})
