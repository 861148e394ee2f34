"""Plain-language labels of features and their values, in Indonesian and English.

``describe(feature, value, row, lang)`` turns a model input into words with human units
("Kompetensi pengambilan keputusan 1,2 level di bawah standar jabatan"). Every model
feature has a label; a test checks it.
"""

import math

from features import pairs as p
from features import snapshot as s
from features import vocab as v

LANGS = ("id", "en")             # Indonesian first: the default of every door

COMPETENCY_NAMES = {
    "m.01": ("integritas", "integrity"),
    "m.02": ("kerja sama", "teamwork"),
    "m.03": ("komunikasi", "communication"),
    "m.04": ("orientasi pada hasil", "results orientation"),
    "m.05": ("pelayanan publik", "public service"),
    "m.06": ("pengembangan diri dan orang lain", "developing self and others"),
    "m.07": ("mengelola perubahan", "managing change"),
    "m.08": ("pengambilan keputusan", "decision-making"),
    "sk.01": ("perekat bangsa", "national cohesion"),
}
DOMAIN_NAMES = {
    "keuangan": ("keuangan", "finance"), "kesehatan": ("kesehatan", "health"),
    "pendidikan": ("pendidikan", "education"), "hukum": ("hukum", "law"),
    "teknologi_informasi": ("teknologi informasi", "information technology"),
    "pekerjaan_umum": ("pekerjaan umum", "public works"), "kepegawaian": ("kepegawaian", "civil service HR"),
    "perencanaan": ("perencanaan", "planning"), "pelayanan_publik": ("pelayanan publik", "public services"),
    "kebencanaan": ("kebencanaan", "disaster management"),
    "administrasi_umum": ("administrasi umum", "general administration"),
}
POSITION_TYPE_NAMES = {
    "jpt_utama": ("JPT utama", "senior executive (utama)"), "jpt_madya": ("JPT madya", "senior executive (madya)"),
    "jpt_pratama": ("JPT pratama", "senior executive (pratama)"), "administrator": ("administrator", "administrator"),
    "pengawas": ("pengawas", "supervisor"), "pelaksana": ("pelaksana", "staff"), "fungsional": ("fungsional", "functional"),
}
RATING_NAMES = {5: ("sangat baik", "very good"), 4: ("baik", "good"), 3: ("butuh perbaikan", "needs improvement"),
                2: ("kurang", "poor"), 1: ("sangat kurang", "very poor")}
EXPECTATION_NAMES = {1: ("di atas ekspektasi", "above expectations"), 0: ("sesuai ekspektasi", "as expected"),
                     -1: ("di bawah ekspektasi", "below expectations")}
GRADE_BY_RANK = {rank: grade for grade, rank in v.GRADE_RANK.items()}
# levels sharing a rank (d4 = s1) are shown together: 7 -> "D4/S1"
EDUCATION_BY_RANK = {rank: "/".join(level.upper() for level in v.EDUCATION_LEVELS if v.EDUCATION_RANK[level] == rank)
                     for rank in sorted(set(v.EDUCATION_RANK.values()))}


