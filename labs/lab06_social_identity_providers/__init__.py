"""Lab 06: social identity providers (the practice Google as an OpenID Connect provider), the
claims mapping, and an API connector that prefills the social account sign-up page."""
