"""Blueprints of the API, one per family of endpoints."""