def number(value: float, lang: str, digits: int = 1) -> str:
    """1.25 -> '1,3' (id) or '1.3' (en); whole numbers without decimals."""
    text = f"{value:.{digits}f}" if abs(value - round(value)) > 1e-9 else f"{round(value):d}"
    return text.replace(".", ",") if lang == "id" else text


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Indonesian (default) or English word of a pair."""
    return pair[0] if lang == "id" else pair[1]


def domain_name(code, lang: str) -> str:
    if not isinstance(code, str):
        return "?" if lang == "en" else "tidak diketahui"
    return pick(DOMAIN_NAMES.get(code, (code.replace("_", " "),) * 2), lang)


def competency_name(code: str, lang: str) -> str:
    if code.startswith(v.TECHNICAL_PREFIX):
        domain = domain_name(code[len(v.TECHNICAL_PREFIX):], lang)
        return f"teknis {domain}" if lang == "id" else f"{domain} technical"
    return pick(COMPETENCY_NAMES.get(code, (code, code)), lang)


def _gap_text(name: str, gap: float, lang: str) -> str:
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return (f"Kompetensi {name} belum diasesmen" if lang == "id" else f"{name.capitalize()} competency not assessed")
    amount = number(abs(gap), lang)
    if lang == "id":
        where = "di bawah" if gap < 0 else "di atas"
        return (f"Kompetensi {name} memenuhi standar jabatan" if gap == 0
                else f"Kompetensi {name} {amount} level {where} standar jabatan")
    where = "below" if gap < 0 else "above"
    return (f"{name.capitalize()} competency meets the post's standard" if gap == 0
            else f"{name.capitalize()} competency {amount} levels {where} the post's standard")


def _yes_no(flag, yes: tuple[str, str], no: tuple[str, str], lang: str) -> str:
    """The flag's words; an unknown flag names what is unknown ("Willing to relocate: unknown")."""
    if flag is None or (isinstance(flag, float) and math.isnan(flag)):
        return f"{pick(yes, lang)}: {'tidak diketahui' if lang == 'id' else 'unknown'}"
    return pick(yes if flag else no, lang)


# feature -> (Indonesian template, English template); {v} is the formatted value
TEMPLATES: dict[str, tuple[str, str]] = {
    s.TENURE_IN_POST: ("{v} tahun di jabatan sekarang", "{v} years in the current post"),
    s.SERVICE_YEARS: ("Masa kerja {v} tahun", "{v} years of service"),
    s.YEARS_IN_GRADE: ("{v} tahun dalam golongan sekarang", "{v} years in the current grade"),
    s.MEAN_SCORE_3: ("Rata-rata nilai SKP 3 periode terakhir {v}", "Mean SKP score of the last 3 periods {v}"),
    s.SCORE_TREND: ("Perubahan nilai SKP terakhir {v}", "Change in the last SKP score {v}"),
    s.N_APPRAISALS: ("{v} penilaian SKP tercatat", "{v} SKP appraisals on record"),
    s.MEAN_WORK_BEHAVIOR_3: ("Rata-rata perilaku kerja 3 periode {v} (−1 s.d. +1)",
                             "Mean work behaviour of 3 periods {v} (−1 to +1)"),
    s.YEARS_SINCE_ASSESSMENT: ("Asesmen kompetensi terakhir {v} tahun lalu", "Last competency assessment {v} years ago"),
    s.TRAINING_HOURS_TOTAL: ("{v} JP pelatihan seluruhnya", "{v} training hours (JP) in total"),
    s.TRAINING_HOURS_3Y: ("{v} JP pelatihan dalam 3 tahun terakhir", "{v} training hours (JP) in the last 3 years"),
    s.LEADERSHIP_HOURS: ("{v} JP pelatihan kepemimpinan", "{v} hours (JP) of leadership training"),
    s.N_SANCTIONS: ("{v} hukuman disiplin tercatat", "{v} disciplinary sanctions on record"),
    s.N_MOVES: ("{v} kali mutasi/rotasi sebelumnya", "{v} previous transfers"),
    s.N_DOMAINS_SERVED: ("Pernah bertugas di {v} bidang", "Has served in {v} fields"),
    s.CURRENT_JOB_CLASS: ("Kelas jabatan sekarang {v}", "Current job class {v}"),
    p.TARGET_JOB_CLASS: ("Kelas jabatan tujuan {v}", "Target job class {v}"),
    p.JOB_CLASS_STEP: ("Selisih kelas jabatan {v}", "Job class step {v}"),
    p.DISTANCE_KM: ("Jarak ke lokasi jabatan {v} km", "{v} km from the post's location"),
    p.TARGET_DOMAIN_YEARS: ("{v} tahun pengalaman di bidang jabatan", "{v} years of experience in the post's field"),
    p.EDUCATION_HEADROOM: ("Pendidikan {v} tingkat di atas syarat minimum",
                           "Education {v} levels above the minimum"),
    p.GRADE_HEADROOM: ("Golongan {v} tingkat di atas syarat minimum", "Grade {v} steps above the minimum"),
    p.MANAGERIAL_SHORTFALL: ("Total kekurangan kompetensi manajerial {v} level",
                             "Managerial competencies {v} levels short in total"),
    p.N_SHORTFALLS: ("{v} kompetensi di bawah standar jabatan", "{v} competencies below the post's standard"),
    p.DOMAIN_TRAINING_HOURS_3Y: ("{v} JP pelatihan di bidang jabatan (3 tahun)",
                                 "{v} hours (JP) of training in the post's field (3 years)"),
    p.GAP_TRAINING_HOURS_3Y: ("{v} JP pelatihan untuk kompetensi yang kurang (3 tahun)",
                              "{v} hours (JP) of training on the lacking competencies (3 years)"),
}

