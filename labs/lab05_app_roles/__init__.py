"""Lab 05: app roles through an API connector at "Before sending the token" (the
api-connector-samples' Authorization-AppRoles, in Python).  ``web.py`` is the lab's own app:
the connector endpoint, its Settings page and a log of the calls it received."""
