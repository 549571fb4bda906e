"""Loading the shipped translation and translating core's marked strings."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from agent_app.core.enums import LABEL_CONTEXT, label
from agent_app.paths import resources_dir

DEFAULT_LANGUAGE = "zh_CN"


def translation_file(language: str) -> str:
    return str(resources_dir() / "translations" / f"agent_app_{language}.qm")


def install_translator(app: QCoreApplication, language: str = DEFAULT_LANGUAGE) -> QTranslator:
    """The app ships in Simplified Chinese; English source strings show for language "en".

    Qt's own strings (Cancel, OK, context menus) come from Qt's translation catalogue, which
    is installed alongside so standard buttons speak the same language as ours.
    """
    translator = QTranslator(app)
    if language != "en" and translator.load(translation_file(language)):
        qt_translator = QTranslator(translator)
        # qtbase, not the qt_ meta catalogue: that one fails to load when any module it lists
        # (multimedia, …) has no catalogue installed, as in PySide6-Essentials and the bundle.
        if qt_translator.load(f"qtbase_{language}",
                              QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_translator)
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(language if language != "en" else "en_US"))
    return translator


def tr_label(value: StrEnum) -> str:
    return QCoreApplication.translate(LABEL_CONTEXT, label(value))


def tr_core(context: str, text: str) -> str:
    """Translate a message the core marked with QT_TRANSLATE_NOOP(context, text)."""
    return QCoreApplication.translate(context, text)


def remove_translator(app: QCoreApplication, translator: QTranslator) -> None:
    """Undo `install_translator` (used when switching language, and by tests)."""
    for child in translator.findChildren(QTranslator):
        app.removeTranslator(child)
    app.removeTranslator(translator)
