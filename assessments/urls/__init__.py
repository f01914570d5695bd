"""URL modules, one per area: accounts, organisations, workshops, live, reports."""
