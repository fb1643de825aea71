"""Tests of the workshop labs: their own web apps (API connectors, management pages)."""
