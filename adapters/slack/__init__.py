"""Slack adapter: bolt ``AsyncApp`` over HTTP or Socket Mode, Block Kit rendering, scheduled posts.

``runtime.serve(core, settings)`` is what ``evbot run`` starts; ``render.to_block_kit`` renders a
reply; ``poster.SlackPoster`` implements ``bot.posting.Poster``.
"""
