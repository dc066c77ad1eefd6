"""Foundations every stage shares: errors, source positions, diagnostics, safe YAML documents, schema checks, atomic writes."""
