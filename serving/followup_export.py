"""The follow-up list for people: its words (each warning with its figures, reasons with
their share of the risk, the onboarding plan) and its files — CSV (one row per
transferee, UTF-8 with a byte-order mark) and XLSX (sheets: the watchlist, the planned
trainings with their JP, the check-ins), headers in Indonesian or English.

Pure: a :class:`serving.followup.FollowUp` in, words or bytes out. Text cells a spreadsheet
would take for a formula stay text, through the plan export's own cell helpers.
"""

import io

from openpyxl import Workbook

from features.vocab import MAX_SATISFACTION
from serving import texts
from serving.followup import EarlyWarning, FollowEntry, FollowUp, RiskReason
from serving.followup_words import percent, warning_text
from serving.planning.export import JOIN, column_headers, table_sheet, worded_csv

CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
MEDIA_TYPES = {CSV: "text/csv; charset=utf-8",
               XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
WATCHLIST, TRAININGS, CHECK_INS = "watchlist", "trainings", "check_ins"
SHEET_TITLES = {WATCHLIST: ("Daftar pantau", "Watchlist"), TRAININGS: ("Pelatihan", "Trainings"),
                CHECK_INS: ("Jadwal pendampingan", "Check-ins")}
FILE_STEM = ("tindak-lanjut-mutasi", "follow-up")

COLUMNS: dict[str, tuple[str, str]] = {          # the watchlist: column code -> header (id, en), in file order
    "number": ("No.", "No."),
    "name": ("Nama", "Name"),
    "employee_id": ("ID pegawai", "Employee id"),
    "unit": ("Unit", "Unit"),
    "post": ("Jabatan", "Post"),
    "move_date": ("Tanggal mutasi", "Move date"),
    "months_since_move": ("Bulan sejak mutasi", "Months since the move"),
    "risk_at_decision": ("Risiko saat keputusan", "Risk at the decision"),
    "risk_now": ("Risiko sekarang", "Risk now"),
    "risk_change": ("Perubahan risiko", "Risk change"),
    "warnings": ("Peringatan dini", "Early warnings"),
    "raising": ("Yang menaikkan risiko", "Raising the risk"),
    "lowering": ("Yang menurunkan risiko", "Lowering the risk"),
    "last_score_before": ("SKP terakhir sebelum mutasi", "Last SKP before the move"),
    "last_score_since": ("SKP terakhir di jabatan baru", "Last SKP in the new post"),
    "satisfaction": ("Kepuasan (survei terakhir)", "Satisfaction (latest survey)"),
    "wants_to_stay": ("Ingin bertahan (survei)", "Wants to stay (survey)"),
    "gaps": ("Kesenjangan kompetensi", "Competency gaps"),
    "trainings": ("Pelatihan yang disarankan", "Suggested trainings"),
    "jp_last_12_months": ("JP 12 bulan terakhir", "JP in the last 12 months"),
    "jp_planned": ("JP direncanakan", "JP planned"),
    "jp_short": ("JP masih kurang", "JP still owed"),
    "mentor": ("Mentor", "Mentor"),
    "next_check_in": ("Pendampingan berikutnya", "Next check-in"),
    "warning_codes": ("Kode peringatan", "Warning codes"),
}
TRAINING_COLUMNS: dict[str, tuple[str, str]] = {
    "employee_id": ("ID pegawai", "Employee id"), "name": ("Nama", "Name"), "post": ("Jabatan", "Post"),
    "training_code": ("Kode pelatihan", "Training code"), "training": ("Pelatihan", "Training"),
    "hours": ("JP", "JP"), "competencies": ("Kompetensi yang dikembangkan", "Competencies developed"),
    "expected_risk_change": ("Perkiraan perubahan risiko", "Expected risk change"),
}
CHECK_IN_COLUMNS: dict[str, tuple[str, str]] = {
    "employee_id": ("ID pegawai", "Employee id"), "name": ("Nama", "Name"), "unit": ("Unit", "Unit"),
    "mentor": ("Mentor", "Mentor"), "check_in": ("Ke-", "No."), "date": ("Tanggal", "Date"),
    "upcoming": ("Belum lewat", "Upcoming"),
}
PERCENT, ONE_DECIMAL = "0.0%", "0.0"
NUMBER_FORMATS = {"number": "0", "months_since_move": ONE_DECIMAL, "risk_at_decision": PERCENT, "risk_now": PERCENT,
                  "risk_change": "+0.0%;-0.0%;0.0%", "last_score_before": "0", "last_score_since": "0",
                  "satisfaction": "0", "jp_last_12_months": "0", "jp_planned": "0", "jp_short": "0", "hours": "0",
                  "expected_risk_change": "+0.0%;-0.0%;0.0%", "check_in": "0"}
WRAPPED = {"unit", "post", "warnings", "raising", "lowering", "gaps", "trainings", "competencies"}

WORDS: dict[str, tuple[str, str]] = {
    "risk_high": ("risiko {risk} \u2265 ambang {threshold}", "risk {risk} \u2265 threshold {threshold}"),
    "risk_rose": ("risiko naik {change} sejak keputusan ({before} \u2192 {now})",
                  "risk rose {change} since the decision ({before} \u2192 {now})"),
    "appraisal_fell": ("SKP dari {before} menjadi {since}", "SKP from {before} to {since}"),
    "survey_unhappy": ("survei {day}: kepuasan {level} dari {top}", "survey {day}: satisfaction {level} of {top}"),
    "survey_wants_to_leave": ("survei {day}: tidak ingin bertahan", "survey {day}: does not want to stay"),
    "gap": ("{name} {level} / {required}", "{name} {level} / {required}"),
    "not_assessed": ("belum diases", "not assessed"),
    "no_mentor_no_candidate": ("tidak ada calon mentor di unit ini", "no mentor candidate in the unit"),
    "no_mentor_all_at_capacity": ("semua calon mentor sudah penuh", "every mentor candidate is at capacity"),
}


def word(key: str, lang: str, **fields) -> str:
    return texts.pick(WORDS[key], lang).format(**fields)


def _rating(score: float | None, lang: str) -> str:
    return "-" if score is None else texts.pick(texts.RATING_NAMES.get(int(score), ("?", "?")), lang)


def warning_line(code: EarlyWarning, entry: FollowEntry, follow: FollowUp, lang: str = "id") -> str:
    """The warning's name and its figures: ``Risiko di atas ambang: risiko 42,3% ≥ ambang 30%``."""
    survey, risk = entry.survey, entry.risk_now if entry.risk_now is not None else entry.risk_at_decision
    if code is EarlyWarning.RISK_HIGH:
        detail = word("risk_high", lang, risk=percent(risk, lang), threshold=percent(follow.risk_threshold, lang))
    elif code is EarlyWarning.RISK_ROSE:
        detail = word("risk_rose", lang, change=texts.risk_change_text(entry.risk_change or 0.0, lang),
                      before=percent(entry.risk_at_decision, lang), now=percent(risk, lang))
    elif code is EarlyWarning.APPRAISAL_FELL:
        detail = word("appraisal_fell", lang, before=_rating(entry.last_score_before, lang),
                      since=_rating(entry.last_score_since, lang))
    elif survey is not None and code is EarlyWarning.SURVEY_UNHAPPY:
        detail = word("survey_unhappy", lang, day=survey.survey_date.isoformat(), level=survey.satisfaction,
                      top=MAX_SATISFACTION)
    elif survey is not None:
        detail = word("survey_wants_to_leave", lang, day=survey.survey_date.isoformat())
    else:
        detail = ""
    return warning_text(code, lang) + (f": {detail}" if detail else "")


def warning_lines(entry: FollowEntry, follow: FollowUp, lang: str = "id") -> list[str]:
    return [warning_line(code, entry, follow, lang) for code in entry.warnings]


def reason_text(reason: RiskReason, lang: str = "id") -> str:
    """``Nilai SKP berubah −2 sejak mutasi (+7,9 poin persen risiko)``."""
    return f"{reason.label} ({texts.risk_change_text(reason.points, lang)})"


def gap_texts(entry: FollowEntry, lang: str = "id") -> list[str]:
    """Each gap of the new post: competency, level assessed / level required."""
    if entry.plan is None:
        return []
    return [word("gap", lang, name=texts.competency_name(g.competency_code, lang),
                 level=word("not_assessed", lang) if g.level is None else texts.number(g.level, lang),
                 required=texts.number(g.required_level, lang)) for g in entry.plan.gaps]


def mentor_text(entry: FollowEntry, lang: str = "id") -> str:
    plan = entry.plan
    if plan is None:
        return ""
    if plan.mentor is not None:
        who = plan.mentor
        return f"{who.display_name} ({who.employee_id})" if who.display_name else who.employee_id
    return word(f"no_mentor_{plan.no_mentor}", lang) if plan.no_mentor else ""


def _name(entry: FollowEntry) -> str:
    return entry.display_name or ""


def watch_rows(follow: FollowUp, lang: str = "id") -> list[dict]:
    """One row per entry, keyed by column code (numbers stay numbers)."""
    rows = []
    for k, e in enumerate(follow.entries, start=follow.offset + 1):
        plan, survey = e.plan, e.survey
        rows.append({
            "number": k, "name": _name(e), "employee_id": e.employee_id, "unit": e.unit_name or e.unit_id or "",
            "post": e.title or e.position_id, "move_date": e.move_date.isoformat(),
            "months_since_move": e.months_since_move, "risk_at_decision": e.risk_at_decision, "risk_now": e.risk_now,
            "risk_change": e.risk_change, "warnings": JOIN.join(warning_lines(e, follow, lang)),
            "raising": JOIN.join(reason_text(r, lang) for r in e.raising),
            "lowering": JOIN.join(reason_text(r, lang) for r in e.lowering),
            "last_score_before": e.last_score_before, "last_score_since": e.last_score_since,
            "satisfaction": None if survey is None else survey.satisfaction,
            "wants_to_stay": None if survey is None else survey.wants_to_stay,
            "gaps": JOIN.join(gap_texts(e, lang)),
            "trainings": "" if plan is None else JOIN.join(f"{t.name} ({texts.number(t.hours, lang)} JP)"
                                                           for t in plan.trainings),
            "jp_last_12_months": None if plan is None else plan.jp_last_12_months,
            "jp_planned": None if plan is None else plan.jp_planned,
            "jp_short": None if plan is None else plan.jp_short, "mentor": mentor_text(e, lang),
            "next_check_in": "" if plan is None or plan.next_check_in is None else plan.next_check_in.isoformat(),
            "warning_codes": ";".join(e.warnings)})
    return rows


def training_rows(follow: FollowUp, lang: str = "id") -> list[dict]:
    """One row per planned training of each entry."""
    return [{"employee_id": e.employee_id, "name": _name(e), "post": e.title or e.position_id,
             "training_code": t.training_code, "training": t.name, "hours": t.hours,
             "competencies": JOIN.join(texts.competency_name(code, lang) for code in t.competency_codes),
             "expected_risk_change": t.expected_risk_change}
            for e in follow.entries if e.plan is not None for t in e.plan.trainings]


def check_in_rows(follow: FollowUp, lang: str = "id") -> list[dict]:
    """One row per check-in date of each entry."""
    return [{"employee_id": e.employee_id, "name": _name(e), "unit": e.unit_name or e.unit_id or "",
             "mentor": mentor_text(e, lang), "check_in": k, "date": day.isoformat(), "upcoming": day >= follow.as_of}
            for e in follow.entries if e.plan is not None for k, day in enumerate(e.plan.check_ins, start=1)]


def follow_xlsx(follow: FollowUp, lang: str = "id") -> bytes:
    """Three sheets (watchlist, trainings, check-ins); the date and window printed on each page."""
    book = Workbook()
    caption = f"{follow.as_of.isoformat()} · {follow.months} {'bulan' if lang == 'id' else 'months'}"
    parts = ((WATCHLIST, COLUMNS, watch_rows(follow, lang)), (TRAININGS, TRAINING_COLUMNS, training_rows(follow, lang)),
             (CHECK_INS, CHECK_IN_COLUMNS, check_in_rows(follow, lang)))
    for sheet, (part, columns, rows) in zip((book.active, book.create_sheet(), book.create_sheet()), parts):
        sheet.title = texts.pick(SHEET_TITLES[part], lang)
        table_sheet(sheet, tuple(columns), column_headers(columns, lang), rows, NUMBER_FORMATS, WRAPPED)
        sheet.auto_filter.ref = sheet.dimensions
        sheet.oddHeader.center.text = caption
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_bytes(follow: FollowUp, fmt: str, lang: str = "id") -> bytes:
    """The file: the watchlist as CSV, or the XLSX of the three sheets."""
    if fmt == XLSX:
        return follow_xlsx(follow, lang)
    if fmt != CSV:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return worded_csv(COLUMNS, watch_rows(follow, lang), lang)


def file_name(follow: FollowUp, fmt: str, lang: str = "id") -> str:
    """``tindak-lanjut-mutasi-2026-01-01.xlsx``, ``follow-up-2026-01-01-u3.csv``: ASCII
    letters, digits, ``-`` and ``.`` only."""
    unit = "" if follow.unit is None else "-" + "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-.") else "_"
                                                        for ch in follow.unit)
    return f"{texts.pick(FILE_STEM, lang)}-{follow.as_of.isoformat()}{unit}.{fmt}"
