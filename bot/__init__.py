"""The platform-neutral core: command grammar, services, permissions, scheduling, settings.

Nothing here imports a chat SDK; adapters render the ``Reply`` model this package returns.
"""
