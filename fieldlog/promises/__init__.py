"""Citizen promises and their commitments (SPEC §6), with their computed progress."""
