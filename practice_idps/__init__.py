"""Practice identity providers: a Facebook and a Google look-alike for offline workshops.

Each is a small, separate Flask app (``facebook.create_app``, ``google.create_app``) that B2C
Lab mounts at ``/practice/facebook`` and ``/practice/google`` (``mount.practice_apps``) and
reaches only over HTTP, like a real provider.  They never import ``idp``.  They speak enough
of each provider's protocol for B2C's Facebook and Google identity providers (and any OpenID
Connect client) to federate with them, list seeded personas, and can be told to fail for the
error lessons.  A banner on every page says they are not the real thing.
"""
