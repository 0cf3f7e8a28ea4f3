"""REST API v1 of the registry: small views around the same permissions and services as the UI,
one module per entity.

Each view: get-for-user (404 hidden, 403 read-only), `self.input(...)` to check the body,
one service call, `self.output(...)` to shape the answer. Lists start from a
permission-scoped selector and prefetch what their serializer reads.
"""
