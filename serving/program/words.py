"""Every word the programme evaluation says, in Indonesian and English, in one place.

Headings and sentences by key (:data:`TEXTS`, filled by :func:`t`), outcomes, splits, groups
and notices by their enum (:data:`OUTCOMES`, :data:`SPLITS`, :data:`GROUPS`,
:data:`NOTICES`), numbers for people (:func:`num`, :func:`ci`: 2 decimals, a true minus,
``[a; b]`` in Indonesian and ``[a, b]`` in English), and the direction of an effect as a
:class:`Direction` (decided from the estimate, then worded), and the plain one-paragraph
summary (:func:`summary`)."""

import math
from enum import StrEnum

from features import program_panel as pp
from serving.program.results import DidResult, Estimate, Notice, Outcome, Split
from serving.texts import LANGS, MINUS, domain_name, pick

# key -> (Indonesian, English); {name} fields are filled by :func:`t`
TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Evaluasi program mutasi", "Evaluation of the transfer programme"),
    "window": ("Jangka: {since} s.d. {until} · periode penilaian {first}–{last}",
               "Window: {since} to {until} · appraisal periods {first}–{last}"),
    "start": ("awal data", "start of the data"), "end": ("akhir data", "end of the data"),
    "summary": ("Ringkasan", "Summary"), "other_summary": ("Summary (English)", "Ringkasan (Bahasa Indonesia)"),
    "findings": ("Temuan utama per hasil", "Main finding per outcome"),
    "outcome": ("hasil", "outcome"), "did": ("efek DiD (95% CI)", "DiD effect (95% CI)"),
    "naive": ("sebelum–sesudah sederhana", "naive before/after"), "truth": ("efek sebenarnya (simulasi)",
                                                                            "true effect (simulation)"),
    "reading": ("arti", "reading"), "treated": ("dimutasi", "moved"), "comparison": ("pembanding", "comparison"),
    "pretrend": ("uji tren sebelum mutasi", "pre-trend test"), "p": ("p", "p"),
    "passed": ("lolos", "passed"), "failed": ("gagal", "failed"), "none": ("–", "–"),
    "why": ("Mengapa berbeda: {text}", "Why they differ: {text}"),
    "why_lower": ("angka sebelum–sesudah {gap} lebih rendah, karena ikut menghitung perubahan yang dialami semua "
                  "pegawai pada tahun-tahun itu{selected}; pembanding yang belum dimutasi menghapusnya.",
                  "the before/after figure is {gap} lower because it also counts the change every employee went "
                  "through in those years{selected}; the not-yet-transferred comparison removes it."),
    "why_higher": ("angka sebelum–sesudah {gap} lebih tinggi, karena ikut menghitung perubahan yang dialami semua "
                   "pegawai pada tahun-tahun itu{selected}; pembanding yang belum dimutasi menghapusnya.",
                   "the before/after figure is {gap} higher because it also counts the change every employee went "
                   "through in those years{selected}; the not-yet-transferred comparison removes it."),
    "why_selected": (" dan dua penilaian sebelum mutasi yang terseleksi (syarat kelayakan: minimal baik)",
                     " and the two selected appraisals before a move (eligibility needs at least baik)"),
    "why_same": ("keduanya hampir sama: perubahan bersama semua pegawai kecil pada jangka ini.",
                 "the two nearly agree: the change common to all employees was small in this window."),
    "events": ("Efek per periode sejak mutasi", "Effect by period since the move"),
    "event_time": ("periode sejak mutasi", "periods since the move"),
    "effect_axis": ("efek ({unit})", "effect ({unit})"),
    "reference": ("acuan", "reference"),
    "anticipation": ("pemeriksaan kelayakan", "eligibility check"),
    "pretrend_line": ("Uji tren sebelum mutasi (Wald, {dof} derajat bebas): statistik {stat}, p = {p}: {verdict}.",
                      "Pre-trend test (Wald, {dof} degrees of freedom): statistic {stat}, p = {p}: {verdict}."),
    "placebo": ("Plasebo (tanggal mutasi palsu)", "Placebo (fake transfer dates)"),
    "placebo_line": ("Efek plasebo pada nilai SKP {est} {ci}: {verdict}.",
                     "Placebo effect on the appraisal score {est} {ci}: {verdict}."),
    "placebo_ok": ("mencakup nol, seperti seharusnya", "covers zero, as it should"),
    "placebo_bad": ("tidak mencakup nol: hati-hati membaca hasil", "excludes zero: read the results with care"),
    "splits": ("Perbedaan antar kelompok (nilai SKP)", "Differences between groups (appraisal score)"),
    "split": ("pembagian", "split"), "group": ("kelompok", "group"),
    "satisfaction": ("Kepuasan pegawai yang dimutasi", "Moved employees' satisfaction"),
    "service": ("Indikator layanan unit", "Units' service indicators"),
    "dose": ("efek per 100% pegawai unit dimutasi (95% CI)", "effect per 100% of the unit's staff moved (95% CI)"),
    "indicator": ("indikator", "indicator"), "units": ("unit", "units"),
    "share_axis": ("periode sejak mutasi staf", "periods since staff were moved"),
    "better": ("lebih tinggi lebih baik", "higher is better"), "worse": ("lebih rendah lebih baik",
                                                                         "lower is better"),
    "notices": ("Catatan", "Notices"), "how": ("Cara membaca laporan ini", "How to read this report"),
    "how_did": ("Selisih-dalam-selisih (DiD) membandingkan perubahan hasil pegawai yang dimutasi dengan perubahan "
                "pegawai yang belum dimutasi pada periode yang sama; perubahan yang dialami semua pegawai pun "
                "terhapus.", "Difference-in-differences (DiD) compares the change in moved employees' outcomes with "
                "the change of employees not yet moved in the same periods, so a change everyone went through "
                "cancels out."),
    "how_comparison": ("Pembanding pada suatu periode: semua pegawai yang belum dimutasi sampai periode itu (juga "
                       "yang dimutasi tahun berikutnya) dan yang tidak pernah dimutasi dalam jangka ini. Mutasi "
                       "bertahap per tahun (Callaway–Sant'Anna).",
                       "Comparison in a period: every employee not yet moved by then (those moved the next year "
                       "too) and those never moved in the window. Moves are staggered by year (Callaway–Sant'Anna)."),
    "how_comparison_package": ("Pembanding: pegawai yang belum dimutasi (dimutasi lebih dari {k} periode kemudian) "
                               "dan yang tidak pernah dimutasi dalam jangka ini. Mutasi bertahap per tahun "
                               "(Callaway–Sant'Anna).",
                               "Comparison: employees not yet transferred (moved more than {k} periods later) and "
                               "those never moved in the window. Moves are staggered by year (Callaway–Sant'Anna)."),
    "how_selection": ("Batas desain ini: bila pimpinan memilih calon dengan penilaian terakhir yang baik, pegawai "
                      "yang lama tidak dimutasi cenderung punya penilaian yang sedikit lebih buruk, dan efek "
                      "terbaca terlalu tinggi. Uji tren sebelum mutasi tidak dapat melihatnya.",
                      "This design's limit: when managers pick candidates with a good last appraisal, employees "
                      "passed over tend to have slightly worse appraisals, and the effect reads too high. The "
                      "pre-trend test cannot see it."),
    "how_anticipation": ("{k} penilaian sebelum mutasi tidak dipakai sebagai acuan: syarat kelayakan (Peraturan BKN "
                         "5/2019) menuntut dua penilaian terakhir minimal baik, jadi keduanya terseleksi. Acuan adalah "
                         "periode {ref}.", "The {k} appraisals before a move are not used as the baseline: "
                         "eligibility (Peraturan BKN 5/2019) requires the last two to be at least baik, so they "
                         "are selected. The baseline is period {ref}."),
    "how_ci": ("Angka dalam kurung siku adalah selang kepercayaan 95% (galat baku dikelompokkan per {cluster}); "
               "selang yang mencakup nol berarti tidak ada efek yang jelas.",
               "Brackets give the 95% confidence interval (standard errors clustered by {cluster}); an interval "
               "that covers zero means no clear effect."),
    "rose": ("naik", "rose"), "fell": ("turun", "fell"), "unclear": ("tidak berubah secara jelas",
                                                                     "did not change clearly"),
    "sum_open": ("Evaluasi ini membandingkan {treated} pegawai yang dimutasi dengan pegawai yang belum dimutasi "
                 "({comparison} tidak pernah dimutasi) pada periode {first}–{last}.",
                 "This evaluation compares {treated} moved employees with employees not yet moved ({comparison} "
                 "never moved) over periods {first}–{last}."),
    "sum_main": ("Setelah mutasi, {outcome} {direction} {est} {unit} (95% CI {ci}) dibanding pegawai yang belum "
                 "dimutasi ({verdict}); perbandingan sebelum–sesudah sederhana (tanpa pembanding) "
                 "memberi {naive}.",
                 "After a move, the {outcome} {direction} by {est} {unit} (95% CI {ci}) against employees not yet "
                 "moved ({verdict}); the naive before/after comparison (no comparison "
                 "group) gives {naive}."),
    "sum_main_unclear": ("Setelah mutasi, {outcome} {direction} ({est} {unit}, 95% CI {ci}); perbandingan "
                         "sebelum–sesudah sederhana (tanpa pembanding) memberi {naive}.",
                         "After a move, the {outcome} {direction} ({est} {unit}, 95% CI {ci}); the naive before/after "
                         "comparison (no comparison group) gives {naive}."),
    "sum_others": ("Hasil lain: {items}.", "Other outcomes: {items}."),
    "sum_item": ("{outcome} {direction} {est} {unit} {ci}", "{outcome} {direction} by {est} {unit} {ci}"),
    "sum_item_unclear": ("{outcome} {direction} ({est} {unit} {ci})", "{outcome} {direction} ({est} {unit} {ci})"),
    "sum_placebo_ok": ("Plasebo dengan tanggal mutasi palsu tidak menunjukkan efek.",
                       "A placebo with fake transfer dates shows no effect."),
    "sum_placebo_bad": ("Plasebo dengan tanggal mutasi palsu menunjukkan efek: desain mungkin bias.",
                        "A placebo with fake transfer dates shows an effect: the design may be biased."),
    "improved": ("membaik", "better"), "worsened": ("memburuk", "worse"), "no_change": ("tidak jelas", "no clear change"),
    "sum_pretrend_ok": ("Tren sebelum mutasi sejajar dengan pembanding.", "Trends before the moves ran parallel "
                        "to the comparison."),
    "sum_pretrend_bad": ("Tren sebelum mutasi tidak sejajar: hati-hati membaca efeknya.", "Trends before the moves "
                         "were not parallel: read the effects with care."),
    "no_estimate": ("Tidak ada estimasi.", "No estimate."),
    "unit_of_service": ("per 100% staf dimutasi", "per 100% of staff moved"),
}
OUTCOMES = {Outcome.APPRAISAL: ("nilai SKP", "appraisal score"),
            Outcome.BEHAVIOR: ("perilaku kerja", "work behaviour"),
            Outcome.SANCTION: ("hukuman disiplin", "sanctions"),
            Outcome.EXIT: ("keluar dari dinas", "exits from service"),
            Outcome.SATISFACTION: ("kepuasan kerja", "job satisfaction")}
