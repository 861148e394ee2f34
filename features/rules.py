"""The rule registry: every eligibility and rotation rule a rule pack can set, with the
reason code it produces, the regulation it comes from, its parameters and the
:class:`features.eligibility.EligibilityRules` field each parameter sets.

A rule pack (:mod:`features.rule_packs`) names rules by :attr:`RuleSpec.key`; the
registry's defaults resolve to exactly the contract's section 4
(:data:`features.eligibility.DEFAULT_RULES`). Articles marked "periksa" were not
verified against the regulation's text and must be checked before a pack cites them.
"""

from dataclasses import dataclass
from enum import StrEnum

from features import eligibility as e
from features import vocab as v


class RuleKind(StrEnum):
    ELIGIBILITY = "eligibility"     # excludes candidates from a vacancy
    ROTATION = "rotation"           # says who is due to move (never excludes)


class ParamType(StrEnum):
    NUMBER = "number"               # a finite number >= 0
    TEXT = "text"                   # non-empty text
    WINDOWS = "windows"             # a list of {first, last, label?} date windows


# keys of a rule's table in a pack besides its parameters
ENABLED, REASON, ARTICLE = "enabled", "reason", "article"
RULE_KEYS = (ENABLED, REASON, ARTICLE)
# keys of one blackout window
FIRST, LAST, LABEL = "first", "last", "label"


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a rule: its name in a pack, its type, the rules field it sets
    while the rule is on, and its default (the contract's, or a usual value)."""

    name: str
    type: ParamType
    field: str
    default: object


@dataclass(frozen=True)
class RuleSpec:
    """One rule. ``switch`` is a boolean rules field set to whether the rule is on;
    ``member`` a tuple field the rule adds its key to while on (status kinds); while off,
    each parameter's field is set to ``off`` (None, or () for windows)."""

    key: str
    kind: RuleKind
    reasons: tuple[str, ...]
    article: str
    description: tuple[str, str]                    # (Indonesian, English), one line each
    params: tuple[ParamSpec, ...] = ()
    enabled: bool = True                            # the contract's default
    switch: str | None = None
    member: str | None = None

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


def off_value(param: ParamSpec) -> object:
    """The rules field's value that switches the parameter's rule off."""
    return () if param.type is ParamType.WINDOWS else None


def _number(name: str, field: str, default: float) -> ParamSpec:
    return ParamSpec(name, ParamType.NUMBER, field, default)


STATUS_DESCRIPTIONS = {
    v.STATUS_KINDS[0]: ("Pegawai yang sedang tugas belajar tidak dapat dimutasi.",
                        "Employees on study leave (tugas belajar) cannot be moved."),
    v.STATUS_KINDS[1]: ("Pegawai yang masih menjalani ikatan dinas tidak dapat dimutasi.",
                        "Employees still serving a service bond (ikatan dinas) cannot be moved."),
    v.STATUS_KINDS[2]: ("Pegawai yang sedang cuti di luar tanggungan negara tidak dapat dimutasi.",
                        "Employees on leave outside state pay (CLTN) cannot be moved."),
    v.STATUS_KINDS[3]: ("Pegawai yang sedang diberhentikan sementara tidak dapat dimutasi.",
                        "Temporarily suspended employees cannot be moved."),
}
STATUS_ARTICLES = {
    v.STATUS_KINDS[0]: "Perpres 12/1961 tentang tugas belajar; PP 11/2017 (periksa pasal)",
    v.STATUS_KINDS[1]: "ketentuan ikatan dinas pasca tugas belajar instansi (periksa dasar hukum)",
    v.STATUS_KINDS[2]: "PP 11/2017 Pasal 334-336 (CLTN: diberhentikan dari jabatan; periksa ayat)",
    v.STATUS_KINDS[3]: "PP 11/2017 Pasal 276",
}

RULES: tuple[RuleSpec, ...] = (
    RuleSpec("required_status", RuleKind.ELIGIBILITY, (e.NOT_PNS,),
             "Peraturan BKN 5/2019 (mutasi PNS); UU 20/2023",
             ("Hanya pegawai dengan status kepegawaian ini yang dapat dimutasi.",
              "Only employees of this employment status can be moved."),
             (ParamSpec("status", ParamType.TEXT, "required_status", "pns"),)),
    RuleSpec("min_time_in_post", RuleKind.ELIGIBILITY, (e.TENURE_UNDER_MIN,),
             "PP 11/2017 Pasal 190; Peraturan BKN 5/2019 Pasal 2 ayat (3)",
             ("Mutasi paling singkat setelah sekian tahun di jabatan sekarang.",
              "A move only after this many years in the current post."),
             (_number("years", "min_tenure_years", 2.0),)),
    RuleSpec("active_sanction", RuleKind.ELIGIBILITY, (e.ACTIVE_SANCTION,),
             "PP 94/2021 tentang Disiplin PNS (periksa pasal)",
             ("Pegawai yang sedang menjalani hukuman disiplin tidak dapat dimutasi.",
              "Employees serving a disciplinary sanction cannot be moved."),
             switch="exclude_active_sanction"),
    RuleSpec("recent_serious_sanction", RuleKind.ELIGIBILITY, (e.RECENT_SERIOUS_SANCTION,),
             "PP 94/2021 tentang Disiplin PNS (hukuman sedang/berat; jangka 365 hari: periksa)",
             ("Hukuman disiplin sedang atau berat dalam sekian hari terakhir menghalangi mutasi.",
              "A moderate or severe sanction within this many days bars a move."),
             (_number("days", "serious_sanction_lookback_days", 365.0),)),
    RuleSpec("last_appraisals", RuleKind.ELIGIBILITY, (e.LOW_APPRAISAL,),
             "Peraturan BKN 5/2019; PP 11/2017 Pasal 54 (penilaian kinerja paling sedikit baik "
             "dalam 2 tahun terakhir)",
             ("Dua penilaian kinerja terakhir paling sedikit bernilai baik (skor minimum).",
              "Both of the last two appraisals at least good (the lowest score)."),
             (_number("min_score", "min_recent_score", 4.0),)),
    RuleSpec("grade_minimum", RuleKind.ELIGIBILITY, (e.GRADE_BELOW_MIN,),
             "PP 11/2017 (persyaratan jabatan: pangkat/golongan; periksa pasal)",
             ("Golongan pegawai paling rendah syarat golongan jabatan tujuan.",
              "The employee's grade is at least the target post's minimum."),
             switch="check_grade"),
    RuleSpec("education_minimum", RuleKind.ELIGIBILITY, (e.EDUCATION_BELOW_MIN,),
             "PP 11/2017 Pasal 54 (kualifikasi dan tingkat pendidikan; periksa pasal)",
             ("Pendidikan pegawai paling rendah syarat pendidikan jabatan tujuan.",
              "The employee's education is at least the target post's minimum."),
             switch="check_education"),
    RuleSpec("retirement", RuleKind.ELIGIBILITY, (e.RETIRING,),
             "UU 5/2014 Pasal 90; PP 11/2017 Pasal 239 (batas usia pensiun)",
             ("Pegawai yang mencapai batas usia pensiun dalam sekian hari tidak dimutasi.",
              "Employees reaching retirement age within this many days are not moved."),
             (_number("days", "retirement_horizon_days", 365.0),)),
    *(RuleSpec(kind, RuleKind.ELIGIBILITY, (kind,), STATUS_ARTICLES[kind], STATUS_DESCRIPTIONS[kind],
               enabled=False, member="excluded_status_kinds") for kind in v.STATUS_KINDS),
    RuleSpec("blackout", RuleKind.ELIGIBILITY, (e.BLACKOUT_PERIOD,),
             "UU 10/2016 Pasal 71 ayat (2)",
             ("Tidak ada mutasi pada rentang tanggal ini (mis. 6 bulan sebelum penetapan pasangan calon "
              "kepala daerah sampai akhir masa jabatan) tanpa persetujuan tertulis Menteri.",
              "No moves within these date windows (e.g. from 6 months before a regional head election's "
              "candidate determination to the end of term) without the Minister's written approval."),
             (ParamSpec("windows", ParamType.WINDOWS, "blackout_windows", ()),), enabled=False),
    RuleSpec("required_fields", RuleKind.ELIGIBILITY, (e.EDUCATION_FIELD_MISMATCH,),
             "PP 11/2017 (kualifikasi pendidikan sesuai persyaratan jabatan; periksa pasal)",
             ("Bidang pendidikan pegawai termasuk bidang yang disyaratkan jabatan tujuan.",
              "The employee's education field is one the target post requires."),
             enabled=False, switch="check_required_fields"),
    RuleSpec("max_time_in_post", RuleKind.ROTATION, (e.PAST_MAX_TIME_IN_POST,),
             "PP 11/2017 Pasal 190; Peraturan BKN 5/2019 Pasal 2 ayat (3)",
             ("Pegawai jatuh tempo rotasi setelah sekian tahun di jabatan yang sama.",
              "Employees are due to rotate after this many years in one post."),
             (_number("years", "max_years_in_post", 5.0),)),
    RuleSpec("assessment_period", RuleKind.ROTATION, (e.ASSESSMENT_OUTDATED, e.NEVER_ASSESSED),
             "PP 11/2017 (penilaian kompetensi berkala); masa berlaku hasil asesmen: periksa",
             ("Asesmen kompetensi harus diperbarui setelah sekian tahun.",
              "A competency assessment is due again after this many years."),
             (_number("years", "assessment_period_years", 3.0),)),
    RuleSpec("competency_standard", RuleKind.ROTATION, (e.BELOW_POST_STANDARD,),
             "Peraturan BKN 5/2019 Pasal 2 (kesesuaian kompetensi dengan persyaratan jabatan); "
             "PermenPANRB 38/2017 (standar kompetensi jabatan)",
             ("Pegawai yang kompetensinya kurang dari standar jabatan sekarang (lebih dari toleransi, "
              "dalam level) jatuh tempo mutasi.",
              "Employees whose competencies fall short of their post's standard by more than this "
              "many levels are due to move."),
             (_number("gap_tolerance", "competency_gap_tolerance", 0.5),)),
)
RULE_BY_KEY = {rule.key: rule for rule in RULES}
assert len(RULE_BY_KEY) == len(RULES)


def rule(key: str) -> RuleSpec | None:
    return RULE_BY_KEY.get(key)


def describe(spec: RuleSpec, lang: str) -> str:
    """The rule's one-line description in ``lang`` ("id" or "en")."""
    return spec.description[0 if lang == "id" else 1]
