"""Closed vocabularies of the contract, their orders and scores.

Ordered vocabularies map a code to a rank (1 = lowest) so that comparisons such as
"grade below ``min_grade``" are integer comparisons.
"""

GENDERS = ("l", "p")
EMPLOYMENT_STATUSES = ("cpns", "pns", "pppk")
EXIT_REASONS = ("pensiun", "mengundurkan_diri", "meninggal", "diberhentikan", "pindah_instansi")

POSITION_TYPES = (
    "jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas", "pelaksana",
    "fungsional",
)
MANAGERIAL_POSITION_TYPES = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas")
# key posts: JPT and administrator posts; any other post only when positions.strategic is true
KEY_POST_TYPES = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator")
FUNCTIONAL_LEVELS = (
    "pemula", "terampil", "mahir", "penyelia",
    "ahli_pertama", "ahli_muda", "ahli_madya", "ahli_utama",
)

GRADES = tuple(
    f"{band}/{step}"
    for band, steps in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde"))
    for step in steps
)
GRADE_RANK = {g: i + 1 for i, g in enumerate(GRADES)}
# Codes are lowercase in the contract, yet grades are written with roman numerals;
# both spellings are accepted and normalised to the canonical one.
GRADE_CANONICAL = {g.lower(): g for g in GRADES} | {g: g for g in GRADES}

EDUCATION_LEVELS = ("sd", "smp", "sma", "d1", "d2", "d3", "d4", "s1", "s2", "s3")
# d4 = s1 (contract): both take the same rank.
EDUCATION_RANK = {
    "sd": 1, "smp": 2, "sma": 3, "d1": 4, "d2": 5, "d3": 6, "d4": 7, "s1": 7, "s2": 8, "s3": 9,
}

MOVE_TYPES = ("initial", "rotasi", "mutasi", "promosi", "demosi", "atas_permintaan_sendiri")
INITIAL_MOVE = "initial"
FAILURE_MOVES = ("demosi", "atas_permintaan_sendiri")
FAILURE_EXIT_REASONS = ("mengundurkan_diri", "diberhentikan")

RATINGS = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
RATING_SCORE = {"sangat_baik": 5, "baik": 4, "butuh_perbaikan": 3, "kurang": 2, "sangat_kurang": 1}
EXPECTATIONS = ("di_atas", "sesuai", "di_bawah")
EXPECTATION_SCORE = {"di_atas": 1, "sesuai": 0, "di_bawah": -1}

MIN_JOB_CLASS, MAX_JOB_CLASS = 1, 17             # kelas jabatan
MIN_LEVEL, MAX_LEVEL = 1.0, 5.0                 # competency levels (required and assessed)

SANCTION_LEVELS = ("ringan", "sedang", "berat")
# status_periods.kind: study leave, a service bond, leave outside state pay, suspension
STATUS_KINDS = ("tugas_belajar", "ikatan_dinas", "cltn", "pemberhentian_sementara")
# surveys.satisfaction: 1 (very unhappy) .. 5 (very satisfied)
MIN_SATISFACTION, MAX_SATISFACTION = 1, 5
SERIOUS_SANCTION_LEVELS = ("sedang", "berat")

MANAGERIAL_COMPETENCIES = tuple(f"m.0{i}" for i in range(1, 9))
SOCIOCULTURAL_COMPETENCY = "sk.01"
TECHNICAL_PREFIX = "t."
COMPETENCY_CODE_PATTERN = r"^(m\.0[1-8]|sk\.01|t\.[a-z0-9_]+)$"

LEADERSHIP_CATEGORY = "kepemimpinan"          # PKN, PKA, PKP
TRAINING_CATEGORIES = (
    "latsar", LEADERSHIP_CATEGORY, "teknis", "fungsional", "manajerial", "sosial_kultural",
)

OPEN_CODE_PATTERN = r"^[a-z0-9_]+$"



def technical_code(domain: str) -> str:
    """Competency code of the technical competency of ``domain``."""
    return f"{TECHNICAL_PREFIX}{domain}"


def is_technical(code: str) -> bool:
    return code.startswith(TECHNICAL_PREFIX)


# time and retirement (contract sections 3 and 4)
DAYS_PER_YEAR = 365.25
DEFAULT_RETIREMENT_AGE = 58                    # when employees.retirement_age is empty