FLAGS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    s.EVER_MANAGERIAL: (("Pernah menduduki jabatan manajerial", "Has held a managerial post"),
                        ("Belum pernah menduduki jabatan manajerial", "Has never held a managerial post")),
    s.WILLING_TO_RELOCATE: (("Bersedia dipindah lokasi", "Willing to relocate"),
                            ("Tidak bersedia dipindah lokasi", "Not willing to relocate")),
    s.HAS_PREFERENCE: (("Menyatakan minat penempatan", "Stated placement preferences"),
                       ("Tidak menyatakan minat penempatan", "No stated placement preferences")),
    p.TARGET_REMOTE: (("Lokasi jabatan di daerah terpencil (3T)", "Post in a remote (3T) area"),
                      ("Lokasi jabatan bukan daerah terpencil", "Post not in a remote area")),
    p.RELOCATION: (("Harus pindah lokasi kerja", "Requires moving to another region"),
                   ("Tidak perlu pindah lokasi kerja", "No change of region")),
    p.RELOCATION_UNWILLING: (("Pindah lokasi padahal tidak menyatakan bersedia", "Relocation without stated willingness"),
                             ("Tidak ada pindah lokasi yang tidak diinginkan", "No unwanted relocation")),
    p.DOMAIN_SWITCH: (("Pindah ke bidang lain", "Moves to another field"), ("Tetap di bidang yang sama", "Stays in the same field")),
    p.EDUCATION_FIELD_MATCH: (("Bidang pendidikan sesuai bidang jabatan", "Education matches the post's field"),
                              ("Bidang pendidikan tidak sesuai bidang jabatan", "Education outside the post's field")),
    p.FIRST_MANAGERIAL: (("Jabatan manajerial pertama", "First managerial post"),
                         ("Bukan jabatan manajerial pertama", "Not a first managerial post")),
    p.PREF_DOMAIN_MATCH: (("Sesuai bidang yang diminati", "Matches the preferred field"),
                          ("Bukan bidang yang diminati", "Not the preferred field")),
    p.PREF_REGION_MATCH: (("Sesuai lokasi yang diminati", "Matches the preferred region"),
                          ("Bukan lokasi yang diminati", "Not the preferred region")),
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def describe(feature: str, value, row: dict, lang: str = "id") -> str:
    """Words for one feature value; ``row`` gives context (domains, position types)."""
    if feature in p.GAP_COLUMNS:
        return _gap_text(competency_name(feature[len("gap_"):], lang), value, lang)
    if feature == p.TECH_GAP:
        return _gap_text(competency_name(v.technical_code(str(row.get(p.TARGET_DOMAIN))), lang), value, lang)
    if feature in FLAGS:
        yes, no = FLAGS[feature]
        return _yes_no(None if _missing(value) else bool(value), yes, no, lang)
    if feature in (s.LAST_SCORE, s.PREV_SCORE):
        which = ("SKP terakhir", "Last SKP") if feature == s.LAST_SCORE else ("SKP sebelumnya", "Previous SKP")
        name = pick(RATING_NAMES.get(int(value), ("?", "?")), lang) if not _missing(value) else "-"
        return f"{pick(which, lang)}: {name}"
    if feature in (s.LAST_WORK_RESULT, s.LAST_WORK_BEHAVIOR):
        which = (("Hasil kerja terakhir", "Last work result") if feature == s.LAST_WORK_RESULT
                 else ("Perilaku kerja terakhir", "Last work behaviour"))
        name = pick(EXPECTATION_NAMES.get(int(value), ("?", "?")), lang) if not _missing(value) else "-"
        return f"{pick(which, lang)}: {name}"
    if feature == s.GRADE_RANK:
        return f"{'Golongan' if lang == 'id' else 'Grade'} {GRADE_BY_RANK.get(int(value), '?') if not _missing(value) else '-'}"
    if feature == s.EDUCATION_RANK:
        level = EDUCATION_BY_RANK.get(int(value), "?") if not _missing(value) else "-"
        return f"{'Pendidikan' if lang == 'id' else 'Education'} {level}"
    if feature in (s.CURRENT_POSITION_TYPE, p.TARGET_POSITION_TYPE):
        which = ("Jabatan sekarang", "Current post") if feature == s.CURRENT_POSITION_TYPE else ("Jabatan tujuan", "Target post")
        kind = pick(POSITION_TYPE_NAMES.get(str(value), (str(value), str(value))), lang)
        return f"{pick(which, lang)}: {kind}"
    if feature == p.TARGET_DOMAIN:
        return f"{'Bidang jabatan' if lang == 'id' else 'Field of the post'}: {domain_name(value, lang)}"
    template = TEMPLATES.get(feature)
    if template is None:
        return feature
    shown = "-" if _missing(value) else number(float(value), lang, 0 if feature == p.DISTANCE_KM else 1)
    return pick(template, lang).format(v=shown)


