"""The B2C engine: journeys of orchestration steps over a claims bag, and the protocol rules.

Pure Python: no Flask, no SQLAlchemy (``tests/engine/test_purity.py`` enforces it).  Anything
that needs the database or the network reaches it through the ports in :mod:`.ports`.
"""