UNITS = {Outcome.APPRAISAL: ("poin", "points"), Outcome.BEHAVIOR: ("poin (−1 s.d. +1)", "points (−1 to +1)"),
         Outcome.SANCTION: ("poin persen", "percentage points"), Outcome.EXIT: ("poin persen", "percentage points"),
         Outcome.SATISFACTION: ("poin (1–5)", "points (1–5)")}
SCALE = {Outcome.SANCTION: 100.0, Outcome.EXIT: 100.0}          # shares shown as percentage points
HIGHER_IS_BETTER = {Outcome.APPRAISAL: True, Outcome.BEHAVIOR: True, Outcome.SANCTION: False,
                    Outcome.EXIT: False, Outcome.SATISFACTION: True}
SPLITS = {Split.ALL: ("semua", "all"), Split.MATCH: ("kesesuaian bidang", "domain match"),
          Split.GAP: ("kesenjangan kompetensi", "competency gap"), Split.MOVE_TYPE: ("jenis mutasi", "type of move"),
          Split.FOLLOWED: ("mengikuti rekomendasi", "followed the recommendation"),
          Split.UNIT: ("unit tujuan", "destination unit"), Split.DOMAIN: ("bidang tujuan", "destination domain")}
GROUPS = {"all": ("semua", "all"), pp.OWN: ("bidang sendiri", "own domain"), pp.OTHER: ("bidang lain", "other domain"),
          pp.SMALL: ("kecil", "small"), pp.LARGE: ("besar", "large"), pp.ROTATION: ("rotasi", "rotation"),
          pp.PROMOTION: ("promosi", "promotion"), pp.YES: ("ya", "yes"), pp.NO: ("tidak", "no"),
          "other_move": ("lainnya", "other")}