def labelled(feature: str) -> bool:
    """Whether ``feature`` has a dedicated label (tests require it for every model input)."""
    return (feature in p.GAP_COLUMNS or feature in FLAGS or feature in TEMPLATES or feature in {
        p.TECH_GAP, s.LAST_SCORE, s.PREV_SCORE, s.LAST_WORK_RESULT, s.LAST_WORK_BEHAVIOR, s.GRADE_RANK,
        s.EDUCATION_RANK, s.CURRENT_POSITION_TYPE, p.TARGET_POSITION_TYPE, p.TARGET_DOMAIN})


UPLIFT_DIGITS = 2                # levels of an assumed uplift, as the sentence shows them


def uplift_assumption(uplift: dict[str, float], lang: str = "id") -> str:
    """What a training's expected effect assumes, in words: the level each assessed
    competency it develops was raised by in the re-scoring (an average over similar
    employees who took such trainings), or that only its hours entered."""
    if not uplift:
        return ("Perkiraan ini hanya dari jam pelatihan yang tercatat: kompetensi yang dikembangkannya belum "
                "diasesmen." if lang == "id" else "Estimated from the recorded training hours alone: the "
                "competencies it develops have not been assessed.")
    parts = [(competency_name(code, lang), number(level, lang, UPLIFT_DIGITS)) for code, level in uplift.items()]
    if lang == "id":
        raised = [f"{name} {amount} level" for name, amount in parts]
        joined = raised[0] if len(raised) == 1 else ", ".join(raised[:-1]) + " dan " + raised[-1]
        return f"Perkiraan ini jika pelatihan menaikkan {joined}, seperti rata-rata pegawai serupa."
    raised = [f"{name} by {amount} level" for name, amount in parts]
    joined = raised[0] if len(raised) == 1 else ", ".join(raised[:-1]) + " and " + raised[-1]
    return f"Estimated if the training raises {joined}, as it did on average for similar employees."


