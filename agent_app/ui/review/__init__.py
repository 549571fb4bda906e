"""Team lead review: returned tickets, extension requests, supervision, redone tickets."""
