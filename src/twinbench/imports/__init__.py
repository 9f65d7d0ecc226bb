"""Importers of published benchmark releases into the results store."""