EFFECT_UNITS = {"performance": ("poin SKP", "SKP points"), "risk": ("poin persen risiko", "pp of risk")}
MINUS = "\u2212"


def signed(value: float, lang: str, digits: int = 1) -> str:
    """+1,2 / −0,3 (id) or +1.2 / −0.3 (en), with a true minus sign; a value that rounds
    to zero at ``digits`` has no sign (``0,00``, never ``+0,00``)."""
    shown = round(value, digits)
    sign = "+" if shown > 0 else MINUS if shown < 0 else ""
    return sign + number(abs(value), lang, digits)


def effect_text(target: str, contribution: float, lang: str = "id") -> str:
    """A contribution in the unit of its prediction, for people: ``+0,12 poin SKP``
    (performance, score points) or ``−2,1 poin persen risiko`` (risk: ``contribution`` is a
    probability, shown in percentage points)."""
    if target == "risk":
        return f"{signed(100 * contribution, lang, 1)} {pick(EFFECT_UNITS['risk'], lang)}"
    return f"{signed(contribution, lang, 2)} {pick(EFFECT_UNITS['performance'], lang)}"


def baseline_text(target: str, value: float, lang: str = "id") -> str:
    """The average prediction the contributions start from: ``rata-rata model 4,12 poin SKP``
    or ``rata-rata model 12,3% risiko``."""
    lead = "rata-rata model" if lang == "id" else "model average"
    if target == "risk":
        return f"{lead} {number(100 * value, lang, 1)}% {'risiko' if lang == 'id' else 'risk'}"
    return f"{lead} {number(value, lang, 2)} {pick(EFFECT_UNITS['performance'], lang)}"


FLAG_WORDS: dict[str, tuple[str, str]] = {          # serving.result.MoveFlag values
    "job_class_down": ("Turun kelas jabatan", "Lower job class"),
    "field_change": ("Pindah bidang", "Change of field"),
    "long_distance": ("Jarak sangat jauh", "Very long distance"),
    "head_to_staff": ("Pimpinan tinggi ke jabatan staf", "Head of agency into a staff post"),
}


def flag_text(flag: str, lang: str = "id") -> str:
    """Words for a :class:`~serving.result.MoveFlag` (its code when unknown)."""
    return pick(FLAG_WORDS[flag], lang) if flag in FLAG_WORDS else str(flag).replace("_", " ")


def risk_change_text(change: float, lang: str = "id") -> str:
    """A change of risk given as a probability, in percentage points: ``−2,1 poin persen risiko``."""
    return effect_text("risk", change, lang)


def grade_name(rank) -> str | None:
    """The golongan of a grade rank (``III/b``), None when unknown."""
    return None if _missing(rank) else GRADE_BY_RANK.get(int(rank))


def notice_text(code: str, lang: str, as_of: str, first: str, last: str) -> str:
    """Words of a ranking notice (:class:`~serving.result.NoticeCode`) about the date ``as_of``
    and the data's window ``first``..``last`` (ISO dates)."""
    if code == "as_of_before_data":
        return (f"Pada tanggal keputusan {as_of} data belum berisi catatan apa pun (hanya catatan sebelum tanggal "
                f"itu yang dihitung; data dimulai {first}): belum ada pegawai yang menduduki jabatan. "
                f"Data mencakup {first} s.d. {last}."
                if lang == "id" else f"On the decision date {as_of} the data holds no record yet (only records "
                f"before that day count; the data begins on {first}): nobody held a post. "
                f"The data covers {first} to {last}.")
    return (f"Tanggal keputusan {as_of} setelah akhir data ({last}): peringkat memakai data terakhir yang "
            f"diketahui, tanpa kejadian sesudah {last}. Data mencakup {first} s.d. {last}."
            if lang == "id" else f"The decision date {as_of} is after the data ends ({last}): the ranking uses "
            f"the last known records, with nothing after {last}. The data covers {first} to {last}.")


