"""Field widgets of the intake form that need more than Qt gives: text with a hard length
limit and a visible count, the category picker with type-to-filter, drop-down lists one
can type into (by name or pinyin), the location cascade."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.catalogue import Catalogue, LocationNode
from agent_app.core.category_search import CategoryEntry, CategoryIndex
from agent_app.ui.preedit import PlaceholderHiddenWhileComposing
from agent_app.ui.widgets import plain_label

_Index = QModelIndex | QPersistentModelIndex


class LimitedTextEdit(QPlainTextEdit):
    """Plain text only (pasted HTML arrives as its text), at most `limit` characters: input
    that would go over is refused whole, with the count, instead of being cut silently."""

    refused = Signal(int, int)  # the length it would have had, the limit

    def __init__(self, limit: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self._accepted = ""
        self.setTabChangesFocus(True)  # Tab moves on, as in every other field of the form
        self.composition = PlaceholderHiddenWhileComposing(self)
        self.counter = plain_label()
        self.counter.setStyleSheet("color: #7f8c8d;")
        self.textChanged.connect(self._enforce_limit)
        self._update_counter()

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        self.setPlainText(text[: self.limit])

    def _enforce_limit(self) -> None:
        text = self.toPlainText()
        if len(text) <= self.limit:
            self._accepted = text
            self._update_counter()
            return
        cursor_at = max(0, self.textCursor().position() - (len(text) - len(self._accepted)))
        self.blockSignals(True)
        self.setPlainText(self._accepted)
        cursor = self.textCursor()
        cursor.setPosition(min(cursor_at, len(self._accepted)))
        self.setTextCursor(cursor)
        self.blockSignals(False)
        self.refused.emit(len(text), self.limit)

    def _update_counter(self) -> None:
        self.counter.setText(f"{len(self._accepted)}/{self.limit}")


class CategoryListModel(QAbstractListModel):
    """The filtered categories, best match first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[CategoryEntry] = []

    def set_entries(self, entries: list[CategoryEntry]) -> None:
        self.beginResetModel()
        self._entries = entries
        self.endResetModel()

    def entry(self, row: int) -> CategoryEntry:
        return self._entries[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{entry.label}  ({entry.code})"
        return None


class CategoryPicker(QWidget):
    """A filter box over a list: type 噪音, 0103 or zyrm, Down into the list, Enter picks.
    The chosen category shows in the box; typing again starts a new search."""

    chosen = Signal(object)  # tuple[str, str] | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index: CategoryIndex | None = None
        self._value: tuple[str, str] | None = None
        self.edit = QLineEdit()
        self.edit.setObjectName("category_filter")
        self.edit.setPlaceholderText(self.tr("Type a name, code or pinyin initials"))
        self.model = CategoryListModel(self)
        self.list = QListView()
        self.list.setObjectName("category_list")
        self.list.setModel(self.model)
        self.list.setMaximumHeight(120)
        self.list.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._filter)
        self.edit.returnPressed.connect(self._pick_current)
        self.list.activated.connect(lambda index: self._pick(index.row()))
        self.edit.installEventFilter(self)
        self.list.installEventFilter(self)

    def set_index(self, index: CategoryIndex) -> None:
        self._index = index
        if self._value is None and self.edit.text().strip():
            self._filter(self.edit.text())  # typed before the index was ready

    def value(self) -> tuple[str, str] | None:
        return self._value

    def set_value(self, value: tuple[str, str] | None) -> None:
        self._value = tuple(value) if value else None  # type: ignore[assignment]
        self.edit.setText(f"{value[0]} › {value[1]}" if value else "")
        self.list.hide()

    def _filter(self, text: str) -> None:
        if self._value is not None:
            self._value = None
            self.chosen.emit(None)
        if self._index is None:
            return
        self.model.set_entries(self._index.search(text, limit=50) if text.strip() else [])
        self.list.setVisible(self.model.rowCount() > 0)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _pick_current(self) -> None:
        if self.list.isVisible() and self.list.currentIndex().isValid():
            self._pick(self.list.currentIndex().row())

    def _pick(self, row: int) -> None:
        entry = self.model.entry(row)
        self.set_value((entry.path.level1, entry.path.level2))
        self.chosen.emit(self._value)
        self.edit.setFocus()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if watched is self.edit and key in (Qt.Key.Key_Down, Qt.Key.Key_Up) \
                    and self.list.isVisible():
                self.list.setFocus()
                step = 1 if key == Qt.Key.Key_Down else -1
                row = min(max(self.list.currentIndex().row() + step, 0),
                          self.model.rowCount() - 1)
                self.list.setCurrentIndex(self.model.index(row, 0))
                return True
            if watched is self.list and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._pick_current()
                return True
            if watched is self.list and key == Qt.Key.Key_Escape:
                self.list.hide()
                self.edit.setFocus()
                return True
        return super().eventFilter(watched, event)


