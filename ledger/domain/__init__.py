"""The domain model: aggregates, events, value objects and the rules that guard them."""
