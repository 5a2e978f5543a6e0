"""Figures, maps and the diagnosis report."""
