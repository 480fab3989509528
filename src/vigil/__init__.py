"""Vigil: the working tool of an intelligence and prevention centre."""

__version__ = "0.1.0"
