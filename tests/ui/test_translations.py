import importlib.util
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from agent_app.core.enums import AppealType
from agent_app.ui.i18n import install_translator, remove_translator, tr_label

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "update_translations.py"


def load_script():
    spec = importlib.util.spec_from_file_location("update_translations", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_translation_source_matches_the_code_is_complete_and_the_qm_is_current():
    assert load_script().check() == []


def test_the_app_starts_in_chinese(qapp):
    translator = install_translator(qapp, "zh_CN")
    try:
        assert QCoreApplication.translate("MainWindow", "Overview") == "概览"
        assert tr_label(AppealType.CONSULTATION) == "咨询"
        # Qt's own standard buttons (the sign-in dialog's Cancel) speak Chinese too.
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        remove_translator(qapp, translator)


def test_english_shows_the_source_strings(qapp):
    translator = install_translator(qapp, "en")
    try:
        assert QCoreApplication.translate("MainWindow", "Overview") == "Overview"
    finally:
        remove_translator(qapp, translator)
