"""Shipped export profiles (YAML); see exporter/format.py."""
