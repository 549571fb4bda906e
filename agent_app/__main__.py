import sys

from agent_app.cli import main

sys.exit(main())
