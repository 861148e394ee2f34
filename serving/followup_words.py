"""Words of the follow-up list: the features of the new post since the move
(:data:`features.followup.SINCE_MOVE_FEATURES`), the early warnings and the notices, in
Indonesian (default) and English. The ranker's own features keep their words in
:mod:`serving.texts`; :func:`describe` covers both.

Pure and free of :mod:`serving.followup` (which imports this module).
"""

import math

from features import followup as fu
from features import snapshot as s
from serving import texts

# feature -> (Indonesian, English) template; {v} is the formatted value
TEMPLATES: dict[str, tuple[str, str]] = {
    fu.MONTHS_SINCE_MOVE: ("{v} bulan sejak mutasi", "{v} months since the move"),
    fu.APPRAISALS_SINCE_MOVE: ("{v} penilaian SKP di jabatan baru", "{v} SKP appraisals in the new post"),
    fu.MEAN_SCORE_SINCE_MOVE: ("Rata-rata nilai SKP di jabatan baru {v}", "Mean SKP score in the new post {v}"),
    fu.SCORE_CHANGE_SINCE_MOVE: ("Nilai SKP berubah {v} sejak mutasi", "SKP score changed by {v} since the move"),
    fu.SANCTIONS_SINCE_MOVE: ("{v} hukuman disiplin sejak mutasi", "{v} disciplinary sanctions since the move"),
    fu.TRAINING_HOURS_SINCE_MOVE: ("{v} JP pelatihan sejak mutasi", "{v} training hours (JP) since the move"),
}
NONE_YET: dict[str, tuple[str, str]] = {        # a missing value of a since-move feature
    fu.LAST_SCORE_SINCE_MOVE: ("Belum ada SKP di jabatan baru", "No SKP appraisal in the new post yet"),
    fu.MEAN_SCORE_SINCE_MOVE: ("Belum ada SKP di jabatan baru", "No SKP appraisal in the new post yet"),
    fu.SCORE_CHANGE_SINCE_MOVE: ("Belum ada SKP di jabatan baru untuk dibandingkan",
                                 "No SKP appraisal in the new post to compare yet"),
    fu.LAST_BEHAVIOR_SINCE_MOVE: ("Belum ada penilaian perilaku kerja di jabatan baru",
                                  "No work behaviour rating in the new post yet"),
}
LEADS: dict[str, tuple[str, str]] = {
    fu.LAST_SCORE_SINCE_MOVE: ("SKP terakhir di jabatan baru", "Last SKP in the new post"),
    fu.LAST_BEHAVIOR_SINCE_MOVE: ("Perilaku kerja terakhir di jabatan baru", "Last work behaviour in the new post"),
}

# the ranker's "current post" features are read at the move: the post left behind
AT_MOVE: dict[str, tuple[str, str]] = {
    s.TENURE_IN_POST: ("{v} tahun di jabatan sebelum mutasi", "{v} years in the post before the move"),
    s.CURRENT_JOB_CLASS: ("Kelas jabatan sebelum mutasi {v}", "Job class before the move {v}"),
}
POST_BEFORE = ("Jabatan sebelum mutasi", "Post before the move")

WARNINGS: dict[str, tuple[str, str]] = {       # serving.followup.EarlyWarning values
    "risk_high": ("Risiko di atas ambang", "Risk above the threshold"),
    "risk_rose": ("Risiko naik sejak keputusan", "Risk rose since the decision"),
    "appraisal_fell": ("Nilai SKP turun setelah mutasi", "Appraisal fell after the move"),
    "survey_unhappy": ("Survei: tidak puas", "Survey: unhappy"),
    "survey_wants_to_leave": ("Survei: ingin pindah", "Survey: wants to leave"),
}
NOTICES: dict[str, tuple[str, str]] = {        # serving.followup.FollowupNotice values
    "no_followup_model": (
        "Model yang dilayani belum memiliki model risiko pascamutasi: risiko sekarang tidak diketahui, daftar "
        "diurutkan menurut risiko saat keputusan dan alasannya dari model saat keputusan.",
        "The served model has no post-transfer risk model: the risk now is unknown, the list is ordered by the "
        "risk at the decision and its reasons come from the decision's model."),
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def describe(feature: str, value, row: dict, lang: str = "id") -> str:
    """Words for one input of the post-transfer model: the ranker's features through
    :func:`serving.texts.describe`, those naming the current post as the post before the move."""
    if feature in AT_MOVE:
        shown = "-" if _missing(value) else texts.number(float(value), lang, 1)
        return texts.pick(AT_MOVE[feature], lang).format(v=shown)
    if feature == s.CURRENT_POSITION_TYPE:
        kind = texts.POSITION_TYPE_NAMES.get(str(value), (str(value), str(value)))
        return f"{texts.pick(POST_BEFORE, lang)}: {texts.pick(kind, lang)}"
    if feature not in fu.SINCE_MOVE_FEATURES:
        return texts.describe(feature, value, row, lang)
    if _missing(value) and feature in NONE_YET:
        return texts.pick(NONE_YET[feature], lang)
    if feature == fu.LAST_SCORE_SINCE_MOVE:
        return f"{texts.pick(LEADS[feature], lang)}: {texts.pick(texts.RATING_NAMES.get(int(value), ('?', '?')), lang)}"
    if feature == fu.LAST_BEHAVIOR_SINCE_MOVE:
        name = texts.EXPECTATION_NAMES.get(int(round(float(value))), ("?", "?"))
        return f"{texts.pick(LEADS[feature], lang)}: {texts.pick(name, lang)}"
    if _missing(value):
        shown = "-"
    elif feature == fu.SCORE_CHANGE_SINCE_MOVE:
        shown = texts.signed(float(value), lang, 1)
    else:
        shown = texts.number(float(value), lang, 0 if feature == fu.MONTHS_SINCE_MOVE else 1)
    return texts.pick(TEMPLATES[feature], lang).format(v=shown)


def labelled(feature: str) -> bool:
    """Whether ``feature`` has words (a test requires it for every post-transfer input)."""
    return feature in TEMPLATES or feature in LEADS or texts.labelled(feature)


def warning_text(code: str, lang: str = "id") -> str:
    return texts.pick(WARNINGS[code], lang) if code in WARNINGS else str(code).replace("_", " ")


def notice_text(code: str, lang: str = "id") -> str:
    return texts.pick(NOTICES[code], lang) if code in NOTICES else str(code).replace("_", " ")


def percent(probability: float, lang: str = "id") -> str:
    """0.423 -> '42,3%' (id) or '42.3%' (en)."""
    return f"{texts.number(100 * probability, lang, 1)}%"
