"""Every word the plan reports say, in Indonesian and English, in one place.

Report writers (CSV, XLSX, HTML, the announcement, the terminal summary) take their words
from here: headings and column names by key (:data:`TEXTS`), unfilled reasons and
constraints by their enum (:data:`UNFILLED_REASONS`, :data:`CONSTRAINTS`), and the names of
posts and units from the dataset (:class:`Names`). A model explanation is worded by
:mod:`serving.texts` (:func:`reason_label` re-words it when the report's language differs
from the plan's).
"""

from dataclasses import dataclass

import pandas as pd

from features import columns as c
from features import pairs as fp
from serving.context import ServingContext
from serving.planning.costs import ConstraintName
from serving.planning.document import PlanMove, UnfilledReason
from serving.result import Explanation
from serving.texts import LANGS, describe, pick

# key -> (Indonesian, English); {name} fields are filled by :func:`t`
TEXTS: dict[str, tuple[str, str]] = {
    # titles and sections
    "plan_title": ("Rencana mutasi per {as_of}", "Transfer plan as of {as_of}"),
    "summary": ("Ringkasan", "Summary"),
    "moves": ("Perpindahan", "Moves"),
    "unfilled": ("Lowongan belum terisi", "Unfilled vacancies"),
    "units": ("Unit", "Units"),
    "constraints": ("Batasan", "Constraints"),
    "settings": ("Pengaturan", "Settings"),
    "objective_box": ("Nilai rencana", "Plan value"),
    "leaving": ("Keluar", "Leaving"),
    "arriving": ("Masuk", "Arriving"),
    "nobody": ("Tidak ada", "Nobody"),
    "no_unfilled": ("Semua lowongan terisi.", "Every vacancy is filled."),
    "no_moves": ("Rencana ini tidak memindahkan siapa pun.", "This plan moves nobody."),
    # sheets of the workbook (at most 31 characters)
    "sheet_summary": ("Ringkasan", "Summary"),
    "sheet_moves": ("Perpindahan", "Moves"),
    "sheet_unfilled": ("Belum terisi", "Unfilled"),
    "sheet_units": ("Unit", "Units"),
    "sheet_constraints": ("Batasan", "Constraints"),
    # summary items
    "plan_id": ("ID rencana", "Plan id"),
    "as_of": ("Per tanggal", "As of"),
    "model": ("Model", "Model"),
    "rules": ("Aturan kelayakan", "Eligibility rules"),
    "value": ("Nilai tujuan", "Objective value"),
    "bound": ("Batas atas terbukti", "Proven upper bound"),
    "gap": ("Selisih terhadap batas atas", "Gap to the bound"),
    "greedy_value": ("Nilai pilihan teratas per lowongan (greedy)", "Vacancy-by-vacancy top pick (greedy)"),
    "greedy_filled": ("Kursi terisi oleh pilihan greedy", "Slots filled by the greedy pick"),
    "relaxed_value": ("Nilai bila semua batasan dilepas", "Value with every constraint relaxed"),
    "constraints_cost": ("Harga semua batasan", "What the constraints cost"),
    "solver": ("Pemecah", "Solver"),
    "seconds": ("Waktu pemecahan (detik)", "Solve time (seconds)"),
    "n_vacancies": ("Lowongan dalam putaran", "Vacancies in the round"),
    "headcount": ("Kursi yang dibutuhkan", "Slots needed"),
    "n_moves": ("Perpindahan", "Moves"),
    "n_unfilled": ("Kursi belum terisi", "Slots unfilled"),
    "n_pairs": ("Pasangan pegawai-lowongan dinilai", "Employee-vacancy pairs scored"),
    "item": ("Butir", "Item"),
    "setting": ("Pengaturan", "Setting"),
    # explanations of the objective box
    "objective_help": (
        "Nilai tujuan menjumlahkan, untuk setiap perpindahan: bobot kinerja × prediksi nilai SKP − bobot risiko × "
        "risiko gagal beradaptasi + bonus bila sesuai minat penempatan − penalti bila pindah wilayah padahal tidak "
        "bersedia.",
        "The objective adds up, over the moves: performance weight × predicted SKP score − risk weight × risk of "
        "failing to adjust + a bonus when a stated preference is met − a penalty for a move to another region "
        "against a stated unwillingness."),
    "bound_help": ("Tidak ada rencana dengan batasan yang sama yang dapat melampaui {bound}; rencana ini berjarak "
                   "{gap} darinya.",
                   "No plan under the same constraints can exceed {bound}; this plan is {gap} below it."),
    "greedy_help": ("Memilih kandidat teratas lowongan demi lowongan menghasilkan {greedy} ({filled} kursi terisi); "
                    "rencana ini {diff} lebih tinggi.",
                    "Picking each vacancy's top candidate in turn gives {greedy} ({filled} slots filled); "
                    "this plan is {diff} higher."),
    "cost_help": ("Tanpa batasan apa pun nilainya {relaxed}: batasan mengurangi {cost}.",
                  "With every constraint relaxed the value is {relaxed}: the constraints cost {cost}."),
    "no_binding": ("Tidak ada batasan yang mengurangi nilai rencana.", "No constraint lowers the plan's value."),
    # columns
    "position_id": ("ID jabatan", "Position id"),
    "title": ("Jabatan", "Post"),
    "unit": ("Unit", "Unit"),
    "unit_id": ("ID unit", "Unit id"),
    "employee_id": ("ID pegawai", "Employee id"),
    "from_position_id": ("ID jabatan asal", "From position id"),
    "from_title": ("Jabatan asal", "From post"),
    "from_unit_id": ("ID unit asal", "From unit id"),
    "from_unit": ("Unit asal", "From unit"),
    "to": ("Ke", "To"),
    "from": ("Dari", "From"),
    "predicted_performance": ("Prediksi nilai SKP", "Predicted SKP score"),
    "adjustment_risk": ("Risiko gagal beradaptasi", "Risk of failing to adjust"),
    "perf_short": ("SKP", "SKP"),
    "risk_short": ("Risiko", "Risk"),
    "move_value": ("Nilai perpindahan", "Value of the move"),
    "preference_met": ("Sesuai minat", "Preference met"),
    "against_wish": ("Pindah wilayah tanpa kesediaan", "Relocation against stated wish"),
    "key_post": ("Jabatan kunci", "Key post"),
    "chain_depth": ("Kedalaman rantai", "Chain depth"),
    "fixed": ("Ditetapkan peninjau", "Fixed by reviewer"),
    "runners_up": ("Kandidat berikutnya", "Runners-up"),
    "reasons_for": ("Alasan utama", "Main reasons"),
    "reasons_against": ("Catatan risiko", "Concerns"),
    "missing": ("Kursi kosong", "Slots missing"),
    "n_candidates": ("Kandidat yang diperbolehkan", "Allowed candidates"),
    "reasons": ("Alasan", "Reasons"),
    "reason_codes": ("Kode alasan", "Reason codes"),
    "staff": ("Jumlah pegawai", "Staff"),
    "max_outflow": ("Batas keluar", "Most who may leave"),
    "no_cap": ("tanpa batas", "no cap"),
    "constraint": ("Batasan", "Constraint"),
    "constraint_code": ("Kode batasan", "Constraint code"),
    "binding": ("Mengikat", "Binding"),
    "cost": ("Harga", "Cost"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    # the announcement
    "announce_title": ("Pengumuman hasil mutasi", "Announcement of transfer results"),
    "announce_intro": ("Hasil mutasi per {as_of} (rencana {plan_id}). Penempatan ditetapkan berdasarkan kompetensi, "
                       "kinerja dan kebutuhan organisasi (sistem merit).",
                       "Transfer results as of {as_of} (plan {plan_id}). Placements follow competence, performance "
                       "and the organisation's needs (merit system)."),
    "announce_none": ("Tidak ada perpindahan yang diumumkan.", "No transfer is announced."),
    "employee": ("Pegawai", "Employee"),
    "pref_met_note": ("Sesuai minat penempatan yang dinyatakan", "Matches a stated placement preference"),
    "unknown_post": ("(belum ada jabatan)", "(no current post)"),
    "generated": ("Dibuat oleh mutasi · model {model}", "Made by mutasi · model {model}"),
}

UNFILLED_REASONS: dict[UnfilledReason, tuple[str, str]] = {
    UnfilledReason.NO_ELIGIBLE_CANDIDATE: ("Tidak ada pegawai yang memenuhi syarat jabatan",
                                           "Nobody meets the post's eligibility rules"),
    UnfilledReason.KEY_POST_GUARD: ("Ada yang memenuhi syarat, tetapi tak seorang pun lolos batas jabatan kunci "
                                    "(prediksi kinerja minimum, risiko maksimum)",
                                    "Eligible people exist, but none passes the key post guard (minimum predicted "
                                    "performance, maximum risk)"),
    UnfilledReason.FORBIDDEN_BY_REVIEWER: ("Kandidat yang tersisa ditolak peninjau",
                                           "The remaining candidates were rejected by a reviewer"),
    UnfilledReason.FEWER_CANDIDATES: ("Kandidat yang diperbolehkan lebih sedikit dari kursi yang dibutuhkan",
                                      "Fewer allowed candidates than people needed"),
    UnfilledReason.OUTFLOW_CAP: ("Ada kandidat, tetapi unit asalnya sudah mencapai batas pegawai yang boleh keluar",
                                 "Candidates exist, but their units may lose no one more in this round"),
    UnfilledReason.TAKEN_BY_OTHER_POSTS: ("Kandidatnya ditempatkan di lowongan lain yang lebih membutuhkan mereka",
                                          "Its candidates were placed at other posts where they serve the round "
                                          "better"),
    UnfilledReason.PAIRS_NOT_KEPT: ("Ada pegawai lain yang memenuhi syarat, tetapi pasangan mereka tidak disimpan "
                                    "saat penilaian (--top-n, --score-floor)",
                                    "More people are eligible, but their pairs were not kept when the round was "
                                    "scored (--top-n, --score-floor)"),
}

CONSTRAINTS: dict[ConstraintName, tuple[str, str]] = {
    ConstraintName.MAX_OUTFLOW_PER_UNIT: ("Batas pegawai yang boleh keluar dari satu unit",
                                          "Most people one unit may lose"),
    ConstraintName.PRIORITY: ("Prioritas lowongan (prioritas 1 diisi lebih dulu)",
                              "Vacancy priority (priority 1 filled first)"),
    ConstraintName.FIXED_MOVES: ("Perpindahan yang ditetapkan peninjau", "Moves fixed by a reviewer"),
    ConstraintName.FORBIDDEN_MOVES: ("Perpindahan yang dilarang peninjau", "Moves forbidden by a reviewer"),
    ConstraintName.KEY_POST_GUARD: ("Batas jabatan kunci (kinerja minimum, risiko maksimum)",
                                    "Key post guard (minimum performance, maximum risk)"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def t(key: str, lang: str, **fields) -> str:
    """The words of ``key`` in ``lang``, with ``fields`` filled in."""
    text = pick(TEXTS[key], lang)
    return text.format(**fields) if fields else text


def unfilled_reason(reason: UnfilledReason | str, lang: str) -> str:
    try:
        return pick(UNFILLED_REASONS[UnfilledReason(reason)], lang)
    except ValueError:                          # a reason newer than this table: its code
        return str(reason)


def constraint_name(name: str, lang: str) -> str:
    try:
        return pick(CONSTRAINTS[ConstraintName(name)], lang)
    except ValueError:
        return name


def yes_no(flag: bool, lang: str) -> str:
    return t("yes" if flag else "no", lang)


def score(value: float, lang: str, digits: int = 2) -> str:
    """4.5967 -> '4,60' (id) or '4.60' (en)."""
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def percent(share: float, lang: str, digits: int = 0) -> str:
    """0.0607 -> '6%'; small non-zero shares keep enough digits to show they are not 0."""
    shown = digits
    while shown < 6 and share and round(abs(share) * 100, shown) == 0:
        shown += 1
    return f"{score(share * 100, lang, shown)}%"


# --- reasons of a move ----------------------------------------------------------------------


def is_favourable(e: Explanation) -> bool:
    """Raises predicted performance or lowers the risk."""
    return e.contribution > 0 if e.target == "performance" else e.contribution < 0


def reason_label(e: Explanation, lang: str, plan_lang: str, target_domain: str | None = None) -> str:
    """The explanation's label in ``lang`` (re-worded from its value when the plan was in another)."""
    if lang == plan_lang:
        return e.label
    return describe(e.feature, e.value, {fp.TARGET_DOMAIN: target_domain}, lang)


def pick_reasons(explanations: list[Explanation], favourable: bool, limit: int = 3,
                 keep=lambda e: True) -> list[Explanation]:
    """Up to ``limit`` explanations on one side, one per feature, performance and risk
    taking turns (each list is already largest first; their units differ)."""
    sides = [[e for e in explanations if e.target == target and is_favourable(e) == favourable and keep(e)]
             for target in ("performance", "risk")]
    merged = [e for pair in zip(*sides) for e in pair]
    longest = max(sides, key=len)
    merged += longest[min(map(len, sides)):]
    out, seen = [], set()
    for e in merged:
        if e.feature not in seen:
            seen.add(e.feature)
            out.append(e)
    return out[:limit]


# --- names of posts and units -------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """Titles of posts and names of units, by id (ad-hoc vacancies of a round have none)."""

    titles: dict[str, str]
    unit_of_post: dict[str, str]
    unit_names: dict[str, str]
    domains: dict[str, str]

    @classmethod
    def from_context(cls, context: ServingContext) -> "Names":
        pos, units = context.dataset.positions, context.dataset.units
        return cls(titles=_mapping(pos, c.POSITION_ID, c.TITLE), unit_of_post=_mapping(pos, c.POSITION_ID, c.UNIT_ID),
                   unit_names=_mapping(units, c.UNIT_ID, c.NAME), domains=_mapping(pos, c.POSITION_ID, c.DOMAIN))

    def title(self, position_id: str | None) -> str:
        return "" if position_id is None else self.titles.get(position_id, "")

    def unit(self, unit_id: str | None) -> str:
        """The unit's name (its id when the dataset has no name for it)."""
        return "" if unit_id is None else self.unit_names.get(unit_id, unit_id)

    def unit_id_of(self, position_id: str) -> str | None:
        return self.unit_of_post.get(position_id)

    def domain(self, position_id: str) -> str | None:
        return self.domains.get(position_id)

    def reasons(self, move: PlanMove, lang: str, plan_lang: str, favourable: bool, limit: int = 3,
                keep=lambda e: True) -> list[str]:
        """The move's top reasons in words: favourable ones (for) or the concerns (against)."""
        chosen = pick_reasons(move.explanations, favourable, limit, keep)
        return [reason_label(e, lang, plan_lang, self.domain(move.position_id)) for e in chosen]


def _mapping(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    if key not in frame or value not in frame:
        return {}
    pairs = frame[[key, value]].dropna()
    return dict(zip(pairs[key].astype(str), pairs[value].astype(str)))
