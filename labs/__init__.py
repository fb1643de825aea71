"""The workshop labs: one package per lab (``labNN_name``), each with its data (``lab.py``), the
README rendered from it, and any connector app of its own.  Nothing here imports ``idp``."""
