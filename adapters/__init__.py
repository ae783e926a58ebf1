"""Thin platform adapters: they translate platform events into core requests and render replies.

Contract for an adapter module:
- build a ``CommandRequest`` (text, principal ``platform:workspace:user``, channel, roles) from the
  platform's event and call ``Core.handle``; hold no business logic;
- render the ``Reply`` with a pure function (``to_text``, ``to_block_kit``, ``to_discord``) that
  respects the platform's limits and escapes all stored and user text;
- expose ``async def serve(core, settings)`` for ``evbot run`` when its credentials are set.
"""
