"""The public announcement of a plan: who moves where and why in plain words, and nothing
else: no runner-up, no prediction, no protected attribute, no weakness, names on request."""

import dataclasses
import json

import pytest
from hand_plan import (
    BAD_E3,
    GOOD_E2,
    GOOD_E3,
    GOOD_E3_RISK,
    RUNNER_UP,
    SANCTION_E3,
    SECRET_NUMBERS,
    SHORTFALL_E2,
    hand_plan,
)

from serving.context import ServingContext
from serving.errors import RankingError
from serving.planning import words as w
from serving.planning.announce import (
    AnnouncedMove,
    announcement,
    announcement_files,
    render_announcement_html,
    render_announcement_text,
)
from serving.planning.export import write_files
from serving.texts import LANGS

pytestmark = pytest.mark.code

NAMES = {"e1": "Ani Runner", "e2": "Budi Santoso", "e3": "Citra <b>Dewi</b>"}


@pytest.fixture(scope="module")
def context(tiny) -> ServingContext:
    """The tiny dataset with display names (for reviewers) on every employee."""
    employees = tiny.employees.copy()
    employees["display_name"] = employees["employee_id"].map(NAMES)
    return ServingContext.from_dataset(dataclasses.replace(tiny, employees=employees))


def every_output(ann) -> str:
    return "\n".join([ann.model_dump_json(), render_announcement_html(ann), render_announcement_text(ann)])


def protected_values(context) -> list[str]:
    """Birth dates, home region ids and names of the tiny employees."""
    employees = context.dataset.employees
    regions = context.dataset.regions.set_index("region_id")["name"]
    dates = [d.strftime("%Y-%m-%d") for d in employees["birth_date"]] + [d.strftime("%d-%m-%Y")
                                                                          for d in employees["birth_date"]]
    homes = [str(r) for r in employees["home_region_id"].dropna()]
    return dates + homes + [regions[r] for r in homes]


def test_announcement_has_the_moves_with_posts_units_and_merit_reasons(context):
    ann = announcement(hand_plan(), context)
    assert [(m.employee_id, m.position_id) for m in ann.moves] == [("e3", "p3"), ("e2", "p2")]
    e3 = ann.moves[0]
    assert (e3.from_title, e3.from_unit) == ("Pengadministrasi Keuangan", "Badan Keuangan Daerah")
    assert (e3.title, e3.unit) == ("Kepala Seksi Pelayanan", "UPT Kesehatan Sumba Timur")
    assert e3.reasons == [GOOD_E3, GOOD_E3_RISK] and e3.preference_met
    assert ann.moves[1].reasons == [GOOD_E2]
    assert ann.plan_id == "hand0123456789ab" and str(ann.as_of) == "2020-01-01" and ann.lang == "id"


def test_announcement_carries_nothing_private(context):
    ann = announcement(hand_plan(), context, with_names=True)
    assert set(AnnouncedMove.model_fields) == {"employee_id", "name", "from_position_id", "from_title", "from_unit",
                                                "position_id", "title", "unit", "reasons", "preference_met"}
    text = every_output(ann)
    assert RUNNER_UP not in text and NAMES[RUNNER_UP] not in text                     # nobody not chosen
    for secret in SECRET_NUMBERS:                                                     # no prediction, no value
        assert secret not in text, secret
    for value in protected_values(context):
        assert value not in text, value
    for word in ("gender", "birth", "home_region", "jenis kelamin", "tanggal lahir", "runner", "predicted",
                 "risk", "risiko", "score\"", "comment", "note"):
        assert word not in text.lower(), word
    assert BAD_E3 not in text                                                         # not a reason for the move
    assert SANCTION_E3 not in text and SHORTFALL_E2 not in text                       # favourable, yet private
    assert "<script" not in text and "http" not in text


def test_only_accepted_moves_are_announced(context):
    ann = announcement(hand_plan(), context, accepted={("e3", "p3")}, with_names=True)
    assert [m.employee_id for m in ann.moves] == ["e3"]
    text = every_output(ann)
    assert "e2" not in text and NAMES["e2"] not in text and "Kepala Subbidang Anggaran" not in text
    assert announcement(hand_plan(), context, accepted=set()).moves == []
    assert w.t("announce_none", "id") in render_announcement_text(announcement(hand_plan(), context, accepted=set()))


def test_an_accepted_move_outside_the_plan_is_refused(context):
    with pytest.raises(RankingError) as caught:
        announcement(hand_plan(), context, accepted={("e3", "p3"), ("e1", "p4")})
    assert caught.value.field == "accepted" and "e1:p4" in str(caught.value)


def test_names_only_on_request_and_escaped(context):
    without = every_output(announcement(hand_plan(), context))
    assert all(name not in without for name in NAMES.values()) and "Citra" not in without
    ann = announcement(hand_plan(), context, with_names=True)
    assert [m.name for m in ann.moves] == [NAMES["e3"], NAMES["e2"]]
    html = render_announcement_html(ann)
    assert "Citra &lt;b&gt;Dewi&lt;/b&gt;" in html and "<b>" not in html
    assert "Budi Santoso" in render_announcement_text(ann)


def test_announcement_in_both_languages(context):
    for lang in LANGS:
        ann = announcement(hand_plan(), context, lang=lang)
        text, html = render_announcement_text(ann), render_announcement_html(ann)
        assert text.startswith("# " + w.t("announce_title", lang))
        assert f'<html lang="{lang}">' in html and w.t("pref_met_note", lang) in html
    english = announcement(hand_plan(), context, lang="en")
    assert english.moves[0].reasons[0] == "Mean SKP score of the last 3 periods 4.7"
    with pytest.raises(ValueError):
        announcement(hand_plan(), context, lang="fr")


def test_announcement_text_keeps_one_line_per_field(tiny):
    units = tiny.units.copy()
    units.loc[units["unit_id"] == "u2", "name"] = "UPT\n99. forged line"
    ann = announcement(hand_plan(), ServingContext.from_dataset(dataclasses.replace(tiny, units=units)))
    lines = render_announcement_text(ann).splitlines()
    assert not any(line.startswith("99.") for line in lines)


def test_announcement_files_are_written_together(context, tmp_path):
    ann = announcement(hand_plan(), context)
    paths = write_files(tmp_path / "out", announcement_files(ann))
    assert sorted(p.name for p in paths) == ["announcement.html", "announcement.txt"]
    assert json.loads(ann.model_dump_json())["moves"][0]["employee_id"] == "e3"
    assert (tmp_path / "out" / "announcement.txt").read_text(encoding="utf-8") == render_announcement_text(ann)
