"""Words of the talent map and the succession lists, in Indonesian (default) and English."""

from serving import talent as t
from serving.talent import AXES_OF, Level, StandardScope, Unplaced
from serving.texts import number, pick

PERFORMANCE_LEVELS = {Level.LOW: ("di bawah ekspektasi", "below expectations"),
                      Level.MIDDLE: ("sesuai ekspektasi", "as expected"),
                      Level.HIGH: ("di atas ekspektasi", "above expectations")}
POTENTIAL_LEVELS = {Level.LOW: ("rendah", "low"), Level.MIDDLE: ("menengah", "middle"), Level.HIGH: ("tinggi", "high")}
AXES = {"performance": ("Kinerja", "Performance"), "potential": ("Potensial", "Potential")}
UNPLACED = {Unplaced.NO_APPRAISAL: ("belum ada penilaian kinerja", "no appraisal yet"),
            Unplaced.NEVER_ASSESSED: ("belum pernah diasesmen kompetensi", "competencies never assessed"),
            Unplaced.NO_STANDARD: ("tidak ada standar kompetensi pembanding", "no competency standard to compare with")}
SCOPES = {StandardScope.DOMAIN: ("jabatan satu rumpun", "posts of the same job family"),
          StandardScope.ALL_DOMAINS: ("jabatan semua rumpun (tidak ada di rumpunnya)",
                                      "posts of every job family (none in theirs)"),
          StandardScope.OWN_CLASS: ("kelas jabatannya sendiri (tidak ada kelas di atasnya)",
                                    "their own job class (no class above)"),
          StandardScope.NONE: ("tidak ada", "none")}
WORDS = {
    "title": ("Peta talenta dan suksesi", "Talent map and succession"),
    "map_title": ("Peta talenta (PermenPANRB 3/2020)", "Talent map (PermenPANRB 3/2020)"),
    "star": ("\u2605 kelompok rencana suksesi", "\u2605 talent pool"),
    "box": ("Kotak", "Box"),
    "pool": ("Kelompok rencana suksesi (kotak 7, 8, 9) per rumpun jabatan",
             "Talent pool (boxes 7, 8, 9) per job family"),
    "on_map": ("pegawai dalam peta", "employees on the map"),
    "unplaced": ("tidak masuk kotak", "not in a box"),
    "people": ("orang", "people"),
    "performance_inputs": ("Kinerja: nilai SKP terakhir {last}, sebelumnya {prev}, rata-rata {mean}",
                           "Performance: last appraisal {last}, previous {prev}, mean {mean}"),
    "competency_inputs": ("Kompetensi: {share} standar kelas jabatan {next} ({scope}); {met} dari {required} "
                          "kompetensi terpenuhi",
                          "Competencies: {share} of the standard of job class {next} ({scope}); {met} of "
                          "{required} competencies met"),
    "agility_inputs": ("Kelincahan belajar {agility}: {hours} JP dalam 3 tahun dari {owed} JP wajib ({hours_share}); "
                       "efek pelatihan {effect} (tren SKP {trend})",
                       "Learning agility {agility}: {hours} JP in 3 years of {owed} JP owed ({hours_share}); "
                       "training effect {effect} (appraisal trend {trend})"),
    "potential_inputs": ("Skor potensial {score}", "Potential score {score}"),
    "no_one": ("Tidak ada pegawai di kotak ini.", "No one in this box."),
    "ready_now": ("Siap sekarang", "Ready now"),
    "ready_1_2_years": ("Siap dalam 1\u20132 tahun", "Ready in 1\u20132 years"),
    "no_successor": ("Tidak ada anggota kelompok rencana suksesi yang memenuhi syarat dan siap sekarang atau "
                     "dalam 1\u20132 tahun untuk jabatan ini.",
                     "No eligible talent pool member is ready for this post now or within 1\u20132 years."),
    "no_model": ("Belum ada model yang dilayani: pelatihan dari katalog yang mengembangkan kompetensi yang kurang, "
                 "tanpa perkiraan risiko.",
                 "No model is served: catalog trainings that develop the short competencies, without a risk "
                 "estimate."),
    "trainings_total": ("Pelatihan untuk menutup kesenjangan: {hours} JP", "Trainings to close the gap: {hours} JP"),
    "gap": ("kurang {levels} level", "{levels} levels short"),
    "risk_change": ("perubahan risiko {change}", "risk change {change}"),
    "key_posts": ("Jabatan kunci", "Key posts"),
    "pick_post": ("Pilih jabatan kunci", "Pick a key post"),
    "unit": ("Unit", "Unit"), "domain": ("Rumpun jabatan", "Job family"), "all": ("Semua", "All"),
    "as_of": ("Tanggal", "Date"), "show": ("Tampilkan", "Show"), "rules": ("Aturan", "Rules"),
    "succession": ("Suksesi jabatan kunci", "Succession for key posts"),
    "not_assessed": ("belum diasesmen, dihitung level 1", "never assessed, counted as level 1"),
    "short": ("kurang", "short"),
    "eligible_of_pool": ("{eligible} dari {pool} anggota kelompok rencana suksesi memenuhi syarat jabatan ini",
                         "{eligible} of {pool} talent pool members are eligible for this post"),
    "model_used": ("model {model}", "model {model}"),
    "more": ("\u2026 dan {n} orang lainnya (tidak ditampilkan)", "\u2026 and {n} more (not shown)"),
    "to_talent": ("Peta talenta", "Talent map"),
}


