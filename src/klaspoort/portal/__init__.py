"""The portal: software tiles from publishers' real-time licence answers, and launch into their apps.

Flow: `tiles.licensed_tiles(principal)` asks every consented publisher's licence endpoint
(`fanout`, with a signed `request_token`), validates each answer (`answer`), caches it briefly
(`licence_cache`), skips failing publishers for a while (`breaker`) and filters the products for the
person and context (`products.visible_products`). `/launch/...` re-checks consent and licence before
sending the browser to the publisher (`launch`).
"""
