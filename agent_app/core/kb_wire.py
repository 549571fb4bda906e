"""Why the server refuses a pushed KB operation (kb.feedback, kb.usage): core sentences in
context "Wire", sent translated like every other rejection reason (central_api/kb_writes.py)."""

from __future__ import annotations

from agent_app.core.i18n import QT_TRANSLATE_NOOP

KB_ENTITY = QT_TRANSLATE_NOOP("Wire", "The change names another article than its contents.")
KB_NO_ARTICLE = QT_TRANSLATE_NOOP("Wire", "The server has no article %1.")
KB_FEEDBACK_TEXT = QT_TRANSLATE_NOOP(
    "Wire", "A correction needs a text of 1 to %1 characters.")
KB_USAGE_ACTION = QT_TRANSLATE_NOOP("Wire", "The kind of KB usage record is not known.")
KB_VETO_ROLE = QT_TRANSLATE_NOOP(
    "Wire", "Only a team lead or an administrator may stop an article being favoured.")
KB_NO_QUERY = QT_TRANSLATE_NOOP("Wire", "The KB usage record lacks the query it followed.")
KB_QUERY_TEXT = QT_TRANSLATE_NOOP("Wire", "The query must be a text of 1 to %1 characters.")
KB_PERSONAL_NUMBER = QT_TRANSLATE_NOOP(
    "Wire", "The query holds a long number (a phone or ID number?): it is not shared.")
KB_USED_AT = QT_TRANSLATE_NOOP("Wire", "The time of use is malformed.")
KB_USED_AT_ZONE = QT_TRANSLATE_NOOP("Wire", "The time of use has no time zone.")
