"""Required and forbidden phrases on constructed Chinese and English transcripts (DESIGN.md §9)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.analytics.rules import PhraseRule, RuleResult, evaluate, evaluate_all, normalise, tokens

GREETING_ZH = "您好，很高兴为您服务"


def seg(start, end, speaker, text):
    return {"start": start, "end": end, "speaker": speaker, "text": text}


def zh_call(greeting_at=1.0, greeting_by="agent", greeting=GREETING_ZH):
    return [
        seg(greeting_at, greeting_at + 3, greeting_by, greeting),
        seg(40, 45, "customer", "我想查一下我的账单。"),
        seg(46, 52, "agent", "好的，请您提供一下身份证后四位。"),
        seg(170, 176, "agent", "感谢您的来电，再见！"),
    ]


def greeting_rule(**kwargs):
    options = {"speaker": "agent", "window": ("start", 10)} | kwargs
    return PhraseRule("greeting", "required", [GREETING_ZH], **options)


def forbidden(*phrases, **kwargs):
    return PhraseRule("rude", "forbidden", list(phrases), **kwargs)


class TestChineseRequired:
    def test_greeting_in_the_first_seconds_passes_with_its_segment(self):
        result = evaluate(greeting_rule(), zh_call())
        assert result.passed
        (hit,) = result.hits
        assert (hit.start, hit.end, hit.speaker, hit.text) == (1.0, 4.0, "agent", GREETING_ZH)
        assert (hit.segment, hit.phrase, hit.score) == (0, GREETING_ZH, 100.0)
        assert result.evidence == (hit,)

    def test_greeting_at_30_s_is_outside_the_window(self):
        result = evaluate(greeting_rule(), zh_call(greeting_at=30))
        assert not result.passed
        assert result.hits == ()
        assert result.evidence == (0.0, 10.0)  # the window searched, for ▶

    def test_greeting_said_by_the_customer_does_not_count(self):
        result = evaluate(greeting_rule(), zh_call(greeting_by="customer"))
        assert not result.passed

    def test_segment_without_speaker_counts_only_for_any(self):
        call = zh_call()
        del call[0]["speaker"]
        assert not evaluate(greeting_rule(), call).passed
        assert evaluate(greeting_rule(speaker="any"), call).passed

    def test_synonym_is_a_further_phrase(self):
        rule = PhraseRule("hello", "required", ["您好", "你好"], speaker="agent", window=("start", 10))
        result = evaluate(rule, zh_call(greeting="你好，请问有什么可以帮您？"))
        assert result.passed
        assert result.hits[0].phrase == "你好"

    def test_fuzzy_near_miss_passes_at_85_not_at_100(self):
        call = zh_call(greeting="您好很高兴为你服务")
        fuzzy = evaluate(greeting_rule(threshold=85), call)
        assert fuzzy.passed
        assert 85 <= fuzzy.hits[0].score < 100
        assert fuzzy.hits[0].matched == "您好很高兴为你服务"
        assert not evaluate(greeting_rule(threshold=100), call).passed

    def test_full_width_and_punctuation_do_not_matter(self):
        rule = PhraseRule("id", "required", ["身份证后四位"], speaker="agent")
        assert evaluate(rule, [seg(0, 2, "agent", "请提供：身份证后四位！！")]).passed
        wifi = PhraseRule("wifi", "required", ["wifi密码"])
        assert evaluate(wifi, [seg(0, 2, "agent", "您的ＷｉＦｉ　密码是多少？")]).passed

    def test_closing_in_the_last_seconds(self):
        rule = PhraseRule("closing", "required", ["感谢您的来电"], speaker="agent", window=("end", 15))
        result = evaluate(rule, zh_call())
        assert result.passed
        assert result.window == (161.0, 176.0)
        early = evaluate(rule, zh_call(), duration=300)  # the recording ran on after the words
        assert not early.passed
        assert early.evidence == (285.0, 300.0)


class TestChineseForbidden:
    def test_forbidden_phrase_is_found_with_evidence(self):
        call = [*zh_call(), seg(60, 64, "agent", "这个我不知道。")]
        result = evaluate(forbidden("不知道", "没办法", speaker="agent"), call)
        assert not result.passed
        (hit,) = result.hits
        assert (hit.segment, hit.start, hit.end, hit.phrase) == (4, 60.0, 64.0, "不知道")

    def test_every_hit_is_kept(self):
        call = [seg(0, 2, "agent", "我不知道"), seg(5, 8, "agent", "没办法，不知道")]
        result = evaluate(forbidden("不知道", "没办法"), call)
        assert [(h.segment, h.phrase) for h in result.hits] == [(0, "不知道"), (1, "不知道"), (1, "没办法")]

    def test_words_that_only_share_characters_are_not_hits(self):
        call = [seg(0, 2, "agent", "好的，知道了。"), seg(3, 4, "customer", "谢谢"), seg(5, 6, "agent", "不客气")]
        assert evaluate(forbidden("不知道"), call).passed
        assert evaluate(forbidden("不"), call).passed  # "不" inside 不客气 is not a separate word

    def test_forbidden_by_the_other_speaker_is_not_the_agents_fault(self):
        call = [seg(0, 2, "customer", "我不知道")]
        assert evaluate(forbidden("不知道", speaker="agent"), call).passed
        assert not evaluate(forbidden("不知道", speaker="any"), call).passed


class TestEnglish:
    call = [
        seg(0.5, 3, "agent", "Thank you for calling Acme, this is Dana."),
        seg(4, 8, "customer", "Hi, the shutter on my window is broken."),
        seg(9, 12, "agent", "I'm sorry to hear that."),
        seg(100, 104, "agent", "Is there anything else? Thanks for calling, goodbye!"),
    ]

    def test_greeting_in_the_first_seconds(self):
        rule = PhraseRule("greeting", "required", ["thank you for calling"], speaker="agent", window=("start", 10))
        assert evaluate(rule, self.call).passed
        late = [seg(20, 23, "agent", "Thank you for calling Acme.")]
        assert not evaluate(rule, late).passed
        by_customer = [seg(0, 2, "customer", "Thank you for calling me back.")]
        assert not evaluate(rule, by_customer).passed

    def test_shutter_is_not_shut_up(self):
        rule = forbidden("shut up")
        assert evaluate(rule, self.call).passed
        rude = [*self.call, seg(50, 52, "agent", "Oh, SHUT-UP already!")]
        result = evaluate(rule, rude)
        assert not result.passed
        assert result.hits[0].start == 50.0
        assert result.hits[0].matched == "shut up"

    def test_closing_within_the_last_15_s_with_a_synonym(self):
        rule = PhraseRule(
            "closing", "required", ["thank you for calling", "thanks for calling"], speaker="agent", window=("end", 15)
        )
        result = evaluate(rule, self.call)
        assert result.passed
        assert result.hits[0].segment == 3
        assert result.hits[0].phrase == "thanks for calling"
        longer = [*self.call, seg(110, 130, "customer", "One more thing: my bill. Okay, bye.")]
        missed = evaluate(rule, longer)  # the agent's thanks came 26 s before the end
        assert not missed.passed
        assert missed.evidence == (115.0, 130.0)

    def test_fuzzy_spelling(self):
        rule = PhraseRule("verify", "required", ["date of birth"], threshold=85)
        assert evaluate(rule, [seg(0, 2, "agent", "Can I have your date of brith?")]).passed
        exact = PhraseRule("verify", "required", ["date of birth"])
        assert not evaluate(exact, [seg(0, 2, "agent", "Can I have your date of brith?")]).passed

    def test_no_partial_words_even_when_fuzzy(self):
        assert evaluate(forbidden("shut up", threshold=80), self.call).passed


class TestShapes:
    def test_empty_transcript(self):
        assert not evaluate(greeting_rule(), []).passed
        assert evaluate(forbidden("不知道"), None).passed

    def test_times_may_be_strings_and_end_may_be_missing(self):
        call = [{"start": "2.5", "text": GREETING_ZH, "speaker": "agent"}]
        result = evaluate(greeting_rule(), call)
        assert result.passed
        assert (result.hits[0].start, result.hits[0].end) == (2.5, 2.5)

    def test_as_dict_is_json_ready(self):
        import json

        data = evaluate(forbidden("不知道"), [seg(0, 2, "agent", "我不知道")]).as_dict()
        assert json.loads(json.dumps(data, ensure_ascii=False))["hits"][0]["phrase"] == "不知道"

    def test_evaluate_all_keeps_order(self):
        results = evaluate_all([greeting_rule(), forbidden("不知道")], zh_call())
        assert [r.code for r in results] == ["greeting", "rude"]
        assert all(isinstance(r, RuleResult) and r.passed for r in results)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"kind": "must"},
            {"speaker": "bot"},
            {"threshold": 101},
            {"window": ("middle", 10)},
            {"window": ("start", -1)},
            {"phrases": ["，。！"]},
            {"phrases": []},
        ],
    )
    def test_bad_rules_are_refused(self, kwargs):
        options = {"code": "x", "kind": "required", "phrases": ["您好"]} | kwargs
        with pytest.raises(ValueError):
            PhraseRule(**options)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="您好你我不知道了客气谢abc ，。!？ＡＢ", max_size=20))
def test_normalising_is_stable_and_exact_hits_are_fuzzy_hits(text):
    assert normalise(normalise(text)) == normalise(text)
    call = [seg(0, 1, "agent", text)]
    for phrase in ("不知道", "ab", "您好"):
        exact = evaluate(PhraseRule("p", "required", [phrase]), call).passed
        fuzzy = evaluate(PhraseRule("p", "required", [phrase], threshold=90), call).passed
        assert fuzzy or not exact
    assert tokens(text) == tokens(text)
