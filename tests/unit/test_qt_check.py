from agent_app.qt_check import explain_import_error, package_hint


def test_missing_libraries_name_their_debian_package():
    error = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert "libegl1" in explain_import_error(error)
    assert "libxcb-cursor0" in package_hint("libxcb-cursor.so.0")


def test_unknown_errors_are_reported_as_they_are():
    assert "boom" in explain_import_error(ImportError("boom"))
