from central_api.openapi_doc import DOCUMENT, current_document, render


def test_the_checked_in_openapi_document_matches_the_code():
    assert DOCUMENT.read_text(encoding="utf-8") == render(current_document()), (
        "run: python -m central_api.openapi_doc")


def test_the_document_describes_the_sync_endpoints():
    paths = current_document()["paths"]
    assert "/api/v1/sync/push" in paths and "/api/v1/sync/pull" in paths
