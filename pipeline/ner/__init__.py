"""Statistical NER (ORG/PER/LOC) behind a spaCy interface.

Importing this package registers the `bilstm_crf_ner` spaCy factory (spaCy only, no torch), so
`spacy.load("models/zh_msra_ner")` works after `import pipeline.ner`.
"""

from pipeline.ner import component as _component  # noqa: F401  (registers the factory)

__all__ = ["load_ner_pipeline"]


def __getattr__(name: str):
    if name == "load_ner_pipeline":
        from pipeline.ner.loading import load_ner_pipeline

        return load_ner_pipeline
    raise AttributeError(name)