NOTICES = {
    Notice.NO_SURVEYS: ("Tabel survei tidak ada atau kosong: kepuasan tidak dievaluasi.",
                        "The surveys table is absent or empty: satisfaction is not evaluated."),
    Notice.NO_SERVICE_INDICATORS: ("Tabel indikator layanan tidak ada atau kosong: layanan unit tidak dievaluasi.",
                                   "The service indicators table is absent or empty: units' service is not "
                                   "evaluated."),
    Notice.NO_AUDIT_LOG: ("Tidak ada ranking di log audit yang cocok dengan mutasi: tanpa pembagian 'mengikuti "
                          "rekomendasi'.", "No ranking in the audit log matches a move: no 'followed the "
                          "recommendation' split."),
    Notice.TOO_FEW_TREATED: ("Sebagian kelompok terlalu sedikit pegawai yang dimutasi: tidak diestimasi.",
                             "Some groups had too few moved employees: not estimated."),
    Notice.PRETREND_FAILED: ("Uji tren sebelum mutasi menolak tren sejajar pada 5%: efek dibaca hati-hati.",
                             "The pre-trend test rejects parallel trends at 5%: read the effects with care."),
    Notice.PLACEBO_FAILED: ("Selang plasebo tidak mencakup nol: desain mungkin bias.",
                            "The placebo's interval excludes zero: the design may be biased."),
    Notice.EXIT_SURVIVAL: ("Keluar dari dinas: pegawai yang dimutasi pasti masih bekerja sampai mutasinya, jadi "
                           "sebelum mutasi mereka tidak mungkin keluar; angka keluar bukan efek sebab-akibat.",
                           "Exits: a moved employee was necessarily still in service until the move, so they could "
                           "not leave before it; the exit figure is not a causal effect."),
}
SELECTED = (Outcome.APPRAISAL, Outcome.BEHAVIOR)         # judged by the eligibility check before a move
INDICATORS = {"ikm": ("Indeks Kepuasan Masyarakat (IKM)", "public satisfaction index (IKM)")}
CLUSTERS = {"employee": ("pegawai", "employee"), "unit": ("unit", "unit")}


