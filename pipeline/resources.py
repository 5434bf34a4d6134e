"""Where the shipped configs, models and samples live, in a source checkout and in an installed wheel.

A checkout (or editable install) uses the top-level ``configs/`` and ``models/`` folders; a wheel
carries copies of them inside the package (see ``pyproject.toml``), so a plain ``pip install``
runs offline with no checkout around it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLES_DIR = PACKAGE_DIR / "data" / "samples"
SCHEMAS_DIR = PACKAGE_DIR / "schemas"


def _shipped(name: str) -> Path:
    checkout = PACKAGE_DIR.parent / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / f"_{name}"


def configs_dir() -> Path:
    return _shipped("configs")


def models_dir() -> Path:
    return _shipped("models")


def default_config_path() -> Path:
    return configs_dir() / "default.yaml"


def resolve_model(name: str) -> str:
    """A model reference as given, or the shipped model directory of that name if one exists.

    An existing path wins; then ``models/<name>``; anything else is passed on unchanged as a
    package name or hub identifier for the backend to load.
    """
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve())
    parts = path.parts[1:] if path.parts[:1] == ("models",) else path.parts
    shipped = models_dir().joinpath(*parts) if parts else None
    if shipped is not None and shipped.exists():
        return str(shipped)
    return name
