"""Smart intake core (issue 22): phones, places, risk words, the category model, proposals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.core.smart_intake.category import (
    PHRASE_BONUS,
    CategoryModel,
    Lexicon,
    TrainingTicket,
    build_model,
)
from agent_app.core.smart_intake.engine import (
    SmartIntake,
    caller_name,
    mask_places,
    training_tickets,
)
from agent_app.core.smart_intake.phones import extract_phones, mask_contacts
from agent_app.core.smart_intake.places import PlaceFinder
from agent_app.core.smart_intake.risk import RiskWords
from agent_app.demo.generate import generate_demo_tickets
from agent_app.paths import resources_dir
from agent_app.search.text import fold

RESOURCES = resources_dir()


@pytest.fixture(scope="module")
def intake() -> SmartIntake:
    return SmartIntake.load(RESOURCES)


@pytest.fixture(scope="module")
def places() -> PlaceFinder:
    return PlaceFinder.load(RESOURCES / "catalogues", RESOURCES / "intake" / "place_aliases.json")


# Phones ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("电话138-0375-1234", ["13803751234"]),
    ("手机 138 0375 1234 谢谢", ["13803751234"]),
    ("+86 138 0375 1234", ["13803751234"]),
    ("0086-13803751234", ["13803751234"]),
    ("座机0375-2345678", ["03752345678"]),
    ("(0375)2345678", ["03752345678"]),
    ("座机0375 - 2345678", ["03752345678"]),
    ("（0375）2345678", ["03752345678"]),
    ("+86-375-2345678", ["03752345678"]),
    ("幺三八零三七五幺二三四", ["13803751234"]),
    ("一三九 一二三四 五六七八", ["13912345678"]),
    ("１３８０３７５１２３４", ["13803751234"]),
    ("手机13812341234，家里0375-2223333", ["13812341234", "03752223333"]),
    ("3号楼13812345678", ["13812345678"]),
])
def test_phones_in_any_writing_come_out_as_digits(text: str, expected: list[str]) -> None:
    assert extract_phones(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("订单号13598765432的外卖没到，我电话15137512345", ["15137512345"]),
    ("发票号 13512345678 的空调坏了，手机是13612345679", ["13612345679"]),
    ("身份证号码41048219900101123X", []),
    ("账号 13937512345001 的会员卡", []),
    ("编号是A12，13912345678", ["13912345678"]),  # the label named what came before the comma
    ("快递单号 75312345678901，收件人电话 139-3752-6688", ["13937526688"]),
])
def test_a_number_the_text_names_as_something_else_is_not_a_phone(
        text: str, expected: list[str]) -> None:
    assert extract_phones(text) == expected


@pytest.mark.parametrize("text", [
    "2026-11-20下午三点", "欠了一万二千元", "欠三个月工资12000元", "身份证410402199001011234",
    "住在3号楼2单元1201室", "一二楼之间的楼梯", "拨打12345热线",
    "电表号0375123456 电费不对", "水表 0375 123 456 走得快",  # 10 digits: no landline is
])
def test_dates_amounts_ids_and_house_numbers_are_not_phones(text: str) -> None:
    assert extract_phones(text) == []


def test_a_local_number_counts_only_after_a_phone_word() -> None:
    assert extract_phones("电话2345678") == ["2345678"]
    assert extract_phones("固话 2345678") == ["2345678"]
    assert extract_phones("罚了2345678元") == []


@pytest.mark.parametrize("text, kept", [
    ("停水三天了，电话 138 0375 1234", "停水三天了,"),
    ("路灯不亮，联系方式：0375-2345678，谢谢", "路灯不亮,,谢谢"),
    ("俺的手机号是13803751234，小区没暖气", ",小区没暖气"),
])
def test_the_number_given_and_the_word_that_gives_it_are_blanked(text: str, kept: str) -> None:
    masked = mask_contacts(fold(text))
    assert len(masked) == len(fold(text))  # places found in it keep their positions
    assert masked.replace(" ", "") == kept


def test_numbers_that_are_not_phones_and_questions_about_phones_stay() -> None:
    for text in ("请问社保局的电话是多少", "订单号13598765432一直没发货", "罚了2345678元"):
        assert mask_contacts(fold(text)) == fold(text)


def test_each_number_once_in_the_order_given() -> None:
    assert extract_phones("13912345678，再说一遍139-1234-5678，或者0375-1234567") == [
        "13912345678", "03751234567"]


@given(st.lists(st.integers(1, 4), min_size=1, max_size=5),
       st.sampled_from([" ", "-", "", "—"]),
       st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_mobile_split_anywhere_by_spaces_or_dashes_is_found(cuts: list[int], separator: str,
                                                              number: str) -> None:
    parts, rest = [], number
    for cut in cuts:
        if rest:
            parts.append(rest[:cut])
            rest = rest[cut:]
    parts.append(rest)
    written = separator.join(p for p in parts if p)
    assert extract_phones(f"我的电话是{written}，谢谢") == [number]


# Places ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("新华区西高皇街道中央花园社区3号楼", ("新华区", "西高皇街道", "中央花园社区")),
    ("中央花园小区门口", ("新华区", "西高皇街道", "中央花园社区")),  # estate name, no 社区
    ("西高皇那边路灯不亮", ("新华区", "西高皇街道", "")),  # street without 街道
    ("光明路上有个坑", ("新华区", "光明路街道", "")),  # the road: the street, not yet 光明路社区
    ("卫东区这边", ("卫东区", "", "")),  # a district alone
    ("鲁山下汤镇林楼村", ("鲁山县", "下汤镇", "林楼村")),
    ("汝州温泉那边", ("汝州市", "温泉镇", "")),  # a short name beside its county
    ("卫东区平安社区", ("卫东区", "东环路街道", "平安社区")),  # named district settles it
    ("新华区建设路", ("新华区", "", "")),  # a road of another district: the district wins
    ("新华区大营小区", ("新华区", "焦店镇", "大营村")),  # 大营 is also a town of 宝丰县
    ("湛河区河滨街道新华社区", ("湛河区", "河滨街道", "新华社区")),  # not 新华社
    ("西高皇街道光明路", ("新华区", "", "")),  # two streets: only their district is sure
])
def test_places_said_loosely_resolve_as_far_as_the_text_supports(
        places: PlaceFinder, text: str, expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


@pytest.mark.parametrize("text", [
    "平安社区",  # 卫东区 and 湛河区 both have one
    "北环路社区",  # 新华区 and 卫东区
    "王庄村的",  # five towns
    "去温泉洗澡", "保平安", "十字路口红绿灯", "花园小区", "光明正大地说",
    "从卫东区搬到新华区了",  # two districts: ask, don't guess
    "大营小区",  # a town in 宝丰县 or a village in 新华区
    "新华社记者",
])
def test_ambiguous_names_and_ordinary_words_give_no_place(places: PlaceFinder,
                                                          text: str) -> None:
    assert places.locate(text) is None


# Risk -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "我真的不想活了", "再不解决我就要跳楼", "我们要拉横幅", "找记者曝光你们", "去省里上访",
    "几十个人堵在门口", "我跟他拼了，大不了同归于尽", "准备进京上访", "发到抖音上让大家看看",
    "他昨天把我头都打破了", "我们已经联系好记者了", "他扬言要带人来砸我家",
    "我们几百户村民明天集体去市委讨说法", "活着也没意思了",
])
def test_risk_words_are_flagged(text: str) -> None:
    assert RiskWords.load(RESOURCES / "intake" / "risk_words.json").is_risk(text)


@pytest.mark.parametrize("text", [
    "楼下打杀虫剂味道太大", "晚上跳广场舞太吵", "下个月要去北京旅游", "吵死了", "冷得要死",
    "家里老跳闸", "拼多多买的", "垃圾聚集在路边", "车堵在小区门口出不去",
    "楼道堆满杂物，真着火了人都跑不出去", "你们打我电话吧", "一直被打扰", "集体去春游",
    "广告牌怕掉下来砸人", "手机号码被曝光到网上了", "打破了纪录",
    "我们也不想上访，就想把问题解决了", "我没有想不开，就是想问问政策",
])
def test_innocent_uses_are_not_flagged(text: str) -> None:
    assert not RiskWords.load(RESOURCES / "intake" / "risk_words.json").is_risk(text)


def test_an_innocent_phrase_only_covers_its_own_words() -> None:
    words = RiskWords.from_document({"patterns": [{"kind": "violence", "re": "杀"}],
                                     "exceptions": ["杀虫剂"]})
    assert not words.is_risk("买了杀虫剂")
    assert [h.text for h in words.hits("买了杀虫剂，我要杀人")] == ["杀"]


@pytest.mark.parametrize("text", [
    "儿子整天说活够了", "再拖着我就吃一瓶安眠药", "他喝多了就拿菜刀吓唬我们", "我已经在楼顶上了",
    "他站在河边说要往下跳", "二十多户村民准备一块去县里讨个说法", "我就把这事发到快手上",
    "这事今天没结果我们就上北京", "我把屋里的煤气打开了", "再不给钱我就到区政府门口喝药",
    "我已经联系了报社的人，过两天就来采访", "不给说法我就把他们的车砸了",
    "老人躺在床上没气了",
])
def test_risk_said_indirectly_is_flagged(text: str) -> None:
    assert RiskWords.load(RESOURCES / "intake" / "risk_words.json").is_risk(text)


@pytest.mark.parametrize("text", [
    "家里的狗从二楼阳台上跳下去了", "小孩从沙发上跳下来摔了一下", "商场挂横幅做促销占了人行道",
    "网上说那家饭店被曝光用地沟油", "想问一下信访局的上班时间", "请问电视台记者站的电话是多少",
    "拿刀削面当早饭", "刀削面馆油烟太大", "孩子在北京上学，医保能报吗", "煤气费怎么交",
    "拿刀切西瓜的时候割了手", "树枝把我家车砸了", "全网最低价是假的",
    "灶上打不着火 表里没气了", "液化气罐没气了 送气的不来",
    "俺家猫跑到人家树上下不来了", "对门装修 早上七点就开始砸", "烧秸秆的烟呛得喘不上气",
])
def test_innocent_patterns_are_not_flagged(text: str) -> None:
    assert not RiskWords.load(RESOURCES / "intake" / "risk_words.json").is_risk(text)


def test_an_innocent_pattern_covers_only_what_it_matches() -> None:
    words = RiskWords.from_document({"patterns": [{"kind": "self_harm", "re": "跳下去"}],
                                     "innocent_patterns": ["(猫|狗)[^，。]{0,8}跳"]})
    assert not words.is_risk("猫从楼上跳下去了")
    assert words.is_risk("猫从楼上跳下去了，我也想跳下去")


def test_negations_are_reviewed_data() -> None:
    document = {"patterns": [{"kind": "petition", "re": "上访"}]}
    assert not RiskWords.from_document(document).is_risk("我们也不想去上访")
    assert RiskWords.from_document({**document, "negations": ["从不"]}).is_risk("我们也不想去上访")
    assert not RiskWords.from_document({**document, "negations": ["从不"]}).is_risk("我从不上访")


# Places: roads named after a street office or a community -------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("长青路上的井盖被偷了", ("新华区", "光明路街道", "")),
    ("平舆古槐大道上的红绿灯坏了", ("平舆县", "古槐街道", "")),
    ("清河北路上的树倒了", ("平舆县", "清河街道", "")),
    ("新程街路口积水", ("新华区", "青石山街道", "")),
    # The text's other name wins over a road that may run on through other places.
    ("建设路和开源路口天天堵", ("卫东区", "建设路街道", "")),
    # A longer road is another road; the bulletin places it only in its district.
    ("大香山路西侧辅路积水", ("新华区", "", "")),
    ("中建七局家属院的树枝碰到电线了", ("湛河区", "南环路街道", "河滨社区")),
])
def test_a_road_named_after_a_place_puts_the_appeal_in_its_street_office(
        places: PlaceFinder, text: str, expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


@pytest.mark.parametrize("text", [
    "花园路那边停水了",  # 花园路 in many towns: not 鲁山's 花园社区
    "朝阳路上有个坑",  # named after no town or community, only a village
    "光明北路上有个坑",  # the road of 光明路街道, not of 湛河区's 光明社区
])
def test_a_road_name_many_places_give_is_not_placed(places: PlaceFinder, text: str) -> None:
    assert places.locate(text) is None


# Category model -------------------------------------------------------------------------------
PATHS = [("城市管理", "路灯照明"), ("城市管理", "噪音扰民"), ("公共服务", "供水")]


def test_the_model_learns_a_word_only_the_centres_tickets_use() -> None:
    lexicon = Lexicon.parse("城市管理/路灯照明: 路灯\n城市管理/噪音扰民: 噪音\n公共服务/供水: 停水")
    before = build_model(PATHS, lexicon, [])
    tickets = [TrainingTicket("楼下一直咚咚咚", ("城市管理", "噪音扰民"))] * 3
    after = build_model(PATHS, lexicon, tickets)
    assert before.propose("咚咚咚") == []
    assert after.propose("咚咚咚")[0] == ("城市管理", "噪音扰民")
    assert after.trained_on == 3


def test_a_phrase_every_subcategory_says_adds_little_beside_its_own() -> None:
    # 电话 is a reviewed phrase of 路灯照明 only, but its bigram is in every subcategory's words.
    lexicon = Lexicon.parse("城市管理/路灯照明: 路灯 电话\n城市管理/噪音扰民: 噪音 电话打不通\n"
                            "公共服务/供水: 停水 打电话")
    model = build_model(PATHS, lexicon, [])
    bare = CategoryModel(model.classes, model.idf, model.postings)

    def bonus(text: str) -> float:
        return model.scores(text)[0] - bare.scores(text)[0]

    assert bonus("路灯") == pytest.approx(2 * PHRASE_BONUS)
    assert 0 < bonus("电话") < 0.1 * PHRASE_BONUS


def test_a_subcategory_shares_in_its_siblings_evidence() -> None:
    model = build_model(PATHS, Lexicon.parse("城市管理/路灯照明: 路灯\n城市管理/噪音扰民: 噪音\n"
                                             "公共服务/供水: 停水"), [])
    # 噪音扰民 says nothing of 路灯 but is of the same level1: second, before 供水.
    assert model.propose("路灯") == [("城市管理", "路灯照明"), ("城市管理", "噪音扰民")]


def test_a_saved_model_proposes_the_same(tmp_path: Path) -> None:
    lexicon = Lexicon.parse("城市管理/路灯照明: 路灯 不亮\n公共服务/供水: 停水 水压")
    model = build_model(PATHS, lexicon, [TrainingTicket("水龙头没水", ("公共服务", "供水"))])
    model.save(tmp_path / "model.json")
    loaded = CategoryModel.load(tmp_path / "model.json")
    for text in ("路灯不亮", "今天停水了", "水龙头没水", "噪音"):
        assert loaded.propose(text) == model.propose(text)


def test_the_shipped_model_is_the_one_built_from_demo_history_and_the_reviewed_words(
        intake: SmartIntake) -> None:
    rebuilt = intake.rebuilt(training_tickets(generate_demo_tickets(400)))
    shipped = json.loads((RESOURCES / "intake" / "category_model.json").read_text("utf-8"))
    assert json.loads(json.dumps(rebuilt.to_document())) == shipped, \
        "run scripts/build_intake_model.py"


def test_every_reviewed_word_line_names_a_catalogue_subcategory(intake: SmartIntake) -> None:
    lexicon = Lexicon.load(RESOURCES / "intake" / "category_words.txt")
    assert set(lexicon.words) == set(intake.model.classes)


# Proposals ------------------------------------------------------------------------------------
def test_a_proposal_as_the_command_line_prints_it(intake: SmartIntake) -> None:
    proposal = intake.propose("我是张女士，住中央花园小区，楼下下水道堵了污水漫出来，"
                              "电话138-0375-1234")
    document = proposal.as_json()
    assert list(document) == ["categories", "location", "phones", "risk"]
    assert document["categories"][0] == ["城市管理", "市政管网"]
    assert len(document["categories"]) <= 3
    assert document["location"] == ["新华区", "西高皇街道", "中央花园社区"]
    assert document["phones"] == ["13803751234"]
    assert document["risk"] is False
    assert proposal.caller_name == "张女士"
    assert proposal.units, "the unit follows from the routing rules with the place"


def test_a_district_alone_leaves_the_lower_levels_null(intake: SmartIntake) -> None:
    assert intake.propose("卫东区这边停水了").as_json()["location"] == ["卫东区", None, None]


def test_nothing_typed_proposes_nothing(intake: SmartIntake) -> None:
    assert intake.propose("   ").as_json() == {"categories": [], "location": None,
                                                 "phones": [], "risk": False}


def test_caller_form_of_address() -> None:
    assert caller_name("我姓王，王阿姨，住在这边") == "王阿姨"
    assert caller_name("找了物业的小李先生") == "李先生"
    assert caller_name("老师让买资料") == ""


def test_every_place_of_the_catalogue_said_in_full_resolves_to_itself(
        places: PlaceFinder, intake: SmartIntake) -> None:
    wrong = []
    for path in intake.catalogue.iter_location_paths():
        text = f"我住在{path.district}{path.street}{path.community}，门口路灯不亮"
        if places.locate(text) != (path.district, path.street, path.community):
            wrong.append((text, places.locate(text)))
    assert wrong == []


def test_a_street_said_in_full_with_its_district_resolves_to_the_street(
        places: PlaceFinder, intake: SmartIntake) -> None:
    streets = {(p.district, p.street) for p in intake.catalogue.iter_location_paths()}
    wrong = [(d, s, places.locate(f"{d}{s}这边停水了")) for d, s in sorted(streets)
             if places.locate(f"{d}{s}这边停水了") != (d, s, "")]
    assert wrong == []


@pytest.mark.parametrize(("text", "expected"), [
    ("湛河那边路灯不亮", ("湛河区", "", "")),  # the district, not 湛河社区 of 河滨街道
    ("石龙那边停水了", ("石龙区", "", "")),  # not 石龙社区
    ("新华那边停水了", ("新华区", "", "")),  # not 新华社区 of 湛河区
    ("高新那边有个工地", ("高新区", "", "")),
    ("湛河区河滨街道湛河社区", ("湛河区", "河滨街道", "湛河社区")),  # said in full it still is
    ("五一路市41中门口路灯不亮", ("卫东区", "五一路街道", "")),  # the centre's bulletin
    ("天河盛世小区的物业", ("新华区", "光明路街道", "")),  # by 新建路/长青路 (bulletin)
    ("平舆建业城小区", ("平舆县", "", "")),  # 建业城 is an estate, not 建业社区
])
def test_a_districts_short_name_means_the_district_and_bulletin_places_resolve(
        places: PlaceFinder, text: str, expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


@pytest.mark.parametrize("text", [
    "高新技术企业认定要什么条件",  # a weak district name does not vouch for itself
    "湛河边上钓鱼的人",  # the river, no place word
    "建业城小区的物业",  # many towns have one
])
def test_a_weak_district_name_needs_a_place_word(places: PlaceFinder, text: str) -> None:
    assert places.locate(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("焦店这一片停电了", ("新华区", "焦店镇", "")),
    ("焦店那片的路", ("新华区", "焦店镇", "")),
    ("十矿宿舍楼下", ("湛河区", "九里山街道", "十矿社区")),
    ("八矿生活区里", ("卫东区", "光华路街道", "八矿社区")),
    ("我是焦店的，路灯坏了", ("新华区", "焦店镇", "")),  # a place word before the name
    ("家住下汤，停水了", ("鲁山县", "下汤镇", "")),
])
def test_more_place_words_around_a_short_name(places: PlaceFinder, text: str,
                                              expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


@pytest.mark.parametrize("text", ["我是光明正大的", "住在平安小区", "焦店", "我是温柔的人"])
def test_a_place_word_before_does_not_place_weak_or_ambiguous_names(
        places: PlaceFinder, text: str) -> None:
    assert places.locate(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("村里的垃圾没人拉", ("农村管理", "人居环境")),  # not the town's 环境卫生
    ("城里停水了", ("公共服务", "供水")),  # not 农村饮水
    ("村里吃水难", ("农村管理", "农村饮水")),
    ("厂子的风机整夜嗡嗡响", ("环境保护", "噪声污染")),  # a plant: not 噪音扰民
    ("楼上装修砸墙吵得没法睡", ("城市管理", "噪音扰民")),
    ("楼道里飞线充电", ("公共安全", "消防安全")),  # 12345 practice: a fire risk
    ("健身房关门了卡里的钱退不了", ("市场管理", "预付卡消费")),
    ("工程款一直不结", ("工资薪金", "工程款拖欠")),  # not 拖欠工资
    ("网约车司机绕路", ("交通管理", "网约车")),  # not 出租车管理
])
def test_the_shipped_model_separates_near_duplicate_subcategories(
        intake: SmartIntake, text: str, expected: tuple[str, str]) -> None:
    first = intake.propose(text).categories[0]
    assert (first.level1, first.level2) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("俺的小电驴叫人拖走了", ("交通管理", "电动车管理")),
    ("家里揭不开锅了 想问问能不能吃上救济", ("社会事业", "低保救助")),
    ("结婚的红本本找不着了", ("社会事业", "婚姻登记")),
    ("种麦的钱今年没打到卡上", ("农业农村", "农业补贴")),
    ("饭店的菜吃了以后上吐下泻", ("市场监管", "食品安全")),
    ("手机在屋里一格信号都没有", ("公共服务", "通信服务")),
])
def test_the_shipped_model_knows_callers_own_words(
        intake: SmartIntake, text: str, expected: tuple[str, str]) -> None:
    first = intake.propose(text).categories[0]
    assert (first.level1, first.level2) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("俺的电动车叫人偷了", ("民主法制", "治安管理")),  # a theft, not 电动车管理
    ("孩子的电瓶车昨晚被偷", ("民主法制", "治安管理")),
    ("工人围在项目部要钱", ("工资薪金", "工程款拖欠")),
    ("网上借钱还不上 他们要爆通讯录", ("经济综合", "金融服务")),  # not 网络购物
    ("装修队收了钱活干得差 要返工", ("市场管理", "消费纠纷")),
    ("超市卖的酸奶过期了还在卖", ("市场监管", "食品安全")),  # not 药品安全
    ("路上积雪一直没人清", ("市政管理", "道路维护")),
    ("高压线离房子太近", ("公共服务", "供电")),
])
def test_the_shipped_model_knows_callers_words_for_look_alike_matters(
        intake: SmartIntake, text: str, expected: tuple[str, str]) -> None:
    first = intake.propose(text).categories[0]
    assert (first.level1, first.level2) == expected


@pytest.mark.parametrize("text", ["路灯不亮 联系电话：0375-2661234", "路灯不亮 回电13937561122",
                                  "路灯不亮 手机 138 3751 6789"])
def test_a_call_back_number_and_its_label_are_not_read_as_the_matter(
        intake: SmartIntake, text: str) -> None:
    masked = mask_places(intake.places, text)
    assert len(masked) == len(text)  # positions stay those of the text
    assert masked.startswith("路灯不亮") and "电" not in masked and "机" not in masked
    assert intake.propose(text).categories[0].level2 == "路灯照明"


def test_a_phone_word_without_a_number_is_kept(places: PlaceFinder) -> None:
    assert "打电话也不接" in mask_places(places, "车堵门口了 打电话也不接")


def test_the_reviewed_words_outweigh_the_ticket_history() -> None:
    lexicon = Lexicon.parse("城市管理/路灯照明: 路灯 不亮\n公共服务/供水: 停水 水压")
    # Tickets filed under 供水 that keep saying 路灯 (a template habit), while 路灯照明's own
    # tickets never do, do not take the reviewed word from its subcategory.
    tickets = [TrainingTicket("路灯路灯旁边停水了", ("公共服务", "供水"))] * 20 + \
        [TrainingTicket("晚上好黑啊看不见", ("城市管理", "路灯照明"))] * 20
    model = build_model(PATHS, lexicon, tickets)
    assert model.propose("路灯坏了")[0] == ("城市管理", "路灯照明")


@pytest.mark.parametrize(("text", "expected"), [
    ("中兴路居委会不给开证明", ("新华区", "中兴路街道", "中兴路社区")),  # not just the road
    ("光明路居委会门口", ("新华区", "光明路街道", "光明路社区")),
    ("申楼办事处的人", ("卫东区", "申楼街道", "")),  # a short name, said with its office
    ("轻工路街道办", ("湛河区", "轻工路街道", "")),
    ("吴寨村委会", ("新华区", "青石山街道", "吴寨村")),
])
def test_the_office_said_for_the_place(places: PlaceFinder, text: str,
                                       expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


def test_an_office_of_an_ambiguous_community_gives_no_place(places: PlaceFinder) -> None:
    assert places.locate("平安居委会") is None  # 卫东区 and 湛河区 both have 平安社区


# Places: "X的", mine numbers, more place words (issue 22, dev3) --------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("下汤的 镇上那条街路灯不亮", ("鲁山县", "下汤镇", "")),
    ("曹镇的 俺村里井水发咸", ("湛河区", "曹镇乡", "")),
    ("八矿的路灯坏了", ("卫东区", "光华路街道", "八矿社区")),  # a mine number: its community
    ("二矿的老楼", ("卫东区", "优越路街道", "二矿社区")),
    ("焦店那一带停电了", ("新华区", "焦店镇", "")),
    ("下汤集上乱摆摊", ("鲁山县", "下汤镇", "")),
])
def test_a_town_or_a_mine_number_said_with_de_is_a_place(
        places: PlaceFinder, text: str, expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


@pytest.mark.parametrize("text", [
    "和平的日子过不上",  # 和平社区's bare name is an ordinary word
    "花园的门锁坏了",
    "光明的未来",
    "钟楼的钟不走了",  # a weak name: 钟楼那边 is the street office, 钟楼的钟 is a clock
    "古槐的树枝断了",
    "温泉的水太烫",  # a road stem many places give
])
def test_de_does_not_place_an_ordinary_word(places: PlaceFinder, text: str) -> None:
    assert places.locate(text) is None


@pytest.mark.parametrize("text", ["十一矿的生活区停水了", "十一矿那边", "四矿那边的家属院"])
def test_a_mine_the_catalogue_does_not_hold_is_not_placed(places: PlaceFinder,
                                                          text: str) -> None:
    assert places.locate(text) is None  # 十一矿 is not 一矿; 四矿 has no community


# Risk: tense, hypothesis, the aftermath, others' past (issue 22, dev3) -----------------------
def _shipped_risk_words() -> RiskWords:
    return RiskWords.load(RESOURCES / "intake" / "risk_words.json")


@pytest.mark.parametrize("text", [
    "昨天楼下着火了 已经扑灭了 楼道烧黑了谁来管", "上次被打伤了 想问问赔偿怎么走程序",
    "去年邻居家着火了 现在外墙还是黑的", "厨房着火了是去年的事 保险一直不赔",
    "之前有记者来采访过 后来也没下文", "去年我们去上访过 想问问进度",
    "前几天有人在门口打架 派出所来过了",
])
def test_a_past_or_resolved_risk_is_not_a_current_one(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "如果着火了 这个楼的消防通道根本走不了人", "万一有人从天台跳下去谁负责 天台门一直没锁",
    "商场安全出口被锁起来了 着火了跑都跑不出去",
])
def test_a_hypothetical_accident_is_not_a_risk(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "要是再不给钱我就跳楼", "他说如果今天不还钱就来砍我", "如果今天不解决 我们就去市政府门口静坐",
])
def test_a_conditional_threat_is_a_risk(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "家里着火了东西都烧没了 能不能申请临时救助", "被人打伤了想起诉 没钱请律师 能不能申请法律援助",
    "家里着火了 保险公司不给理赔",
])
def test_the_aftermath_asked_about_is_not_a_current_risk(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "邻居说要把我家房子点了", "对方说要杀了我全家", "邻居喝醉了说今晚要把我家车烧了",
    "我婆婆刚才喝了农药", "他拿着砖头追着我打", "他说要找人把我腿打断",
    "这事不给个说法我就去跳湛河", "工地上塌方了 下面压着人",
    "我们一群人现在在劳动局门口等着", "我现在就在信访局门口",
    "以前他就打我 现在又拿刀堵在门口",  # the past before does not hide the present
])
def test_a_current_threat_said_in_callers_words_is_a_risk(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "学校门口早上家长车乱停 堵成一锅粥", "优越路上车堵了一个多小时", "路口车堵得厉害",
    "我们几十户业主想问问房产证什么时候能办", "超市门口好多人坐着乘凉 太吵了",
])
def test_a_traffic_jam_or_a_question_of_many_is_not_a_gathering(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


def test_villagers_blocking_the_road_is_a_gathering() -> None:
    assert _shipped_risk_words().is_risk("焦店那边好几十个村民把路堵了 不让拉土车过")


def test_others_past_in_the_news_is_not_a_risk_but_someone_about_to_jump_is() -> None:
    assert not _shipped_risk_words().is_risk("新闻里说有人跳楼了 我们小区天台没锁")
    assert _shipped_risk_words().is_risk("网上说有人在桥上要跳河")


def test_tense_and_hypothesis_are_reviewed_data_not_code() -> None:
    document = json.loads((RESOURCES / "intake" / "risk_words.json").read_text(encoding="utf-8"))
    past = "昨天楼下着火了 已经扑灭了"
    hypothetical = "万一有人从天台跳下去谁负责"
    assert not RiskWords.from_document(document).is_risk(past)
    assert not RiskWords.from_document(document).is_risk(hypothetical)
    bare = {key: value for key, value in document.items() if key != "past"}
    bare["innocent_patterns"] = []
    assert RiskWords.from_document(bare).is_risk(past)
    assert RiskWords.from_document(bare).is_risk(hypothetical)


@pytest.mark.parametrize("text", [
    "有人在我家门口泼油漆 还说下次就点火", "我姐被她老公打得住院了 现在还在威胁她",
    "孩子说不想上学了 想死", "燃气管道漏气 屋里味道很大", "老人一个人在家摔倒了 叫不醒",
    "我们小区业主准备周六在售楼部集合维权", "楼顶上有人坐在边上 好像要跳",
    "村里几十口人一起去镇上要说法",
])
def test_risk_said_another_way_is_flagged(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "热得想死", "家里的天然气管道老化了，谁负责换",  # old pipes are a repair, not a leak now
    "孩子早上叫不醒 上学迟到", "阳台上晾的衣服 想跳过去拿", "轮胎漏气了",
    "前两天我们楼着火了 现在还没通电", "上回邻居拿刀吓唬我 派出所调解过了 想问能不能起诉",
])
def test_ordinary_or_past_uses_of_the_new_words_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("一矿家属楼停暖了", ("卫东区", "东工人镇街道", "一矿社区")),
    ("去焦店赶集", ("新华区", "焦店镇", "")),
    ("平舆民心苑小区的开发商", ("平舆县", "", "")),  # the bulletin names it with 平舆's estates
])
def test_more_place_words_and_a_bulletin_estate(places: PlaceFinder, text: str,
                                               expected: tuple[str, str, str]) -> None:
    assert places.locate(text) == expected


@pytest.mark.parametrize("text", [
    "他们说再不搬就把我们家推了 还要打人", "五六十个工人在工地门口拉着横幅要工资",
    "我儿子要是再找不到工作 我也不知道怎么活了", "老公喝酒回来就打人 我现在躲在邻居家",
    "欠的钱不还 我就去他单位门口闹",
])
def test_risk_the_second_blind_check_missed_is_flagged(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", ["店门口拉着横幅搞促销", "小孩在幼儿园打人 老师不管", "闹钟坏了"])
def test_a_banner_for_a_sale_or_a_child_hitting_is_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


# Risk said the ways callers say it (issue 22 item 5): word families and gaps -------------------
@pytest.mark.parametrize("text", [
    # a present danger to life is risk by the words (a leak now, someone shut in now)
    "家里的天然气管道老化漏气了，谁负责换", "楼道里闻着煤气味可大", "电梯停了 我和孩子在里面出不去",
    "路边电线断了掉在地上", "有个孩子被锁在车里了", "还有人在打架", "燃气灶那边有股味 好像漏气了",
    # someone up high, poison at hand, last words, a family taken along
    "有个女的抱着孩子站在楼顶上", "工友爬到塔吊上了", "我婆婆拿着农药在门口坐着",
    "我遗书都写好了", "说要带着孩子一起走",
    # threats with a gap, weapons carried, beaten now
    "晚上带人来收拾我", "说不还钱就卸我一条腿", "他们拿着棍子过来了", "我爸喝醉了在打我妈",
    "几个学生围着一个孩子打", "谁出来砍谁", "大不了我进去蹲几年",
    # many going together, media and petition said another way
    "村里人都商量好了 明天都去镇政府讨说法", "我们全楼的人就去热力公司门口",
    "我们村的人现在把路给堵了", "我就把这事捅到网上去", "我准备去报社反映", "区里不管我就去省里",
])
def test_risk_said_the_ways_callers_say_it_is_flagged(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "超市天天喊跳楼价大甩卖", "热死了 想死的心都有", "我想举报有人在网上发布虚假信息",
    "工人站在楼顶上施工 没系安全带", "一直在打他电话没人接", "扛着铁锹去地里干活",
    "我把房子挂在网上出租", "家长们都到学校门口接孩子", "施工把路堵了", "电梯坏了 我妈出不去门",
    "地下室快淹了", "学校搞防溺水宣传", "我女儿去电视台面试了", "我就去省城看病",
    "电梯老是坏 我怕哪天把人关里面", "厨房有点煤气味 燃气公司来看过了说没事",
    "医生说再晚点送来就有生命危险 现在好了", "听说隔壁村有人喝农药了",
    "他去年说要杀了我 现在人搬走了", "上次说要去信访局 后来你们处理了",
    "想咨询一下上访需要准备什么材料", "上周有人被困在电梯里 物业到现在也没整改",
    "小区有天然气吗", "孩子拿着水枪到处喷",
])
def test_innocent_past_or_feared_uses_of_the_new_families_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


def test_a_negation_inside_a_gap_or_across_the_start_reassures() -> None:
    words = RiskWords.from_document({"patterns": [
        {"kind": "gathering", "re": "我们.{0,4}堵路"}, {"kind": "danger", "re": "有人被困"}]})
    assert not words.is_risk("我们不会堵路的")
    assert words.is_risk("我们明天堵路")
    assert not words.is_risk("电梯里没有人被困")
    assert words.is_risk("电梯里有人被困")
    # far from the end of the match, a negation says something else (没有拿到钱 … 堵路)
    assert RiskWords.from_document({"patterns": [
        {"kind": "gathering", "re": "工人.{0,12}堵路"}]}).is_risk("工人没有拿到钱 明天去堵路")


def test_a_space_ends_the_reach_of_a_negation() -> None:
    words = RiskWords.from_document({"patterns": [{"kind": "self_harm", "re": "跳楼"}]})
    assert not words.is_risk("我没有跳楼的想法")
    assert words.is_risk("没有钱 跳楼算了")


@pytest.mark.parametrize("text", [
    "想找个没人的地方结束这一切", "他就吊死在村委会门口", "我就从二十八楼下去",
    "我老婆吞了一板子药", "掏出一把匕首", "他在我家门口泼了汽油", "我闺女被人拉上一辆面包车",
    "隔壁传来女人哭喊救命的声音",
    "再欺负我 我就跟他们玩命", "三个村的人准备明天去县政府门口讨要补偿款", "业主们拉着白布",
    "我要去中央电视台反映", "我把视频发给了好几个自媒体博主", "我就去上级部门一直告下去",
    "厨房那边呼呼往外冒火苗", "我被困在地下室了 水已经到腰了", "躺着个人 一身酒气 怎么叫都不动",
    "池塘里有个小孩掉下去了 快来人",
])
def test_risk_the_third_round_of_families_flags(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "老人一天要吃好多药 太贵了", "听到楼上砸东西 吵得睡不着", "我就拼命干活 工资还不给",
    "家长们在门口等孩子放学", "我一直告诉他别在楼道放电动车", "天天去学校门口接孩子",
    "物业快来人 下水道堵了", "气得我直冒火", "孩子又烧起来了", "一下雨积水到膝盖",
    "燃气灶的火苗是黄色的", "我们村的人都去城里打工了", "救命钱都被骗走了", "他拿着刀在厨房切菜",
    "企业都快撑不下去了", "我们几个村的人想去政府问问补偿标准", "给我推荐个网红店",
])
def test_innocent_uses_of_the_third_round_of_families_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "不给钱就打他", "男的说要把女的从窗户扔下去", "说见一个砸一个", "他们手里有刀",
    "我们就把工地大门堵上", "明天全体家长去教育局", "我就去找焦点访谈", "我已经给人民日报写信了",
    "我发了个视频到抖音上", "活着一点意思都没有", "有个醉汉躺在马路中间", "有个人在桥栏杆外面站着",
    "小孩爬到了窗户外面的空调架上", "前面路口有辆车翻了 里面还有人", "插座那冒烟了",
    "我婆婆被她儿子锁在屋里好几天了",
])
def test_risk_the_fourth_round_of_families_flags(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "有事就打他电话", "他身上有刀伤 是去年的事", "钥匙被锁在车里了", "全体员工去团建",
    "我在人民日报上看到一个政策", "发了个抖音卖我们家的苹果", "阳台外面挂着衣服",
    "房子塌了 里面有人住吗", "厨房油烟机不好 老冒烟", "家里的燃气热水器打不着火了",
    "电视台来我们村拍过节目", "请问游乐场的跳楼机什么时候开", "我上访的事去年已经结案了",
    "去年冬天我们家煤气中毒过一次", "煤气中毒过的人能献血吗",
])
def test_innocent_or_done_uses_of_the_fourth_round_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


def test_the_aspect_of_what_happened_once_is_reviewed_data() -> None:
    document = json.loads((RESOURCES / "intake" / "risk_words.json").read_text(encoding="utf-8"))
    assert not RiskWords.from_document(document).is_risk("煤气中毒过的人能献血吗")
    assert RiskWords.from_document(document).is_risk("我叫记者过来了")  # 过来 is no aspect
    past = {key: value for key, value in document["past"].items() if key != "done_after"}
    assert RiskWords.from_document({**document, "past": past}).is_risk("煤气中毒过的人能献血吗")


@pytest.mark.parametrize("text", [
    "有个人被电着了", "楼道里全是烟", "孩子发高烧抽筋了", "现在还躺在地上起不来",
    "他把自己关在屋里 说要开煤气", "老人还在屋顶上 下不来", "有人从架子上掉下来了 一动不动",
    "孩子掉进化粪池了", "我们村五十多户准备明天去市里", "工人们现在都围在厂门口",
])
def test_risk_the_fifth_round_of_families_flags(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "办事员翻白眼", "电动车倒在路边 推不动了", "楼道里全是烟味 有人抽烟", "晚上腿抽筋",
    "猫在树上下不来了", "手机掉进下水道了", "要开天然气需要什么手续", "孩子们都围在门口看热闹",
    "几个老人想去市政府旁边的公园跳舞", "几十户村民想去镇上问问低保政策",
])
def test_innocent_uses_of_the_fifth_round_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "我妈心脏病犯了 救护车半小时还没来", "老人走丢了 天快黑了", "躺在地上流了好多血",
    "我们被关在仓库里出不去", "他们把门焊死了 我们出不去", "煤气罐着了", "他天天跟踪我",
    "说要让我不得安宁", "同学约他放学后打架", "带了一车人过去了", "我要把事闹大",
    "业主群里在组织 周末去售楼处", "我们明天就睡在他公司", "实在不行我就去中南海",
    "我就在你们单位门口喝药", "拿着绳子 不想回去了",
])
def test_risk_the_sixth_round_of_families_flags(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "我爸脑梗后遗症 想问康复能不能报销", "热得我快晕倒了", "孩子丢了钱包", "孩子丢了一辆自行车",
    "流鼻血了 医院不给看", "炒菜火太大", "约了几个朋友打一架羽毛球", "带了一车人去旅游",
    "事情闹大了 孩子被处分了", "业主群里组织团购", "加班睡在公司 没有加班费",
    "我想去天安门看升旗", "在门口喝药酒", "买了一根绳子晾衣服",
])
def test_innocent_uses_of_the_sixth_round_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "对门那个男的拿着铁锤在砸我家门", "我站在窗户边上 你们再不来我就下去", "说想抱着孩子跳下去",
    "地铁站有个人突然倒下了", "要找人把我儿子腿打折", "楼下有人拿着刀 在砍一个女的",
    "我被打得耳朵听不见了", "有个小孩在马路中间乱跑", "家里进水了 老人瘫在床上走不了",
    "两百多个家长聚在学校门口", "已经在市委门口拉起横幅了", "我准备把材料送到北京去",
])
def test_risk_the_seventh_round_of_families_flags(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "孩子想跳下去游泳", "师傅拿着扳手在修水管", "装修工人在砸墙", "工人在砸门框 装修太吵",
    "他在砍价", "小孩在马路中间的绿化带上玩", "老人一下子晕车了", "大家聚在门口聊天",
    "不吃不喝也要减肥", "门口拉起横幅庆祝开业",
])
def test_innocent_uses_of_the_seventh_round_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "昨晚偷偷把安眠药都吃了", "男的把女的头按在水缸里", "要来我家 把我们全家都杀了", "你给我等着",
    "我们村几十口人堵在高速路口", "再不管就要出人命了", "锅炉爆炸了", "出车祸了 人躺在地上",
    "有个孩子在井里 哭着喊妈妈", "我爸被他们打得满地打滚", "有人在抢劫",
])
def test_risk_the_eighth_round_of_families_flags(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "热死人了 空调不修", "药都吃了 病还没好", "我们等着你们的答复", "上次被抢劫了 派出所一直没破案",
    "去年出车祸了 保险不赔", "开山放炮用的炸药是不是违规", "孩子在河里游泳 没人管",
    "几十辆车堵在路口",
])
def test_innocent_uses_of_the_eighth_round_are_not_flagged(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


# Risk: present dangers to life said as events (issue 22, item 5) ---------------------------
@pytest.mark.parametrize("text", [
    "工地的坑塌了 下面还有两个工人", "房子塌了一半 我妈还在里面", "有个老人倒在路边 一直不动",
    "电线断了一根 搭在铁栅栏上 孩子们在旁边玩", "孩子刚才喝了洗洁精 一直吐",
    "我家宝宝误食了纽扣电池", "屋里烧着炭火 一家人都头晕想吐", "电动车在楼道里冒烟了",
    "有人在加油站旁边烧东西", "对方回去叫人了", "孩子被水冲走了", "燃气报警器一直在响",
])
def test_a_present_danger_said_as_an_event_is_a_risk(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize(("innocent", "danger"), [
    ("疫情期间被困在家里没网 想办宽带", "两个工人被困在井下"),
    ("我儿子早上叫不醒 天天赖床 上学迟到", "我爸叫不醒了 嘴唇发紫"),
    ("你们是不是吃错药了 这么办事", "我奶奶吃错药了 现在迷迷糊糊的"),
    ("家里的花中毒了 叶子发黄", "一家人都中毒了 上吐下泻"),
])
def test_the_words_of_a_present_danger_in_an_innocent_use_are_not_flagged(innocent: str,
                                                                         danger: str) -> None:
    words = _shipped_risk_words()
    assert words.is_risk(danger)
    assert not words.is_risk(innocent)


@pytest.mark.parametrize("text", ["家人的手机掉进河里了", "孩子在车里睡着了 我在旁边"])
def test_a_thing_dropped_in_water_or_a_child_asleep_is_not_a_danger(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


def test_a_named_part_is_shared_by_patterns_and_an_unknown_name_is_an_error() -> None:
    document = {"names": {"who": "孩子|老人"},
                "patterns": [{"kind": "danger", "re": "<<who>>落水"}]}
    words = RiskWords.from_document(document)
    assert words.is_risk("老人落水了") and not words.is_risk("手机落水了")
    with pytest.raises(KeyError):
        RiskWords.from_document({"patterns": [{"kind": "danger", "re": "<<whom>>落水"}]})


@pytest.mark.parametrize(("innocent", "danger"), [
    ("车开到河边就没路了", "车冲进河里了"),
    ("噪音吵得大家都头晕", "食堂吃完饭 好多学生上吐下泻"),
    ("工厂烟囱天天冒黑烟", "楼道里往外冒黑烟"),
    ("衣服挂在窗外被风吹走了", "工人从脚手架上摔下来了"),
])
def test_more_present_dangers_are_flagged_and_their_innocent_twins_are_not(innocent: str,
                                                                         danger: str) -> None:
    words = _shipped_risk_words()
    assert words.is_risk(danger)
    assert not words.is_risk(innocent)


@pytest.mark.parametrize("text", ["槽罐车翻了 液氨泄漏", "一伙人冲进我家 见东西就砸",
                                  "冰面裂开了 有孩子在上面"])
def test_a_leak_a_break_in_or_ice_giving_way_is_a_risk(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


# Risk said by what is going on, not by a risk word (issue 22 item 5, risk_dev12) -------------
@pytest.mark.parametrize("text", [
    "矿井透水了，水一直往上涨，下面还有七八个工人没上来",  # a danger now, people still in it
    "强拆的铲车已经在铲院墙了，俺爹还在屋里躺着不肯走",
    "脚手架的钢丝绳断了，上面还有工人吊着",
    "桥洞积水都到车窗了，里面的车熄火了，人还在车里",
    "楼下那个窨井盖被偷了，刚才一个小孩掉进去了",
    "厨房液化气管子被老鼠咬破了，一屋子味，不敢开火",  # not daring to strike a light
    "我姐这几天情绪不好，刚才留了封信，现在手机关机了",  # low, then out of reach
    "讨债的把我爸塞进面包车拉走了",
    "孩子被几个社会青年关在网吧后面打",
    "邻居老太太一个人住，好几天没出门，敲门也没人应",  # a welfare check
])
def test_a_danger_going_on_now_is_flagged(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "听说邻村有人去县政府门口静坐了，俺们这儿的补偿款也不知道啥时候发",  # hearsay elsewhere
    "前年我们十几个工友一起去劳动局讨说法，之后老板把钱都结清了，想问问社保能不能补缴",
])
def test_hearsay_or_a_gathering_long_settled_is_not_a_risk(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


def test_each_reviewed_risk_pattern_is_written_once() -> None:
    document = json.loads((RESOURCES / "intake" / "risk_words.json").read_text("utf-8"))
    for part in ("patterns", "innocent_patterns", "exceptions", "negations"):
        entries = [json.dumps(e, ensure_ascii=False, sort_keys=True) for e in document[part]]
        assert len(entries) == len(set(entries)), part


# Risk: families of what makes a call dangerous, so that they carry to new callers' words -------
@pytest.mark.parametrize("text", [
    "去省城的大巴我们已经订好了",  # a plan with its means fixed
    "标语都印好了 明天就挂到开发商大门上",
    "司机们说好了明天全部停运 开到交通局门口",  # a strike, then a march to an office
    "我妹说她男人要是再动手 就跟他一起死",  # dying together
    "女儿把自己锁在卫生间半天了 一点动静都没有",  # no answer behind a locked door
    "我爸一个人在家 打了一上午电话不接 门从里面反锁着",
    "他被人砍了 手上全是血",  # blood now
    "我姥爷老年痴呆 昨晚跑出去了到现在找不到",  # a confused old person gone
    "有个流浪汉在公园长椅上躺着 零下五度 穿得很少",  # out in the cold
    "我们楼的承重墙裂开了 楼里还住着二十多户",  # cracking, people still inside
    "你们不给解决我就把他们打人的视频传到网上",  # posted online
    "我已经跟电视台联系好了 明天下午就到",  # the press already called
    "他们说今天不给钱就去劳动局门口点火",
])
def test_risk_families_carry_to_words_not_in_any_set(text: str) -> None:
    assert _shipped_risk_words().is_risk(text)


@pytest.mark.parametrize("text", [
    "我们商量好了下周去市里看病 想问下医保异地怎么报",  # a plan, but an errand
    "订好了去北京的机票 孩子要去北京上大学 想问户口迁移",
    "我们商量好了 明天去他公司谈谈赔偿", "签了字去政府盖个章就行",
    "在去北京的火车上 手机丢了 怎么报警",
    "孩子们全部到学校门口集合 坐车去春游", "厂里停工了 我去劳动局问问工资怎么算",
    "敲门也不开 楼上漏水到我家 人不在家", "打过去电话里面没声音 是不是线路坏了",
    "叫了半天也不答应 这个窗口的工作人员在玩手机",  # a counter that ignores a caller
    "他把自己关在房间里打游戏 一点声音都没有 想问网吧管不管",
    "我妈老年痴呆 想问问能不能申请护理补贴", "昨天老人走丢了 后来找到了 想谢谢派出所",
    "吃了好几盒药都没用 想问医院能不能退钱", "一天吃三片降压药 医保能报多少",
    "药我都买好了 就是不知道怎么用 说明书看不懂",
    "电视剧里的人跳楼 孩子学着爬窗台 学校能不能教育一下",  # a drama
    "我们拍的好人好事的视频想发到抖音上 宣传一下", "招标公告挂网上了吗 在哪能查到",
    "暖气不热 老人在家坐着都冻得发抖", "车里锁着孩子的书包 钥匙落里面了",
    "房子墙上裂了条缝 家里有老人 想找人修一下", "楼顶上的太阳能拆不下来了",
    "交警把他的车扣下了 怎么处理", "老板把我工资扣下了 不给结", "拼命干了一年活 老板不给钱",
    "把煤气罐搬到门口 等送气的来换", "我天天去那个菜市场 路灯坏了好几盏",
    "我们村书记不给盖章 去村委会找书记好几次了", "这活得太累了 能不能少干点",
    "我们都是老实人 不会闹事的 就是想早点拿到工资",
])
def test_risk_families_leave_innocent_uses_alone(text: str) -> None:
    assert not _shipped_risk_words().is_risk(text)


def test_no_reviewed_risk_pattern_has_an_empty_alternative() -> None:
    document = json.loads((RESOURCES / "intake" / "risk_words.json").read_text(encoding="utf-8"))
    texts = [p["re"] for p in document["patterns"]] + list(document["innocent_patterns"])
    texts += list(document["names"].values())
    # An empty alternative matches everywhere: as a pattern every text, as a lookahead nothing.
    assert not [t for t in texts if "||" in t or "(|" in t or "|)" in t]
