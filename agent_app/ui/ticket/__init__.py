"""What every ticket screen shares: the detail view, the command forms, and running a command
offline through the outbox."""
