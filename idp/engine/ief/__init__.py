"""The Identity Experience Framework: custom policies (issue 9) loaded onto the journey engine.

A custom policy is a chain of XML files (Base -> Localization -> Extensions -> relying party).
:mod:`.parse` reads one file safely into a :class:`.model.PolicyFile`; :mod:`.merge` resolves the
inheritance into a :class:`.model.MergedPolicy`; :mod:`.validate` refuses an upload with precise
problems, reading :mod:`.support` for what this emulator can run; :mod:`.compile` (I2) turns the
merged policy into the same :class:`idp.engine.journey.Journey` user flows compile to.

Pure Python like the rest of :mod:`idp.engine`: no Flask, no SQLAlchemy.
"""
