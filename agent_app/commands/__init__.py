"""The subcommands of `agent-app`, one module each (the name is the subcommand's); cli.py
only parses the command line and dispatches here."""