def baselines_text(baseline: dict[str, float], lang: str = "id") -> str:
    """Both averages in one phrase: ``rata-rata model 3,60 poin SKP dan 12,3% risiko``."""
    parts = [baseline_text(target, baseline[target], lang) for target in ("performance", "risk") if target in baseline]
    lead = "rata-rata model " if lang == "id" else "model average "
    rest = [part.removeprefix(lead) for part in parts[1:]]
    return (" dan " if lang == "id" else " and ").join(parts[:1] + rest)


# exclusion reason codes (contract section 4 and the pool filters) -> words
REASONS: dict[str, tuple[str, str]] = {
    "not_pns": ("bukan PNS", "not a civil servant (PNS)"),
    "exited": ("sudah berhenti dari ASN", "has left the civil service"),
    "no_current_post": ("tidak memegang jabatan saat ini", "holds no current post"),
    "holds_position": ("sudah menduduki jabatan ini", "already holds this post"),
    "tenure_under_min": ("masa di jabatan sekarang belum mencapai batas minimum",
                         "not yet the minimum time in the current post"),
    "active_sanction": ("sedang menjalani hukuman disiplin", "under an active disciplinary sanction"),
    "recent_serious_sanction": ("hukuman disiplin sedang/berat baru-baru ini (dalam jangka aturan)",
                                "a recent moderate or severe sanction (within the rules' period)"),
    "low_appraisal": ("salah satu dari dua SKP terakhir di bawah \u201cbaik\u201d",
                      "one of the last two appraisals below \u201cgood\u201d"),
    "grade_below_min": ("golongan di bawah syarat jabatan", "grade below the post's minimum"),
    "education_below_min": ("pendidikan di bawah syarat jabatan", "education below the post's minimum"),
    "retiring": ("segera mencapai batas usia pensiun", "reaches retirement age soon (within the rules' horizon)"),
    "tugas_belajar": ("sedang tugas belajar", "on study leave (tugas belajar)"),
    "ikatan_dinas": ("masih terikat ikatan dinas", "still bound by a service bond (ikatan dinas)"),
    "cltn": ("sedang cuti di luar tanggungan negara", "on leave outside state pay (CLTN)"),
    "pemberhentian_sementara": ("sedang diberhentikan sementara", "temporarily suspended"),
    "blackout_period": ("tanggal keputusan dalam masa larangan mutasi (perlu izin Menteri)",
                        "decision date inside a blackout window (needs a ministerial permit)"),
    "education_field_mismatch": ("bidang pendidikan tidak sesuai syarat jabatan",
                                 "education field not among those the post requires"),
    "outside_units_filter": ("di luar unit yang dipilih", "outside the selected units"),
    "outside_regions_filter": ("di luar wilayah yang dipilih", "outside the selected regions"),
    "outside_domains_filter": ("di luar bidang yang dipilih", "outside the selected fields"),
    "beyond_max_distance": ("melebihi jarak maksimum", "beyond the maximum distance"),
    # rotation: why someone is due to move (serving.due)
    "past_max_time_in_post": ("melewati masa jabatan maksimum", "past the maximum time in post"),
    "assessment_outdated": ("asesmen kompetensi sudah kedaluwarsa", "competency assessment out of date"),
    "never_assessed": ("belum pernah diases", "never assessed"),
    "below_post_standard": ("kompetensi di bawah standar jabatan sekarang",
                            "competencies below the current post's standard"),
    "not_due": ("tidak dalam daftar jatuh tempo mutasi", "not on the list of those due to move"),
}


def reason_text(code: str, lang: str = "id") -> str:
    """Words for an exclusion reason code; an unknown code reads as itself, spaced."""
    return pick(REASONS[code], lang) if code in REASONS else code.replace("_", " ")