class Verdict(StrEnum):
    """Whether a clear change is for the better (by the outcome's direction), the worse, or neither."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    NO_CHANGE = "no_change"


class Direction(StrEnum):
    """What an estimate says: a clear rise, a clear fall, or no clear change (CI covers 0)."""

    ROSE = "rose"
    FELL = "fell"
    UNCLEAR = "unclear"


def t(key: str, lang: str, **fields) -> str:
    return pick(TEXTS[key], lang).format(**fields)


def other_lang(lang: str) -> str:
    return next(x for x in LANGS if x != lang)


def outcome_name(outcome: str, lang: str) -> str:
    return pick(OUTCOMES[Outcome(outcome)], lang) if outcome in Outcome._value2member_map_ else outcome


def unit_name(outcome: str, lang: str) -> str:
    return pick(UNITS.get(outcome, ("poin", "points")), lang)


def scale(outcome: str) -> float:
    return SCALE.get(outcome, 1.0)


def group_name(split: str, group: str, lang: str) -> str:
    if split == Split.DOMAIN:
        return domain_name(group, lang)
    return pick(GROUPS.get(group, (group, group)), lang)


def split_name(split: str, lang: str) -> str:
    return pick(SPLITS.get(split, (split, split)), lang)


def notice_text(notice: str, lang: str) -> str:
    return pick(NOTICES[Notice(notice)], lang) if notice in Notice._value2member_map_ else notice


def num(value: float | None, lang: str, digits: int = 2, signed: bool = False) -> str:
    """2 decimals, a true minus, a decimal comma in Indonesian; '–' for a missing number."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{abs(value):.{digits}f}"
    text = text.replace(".", ",") if lang == "id" else text
    shown = round(value, digits)
    sign = MINUS if shown < 0 else "+" if signed and shown > 0 else ""
    return sign + text


