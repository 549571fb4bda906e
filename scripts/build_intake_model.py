"""Rebuild the shipped smart-intake category model from the demo history and the reviewed
category words: `python scripts/build_intake_model.py` (tests check the file is current)."""

from __future__ import annotations

import sys

from agent_app.core.smart_intake.engine import MODEL_FILE, SmartIntake, training_tickets
from agent_app.demo.generate import generate_demo_tickets
from agent_app.paths import resources_dir

DEMO_TICKETS = 400


def main() -> int:
    intake = SmartIntake.load(resources_dir(), model_path=None)
    model = intake.rebuilt(training_tickets(generate_demo_tickets(DEMO_TICKETS)))
    target = resources_dir() / "intake" / MODEL_FILE
    model.save(target)
    print(f"{target.name}: {len(model.classes)} categories, {model.trained_on} tickets, "
          f"{len(model.postings)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
