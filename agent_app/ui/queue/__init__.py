"""The ticket queue: every cached ticket, saved views, free-text filter, sort by any column."""
