"""The versioned knowledge base: every clinical rule, threshold and figure, with its source.

Data in ``data/*.yaml``; their schemas in :mod:`.schema`; the only reader in :mod:`.load`; the
cross-reference checks in :mod:`.validate`; the loaded object in :mod:`.base`.
"""