def word(key: str, lang: str, **fields) -> str:
    text = pick(WORDS[key], lang) if key in WORDS else key
    return text.format(**fields) if fields else text


def box_title(box: int, lang: str) -> str:
    """'Kinerja di atas ekspektasi, potensial tinggi' of a box."""
    perf, pot = AXES_OF[box]
    if lang == "id":
        return f"Kinerja {pick(PERFORMANCE_LEVELS[perf], lang)}, potensial {pick(POTENTIAL_LEVELS[pot], lang)}"
    return f"Performance {pick(PERFORMANCE_LEVELS[perf], lang)}, potential {pick(POTENTIAL_LEVELS[pot], lang)}"


def performance_level(level: int, lang: str) -> str:
    return pick(PERFORMANCE_LEVELS[Level(level)], lang) if level else "\u2013"


def potential_level(level: int, lang: str) -> str:
    return pick(POTENTIAL_LEVELS[Level(level)], lang) if level else "\u2013"


def unplaced(reason: str, lang: str) -> str:
    return pick(UNPLACED[Unplaced(reason)], lang)


def scope(value: str, lang: str) -> str:
    return pick(SCOPES[StandardScope(value)], lang)


def share(value: float, lang: str) -> str:
    """0.873 -> '87%'."""
    return "\u2013" if value != value else f"{number(100 * value, lang, 0)}%"


def score(value: float, lang: str, digits: int = 2) -> str:
    return "\u2013" if value != value else number(value, lang, digits)


def inputs_text(row: dict, lang: str) -> list[str]:
    """Both axes' inputs of one person (a row of a talent frame) as sentences."""
    next_class = row[t.NEXT_JOB_CLASS]
    return [
        word("performance_inputs", lang, last=score(row[t.LAST_SCORE], lang, 0), prev=score(row[t.PREV_SCORE], lang, 0),
             mean=score(row[t.PERFORMANCE_SCORE], lang, 1)),
        word("competency_inputs", lang, share=share(row[t.COMPETENCY_SHARE], lang),
             next="\u2013" if next_class != next_class else number(next_class, lang, 0),
             scope=scope(row[t.STANDARD_SCOPE], lang), met=int(row[t.CODES_MET]), required=int(row[t.CODES_REQUIRED])),
        word("agility_inputs", lang, agility=score(row[t.LEARNING_AGILITY], lang), hours=number(row[t.TRAINING_HOURS], lang, 0),
             owed=number(row[t.HOURS_OWED], lang, 0), hours_share=share(row[t.HOURS_SHARE], lang),
             effect=score(row[t.EFFECT_SHARE], lang), trend=score(row[t.SCORE_TREND], lang, 0)),
        word("potential_inputs", lang, score=score(row[t.POTENTIAL_SCORE], lang)),
    ]
