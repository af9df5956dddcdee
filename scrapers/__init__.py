"""Everything that speaks HTTP or reads a portal's HTML: registry, fetcher, discovery, article parsing."""
