"""The checked-in OpenAPI document: `python -m central_api.openapi_doc` rewrites it.

A test fails when `central_api/openapi.json` differs from what the code describes, so client
authors can read the contract from the repository.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parent / "openapi.json"


def current_document() -> dict[str, Any]:
    from central_api.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(f"sqlite:///{Path(folder) / 'openapi.db'}")
        document = app.openapi()
        app.state.engine.dispose()
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> int:
    DOCUMENT.write_text(render(current_document()), encoding="utf-8")
    print(f"wrote {DOCUMENT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
