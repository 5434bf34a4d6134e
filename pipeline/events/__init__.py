"""Rule-based event slot filling driven by ``configs/events.yaml`` (see docs/events.md)."""

from .extractor import EventExtractor
from .rules import EventRules, EventRulesError, load_rules

__all__ = ["EventExtractor", "EventRules", "EventRulesError", "load_rules"]
