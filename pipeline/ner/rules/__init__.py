"""Rule-based entities: DATE and QUANTITY with normalised values, and ORG rules for public bodies.

Importing this package registers the spaCy factory ``zh_entity_rules``. The rules live in
configs/entities.yaml; see docs/ner-rules.md.
"""

from .components import EntityRuleComponent
from .config import EntityRules, EntityRulesError, load_entity_rules
from .dates import DateContext, normalise_date
from .numbers import parse_number
from .quantities import normalise_quantity
from .sentences import split_sentences

__all__ = [
    "DateContext",
    "EntityRuleComponent",
    "EntityRules",
    "EntityRulesError",
    "load_entity_rules",
    "normalise_date",
    "normalise_quantity",
    "parse_number",
    "split_sentences",
]
