"""Lab 04: invitation codes, an API connector and delegated user management over Graph."""
