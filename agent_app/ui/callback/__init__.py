"""Callbacks 回访: replied tickets awaiting the caller's ratings."""
