"""Deterministic demo tickets in the interchange format of DESIGN.md §7.

Same seed, same tickets: built from `random.Random(seed)` and a fixed "now" only, so demos,
screenshots and tests always show the same cache. Topics, places and units come from the
shipped catalogues; the appeal texts are modelled on the cases in the centre's monthly reports.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Rating, TicketStatus
from agent_app.core.lifecycle import OPEN_STATES, WITH_UNIT_STATES, EventKind
from agent_app.paths import resources_dir

DEMO_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=CHINA_TZ)
LOCAL = "local"  # the street or town office where the appeal is, or the county's centre


@dataclass(frozen=True)
class Topic:
    category: tuple[str, str]
    contents: tuple[str, ...]
    demand: str
    unit: str  # a unit name, or LOCAL
    pingyu_unit: str  # the Pingyu county unit for the same kind of matter, or LOCAL
    answer: str = ""  # for consultations: what the operator reads out

    @property
    def consultation(self) -> bool:
        return bool(self.answer)


TOPICS: tuple[Topic, ...] = (
    Topic(("城市管理", "路灯照明"), (
        "{place}{address}附近路灯已经很长时间不亮了，晚上接孩子放学路上黑黢黢的，车辆也多，存在安全隐患。",
        "{address}门口两侧的路灯一直不亮，晚上出行很不方便，老人孩子容易摔倒。"),
        "希望有关部门尽快查明原因并修复路灯", LOCAL, LOCAL),
    Topic(("城市管理", "环境卫生"), (
        "{place}{address}往北200米左右总有人倾倒生活垃圾，堆了好几天没人清理，气味很大。",
        "{address}旁边的垃圾桶满了没人清运，垃圾散落一地，招来很多蚊蝇。"),
        "希望相关部门核实处理，及时清运垃圾", LOCAL, LOCAL),
    Topic(("城市管理", "市政管网"), (
        "{place}{address}门口的窨井堵塞，污水漫到路面上，居民出行要绕着走。",
        "{address}附近下水道反味严重，一下雨就往外冒水。"),
        "希望尽快疏通下水管道", "市城市管理局", "平舆县城管局"),
    Topic(("城市管理", "物业管理"), (
        "我住在{place}{address}，小区物业不作为，电梯坏了半个月没人修，业主多次反映都推脱。",
        "{address}物业收了物业费却不打扫楼道，单元门禁坏了也不管。"),
        "希望督促物业公司履行职责", LOCAL, LOCAL),
    Topic(("城市管理", "噪音扰民"), (
        "{place}{address}附近的建筑工地每天晚上十一点以后还在施工，噪音很大，影响休息。",
        "{address}楼下商家用大喇叭循环播放促销广告，从早到晚，严重扰民。"),
        "希望有关部门制止噪音扰民行为", "市城市管理局", "平舆县城管局"),
    Topic(("城乡建设", "老旧小区改造"), (
        "{place}{address}去年开始老旧小区改造，到现在车棚没建、路灯没通电、监控没安装，改造不彻底。",),
        "希望督促施工方加快进度，按标准完成改造", "市住建局", "平舆县住建局"),
    Topic(("城乡建设", "违章建筑"), (
        "{address}有住户在楼顶私自加盖彩钢房，存在安全隐患，也影响其他住户。",),
        "希望有关部门依法查处违章建筑", LOCAL, LOCAL),
    Topic(("公共服务", "供暖"), (
        "{place}{address}今年供暖后室内温度只有十四五度，家里有老人孩子，实在太冷。",
        "{address}暖气片不热，找物业和热力公司都说不是自己的问题。"),
        "希望热力公司上门检查，保证室温达标", "平顶山热力集团", "平舆县住建局"),
    Topic(("公共服务", "燃气"), (
        "{address}闻到楼道里有燃气味，担心漏气，请燃气公司派人检查。",
        "新房交付半年了还没开通燃气，报装多次一直没人来安装。"),
        "希望燃气公司尽快上门处理", "平顶山燃气公司", "平舆县燃气公司"),
    Topic(("公共服务", "供水"), (
        "{place}{address}从昨天下午开始停水，没有接到任何停水通知，生活很不方便。",),
        "希望尽快恢复供水并说明原因", "市自来水公司", "平舆县清源水业公司"),
    Topic(("公共服务", "供电"), (
        "{address}这几天频繁停电，家里的电器都被损坏了，要求赔偿。",),
        "希望供电公司查明原因，给出处理意见", "平顶山供电公司", "平舆县供电公司"),
    Topic(("公共服务", "通信服务"), (
        "{address}路边的通信线杆倾倒，线缆垂到地面，行人车辆经过很危险。",
        "手机套餐被运营商私自变更，多扣了话费，营业厅不给解决。"),
        "希望通信公司尽快处理并退还费用", "联通公司", "平舆县联通公司"),
    Topic(("交通管理", "交通秩序"), (
        "{address}路口高峰期很多车辆不等红灯，从加油站穿行绕灯，经常把路口堵死。",),
        "希望交管部门加强管理，严查违法行为", "市公安局交管支队", "平舆县公安局"),
    Topic(("交通管理", "公交调度"), (
        "早高峰公交车间隔太长，在站台等了四十分钟才来一辆，上班经常迟到。",),
        "建议增加早晚高峰班次", "市交通运输局", "平舆县交通运输局"),
    Topic(("市场管理", "消费纠纷"), (
        "在{address}的一家理发店办了预付卡，现在店铺关门了，卡里还有两千多元没消费。",
        "在商场买的电器用了一周就坏了，商家拒绝退换。"),
        "希望帮助维权，退还剩余费用", "市市场监督管理局", "平舆县市场监管局"),
    Topic(("工资薪金", "拖欠工资"), (
        "我在{place}一处工地干活，老板拖欠三个月工资共一万二千元，一直不给。",),
        "希望有关部门帮忙追讨工资", "市人社局", "平舆县人社局"),
    Topic(("教育", "学区划片"), (
        "我们小区按原来的划片可以上附近的中学，今年被划到更远的学校，孩子上学很不方便。",),
        "希望按原标准划片或给出合理解释", "市教育体育局", "平舆县教育局"),
    Topic(("社会保险", "医疗保险"), (
        "单位没有按时缴纳医保，住院后不能报销，想问怎么处理。",),
        "希望协调解决报销问题", "市医疗保障局", "平舆县医保局"),
    Topic(("社会保险", "医疗保险"), (
        "想咨询一下去外地住院，医保异地就医备案怎么办理？",),
        "咨询异地就医备案办理方式", "市医疗保障局", "平舆县医保局",
        answer="可通过国家医保服务平台APP或本地医保窗口办理异地就医备案，备案后在就医地定点医院直接结算。"),
    Topic(("政务服务", "住房公积金"), (
        "想咨询租房提取住房公积金需要什么材料，每年能提取几次？",),
        "咨询公积金提取条件和材料", "市住房公积金管理中心", "平舆县公积金管理中心",
        answer="无房职工租房可每年提取一次，凭身份证和租房情况说明到公积金中心窗口或线上办理。"),
    Topic(("政务服务", "不动产登记"), (
        "买的二手房想办不动产登记证，需要带哪些材料，去哪里办？",),
        "咨询不动产登记办理流程", "市自然资源和规划局", "平舆县自然资源局",
        answer="买卖双方携带身份证、户口簿、婚姻证明、原不动产权证和买卖合同到不动产登记中心办理。"),
    Topic(("政务服务", "税务"), (
        "个人所得税汇算清缴在哪里办理，退税多久能到账？",),
        "咨询个税汇算办理方式", "市税务局", "平舆县税务局",
        answer="可通过个人所得税APP办理年度汇算，审核通过后退税一般在一个月内到账。"),
    Topic(("政务服务", "查询电话"), (
        "想查询一下市车管所的咨询电话和上班时间。",),
        "查询单位电话", "市公安局交管支队", "平舆县公安局",
        answer="已告知车管所咨询电话和工作时间：工作日上午8:30至12:00，下午14:00至17:30。"),
    Topic(("交通管理", "驾驶证考试"), (
        "科目二考试一直约不上，想问一下什么时候恢复考试预约？",),
        "咨询驾驶证考试预约", "市公安局交管支队", "平舆县公安局",
        answer="考试车辆更换和系统升级已完成，可通过交管12123APP正常预约科目二、科目三考试。"),
    Topic(("社会保险", "社会保障卡"), (
        "社保卡丢了，怎么挂失补办，补办要多久？",),
        "咨询社保卡挂失补办", "市人社局", "平舆县人社局",
        answer="可拨打12333或在掌上12333APP先挂失，再持身份证到合作银行网点补办，即时制卡。"),
    Topic(("其他", "表扬感谢"), (
        "上周反映的小区树木过高有隐患的问题，社区第一时间修剪了树枝，非常感谢！",),
        "表扬社区工作人员", LOCAL, LOCAL),
)

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
ADDRESS_PARTS = ("家属院3号楼", "小区东门", "中心路与建设路交叉口", "幼儿园门口", "12号院",
                 "农贸市场北侧", "学校门口", "花园小区15号楼", "商业街", "老街东段")
ACTORS = ("op01", "op02")
LEAD = "lead01"
# Status of each generated ticket, in proportion to a month in the seed reports.
STATUS_WEIGHTS: tuple[tuple[TicketStatus, int], ...] = (
    (TicketStatus.REGISTERED, 5), (TicketStatus.DISPATCHED, 10), (TicketStatus.ACCEPTED, 10),
    (TicketStatus.RETURNED, 5), (TicketStatus.REPLIED, 10), (TicketStatus.CLOSED, 22),
    (TicketStatus.MERGED, 5), (TicketStatus.TRANSFERRED, 3),
)
# 转接: emergencies and parallel hotlines, with the reason an operator writes.
TRANSFERS: tuple[tuple[str, str], ...] = (
    ("110", "来电人反映正在发生纠纷，已转110处理"), ("119", "来电人反映楼道冒烟，已转119处理"),
    ("120", "来电人家中老人晕倒，已转120急救"), ("12315", "消费纠纷，已转12315受理"),
    ("12333", "社保待遇咨询，已转12333人社热线"))


# How long ago tickets in each state were registered, in days: closed ones are older.
AGE_DAYS: dict[TicketStatus, tuple[float, float]] = {
    TicketStatus.REGISTERED: (0.01, 0.3), TicketStatus.ANSWERED: (0.01, 60),
    TicketStatus.DISPATCHED: (0.3, 12), TicketStatus.ACCEPTED: (1, 20),
    TicketStatus.RETURNED: (0.5, 15), TicketStatus.REPLIED: (5, 40),
    TicketStatus.CLOSED: (10, 60), TicketStatus.MERGED: (0.01, 30),
    TicketStatus.TRANSFERRED: (0.01, 30),
}


class _Builder:
    """Walks one ticket along the lifecycle, appending events as it goes."""

    def __init__(self, rng: random.Random, ticket: dict[str, Any], start: datetime) -> None:
        self.rng = rng
        self.ticket = ticket
        self.clock = start

    def event(self, kind: str, actor: str, hours: tuple[float, float] = (0.2, 6), **extra: Any
              ) -> None:
        self.clock += timedelta(hours=self.rng.uniform(*hours))
        self.ticket["events"].append({"id": str(uuid.UUID(int=self.rng.getrandbits(128))),
                                      "at": self.clock.isoformat(), "kind": kind,
                                      "actor": actor, **extra})


def generate_demo_tickets(count: int = 400, *, seed: int = 12345,
                          now: datetime | None = None) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = now or DEMO_NOW
    catalogue = _Catalogue.load()
    consultations = [t for t in TOPICS if t.consultation]
    others = [t for t in TOPICS if not t.consultation]
    statuses = _status_plan(rng, count)
    tickets: list[dict[str, Any]] = []
    for number, status in enumerate(statuses, start=1):
        created = now - timedelta(days=rng.uniform(*AGE_DAYS[status]))
        topic = rng.choice(consultations if status is TicketStatus.ANSWERED else others)
        tickets.append(_ticket(rng, catalogue, number, created, topic, status, now))
    tickets.sort(key=lambda t: t["created_at"])
    _link_merges(rng, tickets)
    return tickets


def _status_plan(rng: random.Random, count: int) -> list[TicketStatus]:
    # ~40% consultations answered on the call, the rest spread over the loop.
    plan = [TicketStatus.ANSWERED] * round(count * 0.4)
    rest = count - len(plan)
    total = sum(weight for _, weight in STATUS_WEIGHTS)
    for status, weight in STATUS_WEIGHTS:
        plan += [status] * (rest * weight // total)
    plan += [TicketStatus.CLOSED] * (count - len(plan))
    rng.shuffle(plan)
    return plan


def _ticket(rng: random.Random, catalogue: _Catalogue, number: int, created: datetime,
            topic: Topic, status: TicketStatus, now: datetime) -> dict[str, Any]:
    district, street, community = rng.choice(catalogue.places)
    pingyu = district == "平舆县"
    address = f"{community}{rng.choice(ADDRESS_PARTS)}"
    surname = rng.choice(SURNAMES)
    gender = rng.choice(("male", "female"))
    appeal_type = "consultation" if topic.consultation else rng.choice(
        ("help", "complaint", "complaint", "report", "suggestion") if topic.category[0] != "其他"
        else ("praise",))
    urgency = rng.choices(("normal", "urgent", "critical"), weights=(88, 10, 2))[0]
    ticket: dict[str, Any] = {
        "id": f"{'PY' if pingyu else 'PDS'}{created:%Y%m%d}-{number:05d}",
        "created_at": created.isoformat(),
        "channel": rng.choices(
            ("phone_12345", "hotline_12315", "hotline_12328", "web_message", "wechat", "app",
             "mayor_mailbox"), weights=(70, 6, 4, 6, 6, 6, 2))[0],
        "appeal_type": appeal_type,
        "category": list(topic.category),
        "urgency": urgency,
        "caller": {"name": f"{surname}{'先生' if gender == 'male' else '女士'}",
                   "phone": _phone(rng), "gender": gender},
        "confidential": rng.random() < 0.05,
        "callback_permitted": rng.random() < 0.9,
        "location": [district, street, community],
        "address": address,
        "content": rng.choice(topic.contents).format(place=f"{district}{street}",
                                                     address=address),
        "demand": topic.demand,
        "unit": None,
        "status": status.value,
        "deadline": None,
        "redo_count": 0,
        "answer": None,
        "events": [],
    }
    walk = _Builder(rng, ticket, created)
    operator = rng.choice(ACTORS)
    walk.event(EventKind.REGISTERED, operator, hours=(0, 0.05))
    if status is TicketStatus.ANSWERED:
        ticket["answer"] = topic.answer
        walk.event(EventKind.ANSWERED, operator, hours=(0.01, 0.1), text=topic.answer)
        return ticket
    if status is TicketStatus.TRANSFERRED:
        target, reason = rng.choice(TRANSFERS)
        walk.event(EventKind.TRANSFERRED, operator, hours=(0.01, 0.05), target=target,
                   reason=reason)
        return ticket
    if status in (TicketStatus.REGISTERED, TicketStatus.MERGED):
        return ticket
    unit = catalogue.unit_for(topic, district, street, rng)
    ticket["unit"] = unit
    days = {"consultation": 1, "suggestion": 10}.get(appeal_type, 5)
    days = {"urgent": 2, "critical": 1}.get(urgency, days)
    ticket["deadline"] = (created + timedelta(days=days)).isoformat()
    _walk_dispatched(walk, catalogue, topic, status, unit, operator)
    _shift_into_past(ticket, walk.clock, now)
    return ticket


def _shift_into_past(ticket: dict[str, Any], last_event: datetime, now: datetime) -> None:
    """A ticket whose walk ran past `now` is moved back in time as a whole."""
    overflow = last_event - now
    if overflow <= timedelta(0):
        return
    shift = overflow + timedelta(hours=1)

    def earlier(value: str) -> str:
        return (datetime.fromisoformat(value) - shift).isoformat()

    ticket["created_at"] = earlier(ticket["created_at"])
    if ticket["deadline"]:
        ticket["deadline"] = earlier(ticket["deadline"])
    for event in ticket["events"]:
        event["at"] = earlier(event["at"])
        if "requested_deadline" in event:
            event["requested_deadline"] = earlier(event["requested_deadline"])


def _walk_dispatched(walk: _Builder, catalogue: _Catalogue, topic: Topic, status: TicketStatus,
                     unit: str, operator: str) -> None:
    rng, ticket = walk.rng, walk.ticket
    walk.event(EventKind.DISPATCHED, operator, hours=(0.05, 1), unit=unit)
    if status is TicketStatus.RETURNED or (status is not TicketStatus.DISPATCHED
                                           and rng.random() < 0.08):
        walk.event(EventKind.RETURNED, unit, unit=unit, reason="经核实，该事项不属于本单位职责范围")
        if status is TicketStatus.RETURNED:
            return
        unit = catalogue.other_unit(unit, rng)
        ticket["unit"] = unit
        walk.event(EventKind.DISPATCHED, LEAD, unit=unit)
    if status is TicketStatus.DISPATCHED:
        if rng.random() < 0.3:
            walk.event(EventKind.SUPERVISED, LEAD, hours=(24, 72), level="reminder")
        return
    walk.event(EventKind.ACCEPTED, unit, hours=(0.1, 2), unit=unit)
    if rng.random() < 0.15:
        deadline = datetime.fromisoformat(ticket["deadline"]) + timedelta(days=5)
        walk.event(EventKind.EXTENSION, unit, requested_deadline=deadline.isoformat(),
                   decision=rng.choice(("approved", "denied", "pending")))
    if status is TicketStatus.ACCEPTED:
        if rng.random() < 0.3:
            walk.event(EventKind.SUPERVISED, LEAD, hours=(24, 72),
                       level=rng.choice(("reminder", "phone", "written")))
        return
    redos = rng.choices((0, 1, 2), weights=(80, 15, 5))[0]
    for _ in range(redos):
        _reply(walk, unit, topic)
        walk.event(EventKind.CALLBACK, operator, hours=(2, 24), reached=True,
                   result=Rating.DISSATISFIED.value, process=rng.choice(list(Rating)).value)
        walk.event(EventKind.REDO, LEAD, reason="来电人对办理结果不满意，退回重办")
        ticket["redo_count"] += 1
        walk.event(EventKind.DISPATCHED, LEAD, hours=(0.05, 1), unit=unit)
        walk.event(EventKind.ACCEPTED, unit, hours=(0.1, 2), unit=unit)
    _reply(walk, unit, topic)
    if status is TicketStatus.REPLIED:
        if rng.random() < 0.3:
            walk.event(EventKind.CALLBACK, operator, hours=(2, 24), reached=False, result=None,
                       process=None)
        return
    result = rng.choices(list(Rating)[:2], weights=(80, 20))[0]
    walk.event(EventKind.CALLBACK, operator, hours=(2, 24), reached=True, result=result.value,
               process=rng.choices(list(Rating), weights=(70, 22, 8))[0].value)
    walk.event(EventKind.CLOSED, operator, hours=(0.01, 0.2))


def _reply(walk: _Builder, unit: str, topic: Topic) -> None:
    text = f"经现场核实，来电人反映情况属实，已安排专人处理，{topic.demand.removeprefix('希望')}。"
    walk.event(EventKind.REPLIED, unit, hours=(4, 72), unit=unit, text=text)


def _link_merges(rng: random.Random, tickets: list[dict[str, Any]]) -> None:
    """A merged ticket is a repeat call folded into an earlier open ticket of the same kind."""
    # Open (core's merge rule), and a unit has worked on it: the repeat calls people make.
    worked_on = (WITH_UNIT_STATES | {TicketStatus.REPLIED}) & OPEN_STATES
    open_states = {state.value for state in worked_on}
    for index, ticket in enumerate(tickets):
        if ticket["status"] != TicketStatus.MERGED.value:
            continue
        earlier = [t for t in tickets[:index] if t["status"] in open_states] or [
            t for t in tickets if t["status"] in open_states]
        target = rng.choice(earlier)
        ticket["category"] = list(target["category"])
        ticket["location"] = list(target["location"])
        ticket["address"] = target["address"]
        ticket["content"] = f"重复来电：{target['content']}"
        ticket["demand"] = target["demand"]
        at = datetime.fromisoformat(ticket["created_at"]) + timedelta(minutes=rng.uniform(3, 30))
        ticket["events"].append({"id": str(uuid.UUID(int=rng.getrandbits(128))),
                                 "at": at.isoformat(), "kind": EventKind.MERGED, "actor": LEAD,
                                 "into": target["id"]})


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.85:
        return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    return f"0375-{rng.randrange(2_000_000, 8_000_000)}"


@dataclass
class _Catalogue:
    places: list[tuple[str, str, str]]
    units: dict[str, dict[str, Any]]
    find_local: Callable[[str, str], str | None]

    @classmethod
    def load(cls) -> _Catalogue:
        folder = resources_dir() / "catalogues"
        locations = json.loads((folder / "locations.json").read_text(encoding="utf-8"))
        units = json.loads((folder / "units.json").read_text(encoding="utf-8"))["units"]
        places = [(d["name"], s["name"], c["name"]) for d in locations
                  for s in d["children"] for c in s["children"]]
        by_name = {u["name"]: u for u in units}

        def find_local(district: str, street: str) -> str | None:
            for unit in units:
                if unit["group"] in ("streets", "pingyu_towns") and unit["name"].startswith(
                        district) and street.removesuffix("街道")[:2] in unit["name"]:
                    return str(unit["name"])
            return None

        return cls(places, by_name, find_local)

    def unit_for(self, topic: Topic, district: str, street: str, rng: random.Random) -> str:
        pingyu = district == "平舆县"
        wanted = topic.pingyu_unit if pingyu else topic.unit
        if wanted != LOCAL and wanted in self.units:
            return wanted
        local = self.find_local(district, street)
        if local:
            return local
        # Counties and districts without a ranked street office handle it themselves.
        return district if district in self.units else rng.choice(sorted(self.units))

    def other_unit(self, unit: str, rng: random.Random) -> str:
        group = self.units[unit]["group"]
        candidates = sorted(n for n, u in self.units.items() if u["group"] == group and n != unit)
        return rng.choice(candidates) if candidates else unit
