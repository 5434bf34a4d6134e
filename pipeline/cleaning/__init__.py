"""Cleaning of flattened Chinese web text: rules from configs/cleaning.yaml, one module per concern."""

from .cleaner import Cleaner
from .rules import RuleError, RuleFile, load_rules

__all__ = ["Cleaner", "RuleError", "RuleFile", "load_rules"]
