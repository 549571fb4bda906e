import uuid
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import AppealType, Channel, Gender, TicketStatus, Urgency
from agent_app.core.interchange import ticket_from_dict, ticket_to_dict
from agent_app.core.models import Caller, CategoryPath, LocationPath, Ticket, TicketEvent

han = st.text(alphabet="城市管理路灯不亮垃圾噪音物业供暖张李先生女士", max_size=30)
times = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                     timezones=st.just(CHINA_TZ))

tickets = st.builds(
    Ticket,
    id=st.from_regex(r"PDS\d{8}-\d{5}", fullmatch=True),
    created_at=times,
    channel=st.sampled_from(Channel),
    appeal_type=st.sampled_from(AppealType),
    urgency=st.sampled_from(Urgency),
    status=st.sampled_from(TicketStatus),
    caller=st.builds(Caller, name=han, phone=st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
                     gender=st.sampled_from(Gender), phone_withheld=st.booleans()),
    category=st.one_of(st.none(), st.builds(CategoryPath, han, han)),
    location=st.builds(LocationPath, han, han, han),
    address=han, content=han, demand=han,
    confidential=st.booleans(), callback_permitted=st.booleans(),
    unit=st.one_of(st.none(), han),
    deadline=st.one_of(st.none(), times),
    redo_count=st.integers(0, 3),
    answer=st.one_of(st.none(), han),
    events=st.lists(st.builds(TicketEvent, id=st.builds(lambda: str(uuid.uuid4())), at=times,
                              kind=st.sampled_from(["registered", "dispatched", "callback"]),
                              actor=han, data=st.dictionaries(st.sampled_from(["unit", "text"]),
                                                              han, max_size=2)), max_size=4),
)


@given(tickets)
def test_interchange_round_trip_is_lossless(ticket):
    assert ticket_from_dict(ticket_to_dict(ticket)) == ticket
