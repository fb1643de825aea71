"""Persistence the views and the engine's ports use: queries and writes over ``idp.models``.

Everything a second worker needs goes through here into the database; nothing is kept in
process memory.
"""
