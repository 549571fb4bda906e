"""Chinese must render as glyphs, not boxes: the shipped UI is Simplified Chinese."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from agent_app.core.enums import Role
from agent_app.storage import ops
from agent_app.sync.client import CentralClient, SignedIn, UserProfile
from agent_app.ui.fonts import has_cjk_font
from agent_app.ui.i18n import install_translator, remove_translator
from agent_app.ui.main_window import MainWindow
from tests.factories import make_ticket

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
MISSING_GLYPH = "\U000f0000"  # private use plane: no font draws it, so Qt draws its box


def render_char(char: str, font: QFont) -> QImage:
    image = QImage(64, 64, QImage.Format.Format_Grayscale8)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, char)
    painter.end()
    return image


def ink(image: QImage) -> int:
    return sum(1 for y in range(image.height()) for x in range(image.width())
               if image.pixelColor(x, y).lightness() < 128)


def test_a_cjk_font_is_installed(qapp):
    assert has_cjk_font(), "install fonts-noto-cjk"


def test_main_window_chinese_labels_render_as_distinct_glyphs(qapp, qtbot, tasks, tmp_path):
    translator = install_translator(qapp, "zh_CN")
    try:
        tasks.run_db(lambda db: ops.register_ticket(db, make_ticket()))
        window = MainWindow(tasks, SignedIn("http://127.0.0.1:9", UserProfile(
            "lead01", "班长张", Role.LEAD, None), None, offline=True),
            CentralClient("http://127.0.0.1:9", timeout=(0.5, 0.5)), health_check_ms=60_000)
        qtbot.addWidget(window)
        window.show()
        overview = next(s.widget for s in window.screens if s.key == "overview")
        qtbot.waitUntil(lambda: overview.overview is not None, timeout=5000)
        qtbot.waitExposed(window)

        titles = [window.nav.item(row).text() for row in range(window.nav.count())]
        assert "概览" in titles
        font = window.nav.font()
        box = render_char(MISSING_GLYPH, font)
        glyphs = {char: render_char(char, font) for char in "概览离线班长"}
        for char, image in glyphs.items():
            assert ink(image) > 0, f"{char} drew nothing"
            assert image != box, f"{char} rendered as the missing-glyph box"
        assert len({bytes(image.constBits()) for image in glyphs.values()}) == len(glyphs)

        ARTIFACTS.mkdir(exist_ok=True)
        shot = window.grab()
        assert not shot.isNull()
        assert shot.save(str(ARTIFACTS / "main_window.png"))
    finally:
        remove_translator(qapp, translator)
