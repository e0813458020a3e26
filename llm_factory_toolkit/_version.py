"""The package version, kept below every layer so any module may read it."""

__version__ = "1.0.0"