def count(n: int, lang: str) -> str:
    """12.345 (id) or 12,345 (en)."""
    return f"{n:,}".replace(",", "." if lang == "id" else ",")


def ci(e: Estimate, lang: str, factor: float = 1.0) -> str:
    sep = "; " if lang == "id" else ", "
    return f"[{num(e.ci_low * factor, lang)}{sep}{num(e.ci_high * factor, lang)}]"


def direction(e: Estimate) -> Direction:
    if not e.significant:
        return Direction.UNCLEAR
    return Direction.ROSE if e.estimate > 0 else Direction.FELL


def verdict(e: Estimate, higher_is_better: bool) -> Verdict:
    way = direction(e)
    if way is Direction.UNCLEAR:
        return Verdict.NO_CHANGE
    return Verdict.IMPROVED if (way is Direction.ROSE) == higher_is_better else Verdict.WORSENED


def outcome_verdict(r: DidResult) -> Verdict:
    return verdict(r.att, HIGHER_IS_BETTER.get(r.outcome, True))


def indicator_name(indicator: str, lang: str) -> str:
    return pick(INDICATORS.get(indicator, (indicator, indicator)), lang)


def why_differ(r: DidResult, lang: str) -> str:
    """One sentence on why the naive before/after differs from the DiD effect."""
    factor = scale(r.outcome)
    gap = (r.naive.estimate - r.att.estimate) * factor
    if not math.isfinite(gap) or abs(gap) < max(0.01, 0.1 * abs(r.att.estimate * factor)):
        return t("why", lang, text=t("why_same", lang))
    selected = t("why_selected", lang) if r.outcome in SELECTED and gap < 0 else ""
    key = "why_lower" if gap < 0 else "why_higher"
    return t("why", lang, text=t(key, lang, gap=num(abs(gap), lang), selected=selected))


def _fields(r: DidResult, lang: str) -> dict:
    factor = scale(r.outcome)
    way = direction(r.att)
    shown = r.att.estimate * factor
    return {"outcome": outcome_name(r.outcome, lang), "direction": t(way.value, lang),
            "unit": unit_name(r.outcome, lang), "ci": ci(r.att, lang, factor),
            "est": num(shown if way is Direction.UNCLEAR else abs(shown), lang),
            "verdict": t(outcome_verdict(r).value, lang), "naive": num(r.naive.estimate * factor, lang, signed=True)}


def main_sentence(r: DidResult, lang: str) -> str:
    """The headline outcome's sentence, with the naive before/after beside it."""
    unclear = direction(r.att) is Direction.UNCLEAR
    return t("sum_main_unclear" if unclear else "sum_main", lang, **_fields(r, lang))


def item_text(r: DidResult, lang: str) -> str:
    unclear = direction(r.att) is Direction.UNCLEAR
    return t("sum_item_unclear" if unclear else "sum_item", lang, **_fields(r, lang))


def summary(evaluation, lang: str) -> str:
    """The plain one-paragraph summary of a :class:`ProgramEvaluation`: who is compared, the
    appraisal score's effect beside the naive figure, the other outcomes, the checks."""
    main = evaluation.main
    if not main:
        return t("no_estimate", lang)
    head = next((r for r in main if r.outcome == Outcome.APPRAISAL), main[0])
    periods = evaluation.periods or (0,)
    parts = [t("sum_open", lang, treated=count(head.n_treated, lang), comparison=count(head.n_comparison, lang),
               first=periods[0], last=periods[-1]), main_sentence(head, lang)]
    others = [r for r in (*main, evaluation.satisfaction) if r is not None and r is not head]
    if others:
        parts.append(t("sum_others", lang, items="; ".join(item_text(r, lang) for r in others)))
    if head.pretrend is not None:
        parts.append(t("sum_pretrend_ok" if head.pretrend.passed else "sum_pretrend_bad", lang))
    if evaluation.placebo is not None:
        parts.append(t("sum_placebo_bad" if evaluation.placebo.att.significant else "sum_placebo_ok", lang))
    return " ".join(parts)