SEARCH_ROLE = Qt.ItemDataRole.UserRole + 7  # name, pinyin initials and spelling of an item
# Pinyin of the catalogue's names, computed once off the GUI thread (the intake screen does it
# at start): every picker of the process finds names by it, the lead's 改派 list too.
KNOWN_PINYIN: dict[str, str] = {}


class SearchableCombo(QComboBox):
    """A drop-down list one can also type into: 西高, xgh or xigao finds 西高皇街道, as the
    category picker does. Down opens the matches, Enter picks; leaving the box without
    picking puts back what was chosen. The items and their data are a plain QComboBox's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pinyin: Mapping[str, str] = KNOWN_PINYIN
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.model(), self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        completer.activated[QModelIndex].connect(self._completed)  # type: ignore[index]
        self.lineEdit().editingFinished.connect(self._show_chosen)

    def set_pinyin(self, keys: Mapping[str, str]) -> None:
        KNOWN_PINYIN.update(keys)
        self.index_items()

    def index_items(self) -> None:
        """What each item is found by; call after the items change."""
        for row in range(self.count()):
            value = self.itemData(row)
            key = f"{self.itemText(row)} {self.pinyin.get(value, '')}" if value else ""
            self.setItemData(row, key, SEARCH_ROLE)

    def _completed(self, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.UserRole)
        row = self.findData(value)
        if row >= 0:
            # After the completer has written its text into the box: the item's name wins.
            QTimer.singleShot(0, lambda: self._choose(row))

    def _choose(self, row: int) -> None:
        self.setCurrentIndex(row)
        self.setEditText(self.itemText(row))
        self.activated.emit(row)

    def _show_chosen(self) -> None:
        chosen = self.itemText(self.currentIndex())  # currentText() is what was typed
        if self.lineEdit().text() != chosen:
            self.setEditText(chosen)


class LocationCascade(QWidget):
    """district › street › community; each level lists only the children of the one before."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._districts: list[LocationNode] = []
        self.district = SearchableCombo()
        self.district.setObjectName("location_district")
        self.street = SearchableCombo()
        self.street.setObjectName("location_street")
        self.community = SearchableCombo()
        self.community.setObjectName("location_community")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for combo in (self.district, self.street, self.community):
            combo.setMinimumContentsLength(8)
            layout.addWidget(combo, 1)
        self.setFocusProxy(self.district)
        self.district.currentIndexChanged.connect(self._district_changed)
        self.street.currentIndexChanged.connect(self._street_changed)
        self.community.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def set_pinyin(self, keys: Mapping[str, str]) -> None:
        for combo in (self.district, self.street, self.community):
            combo.set_pinyin(keys)

    def set_catalogue(self, catalogue: Catalogue) -> None:
        value = self.value()
        self._districts = list(catalogue.locations)
        self._fill(self.district, self._districts, self.tr("District"))
        self.set_value(value)

    def value(self) -> tuple[str, str, str]:
        return (self._chosen(self.district), self._chosen(self.street),
                self._chosen(self.community))

    def set_value(self, value: tuple[str, str, str]) -> None:
        for combo, name in zip((self.district, self.street, self.community), value, strict=True):
            row = combo.findData(name) if name else 0
            combo.setCurrentIndex(max(row, 0))

    def _district_changed(self, _row: int) -> None:
        node = self._node(self._districts, self._chosen(self.district))
        self._fill(self.street, list(node.children) if node else [], self.tr("Street / town"))
        self.changed.emit()

    def _street_changed(self, _row: int) -> None:
        district = self._node(self._districts, self._chosen(self.district))
        street = self._node(list(district.children) if district else [],
                            self._chosen(self.street))
        self._fill(self.community, list(street.children) if street else [],
                   self.tr("Community / village"))
        self.changed.emit()

    @staticmethod
    def _chosen(combo: QComboBox) -> str:
        return combo.currentData() or ""

    @staticmethod
    def _node(nodes: list[LocationNode], name: str) -> LocationNode | None:
        return next((n for n in nodes if n.name == name), None)

    @staticmethod
    def _fill(combo: SearchableCombo, nodes: list[LocationNode], placeholder: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(f"— {placeholder} —", "")
        for node in nodes:
            combo.addItem(node.name, node.name)
        combo.index_items()
        combo.blockSignals(False)
        combo.currentIndexChanged.emit(0)
