"""Words of the reviewer page in Indonesian (default) and English.

``ui(key, lang)`` gives an interface string (the words of an exclusion reason code are
``serving.texts.reason_text``). An unknown key falls back to itself.
"""

from serving.texts import flag_text, pick

MOVE_TYPES: dict[str, tuple[str, str]] = {
    "initial": ("pengangkatan pertama", "first post"), "rotasi": ("rotasi", "rotation"),
    "mutasi": ("mutasi", "transfer"), "promosi": ("promosi", "promotion"), "demosi": ("demosi", "demotion"),
    "atas_permintaan_sendiri": ("atas permintaan sendiri", "own request"),
}

ACTIONS: dict[str, tuple[str, str]] = {
    "accept": ("terima", "accept"), "reject": ("tolak", "reject"), "reorder": ("ubah urutan", "reorder"),
}

UI: dict[str, tuple[str, str]] = {
    "title": ("Tinjauan kandidat mutasi", "Transfer candidate review"),
    "switch_lang": ("English", "Bahasa Indonesia"),
    "position": ("Jabatan", "Position"),
    "search_placeholder": ("Cari judul jabatan atau nama unit\u2026", "Search post title or unit name\u2026"),
    "no_match": ("Tidak ada jabatan yang cocok.", "No matching post."),
    "as_of": ("Tanggal keputusan", "Decision date"),
    "top_k": ("Jumlah kandidat", "Candidates shown"),
    "show": ("Tampilkan peringkat", "Show ranking"),
    "pick_position": ("Pilih jabatan dari daftar.", "Pick a post from the list."),
    "loading": ("Memuat\u2026", "Loading\u2026"),
    "token_prompt": ("Server ini memerlukan token API.", "This server requires an API token."),
    "token": ("Token", "Token"), "token_save": ("Simpan", "Save"),
    "model": ("Model", "Model"), "version": ("versi", "version"), "run": ("Run MLflow", "MLflow run"),
    "open_run": ("Buka run di MLflow", "Open the run in MLflow"),
    "local_store": ("Penyimpanan MLflow lokal", "Local MLflow store"),
    "mlflow_hint": ("Untuk melihat run, jalankan:", "To browse the run, start:"),
    "then_open": ("lalu buka", "then open"),
    "data_window": ("Jendela data", "Data window"),
    "dataset_end": ("data s.d.", "data up to"), "valid_from": ("validasi dari", "validation from"),
    "test_from": ("uji dari", "test from"), "events": ("peristiwa mutasi", "transfer events"),
    "trained_on": ("dilatih pada", "trained on"), "served_data": ("data yang dilayani", "served data"),
    "no_model": ("Belum ada model champion: jalankan `mutasi train`.", "No champion model yet: run `mutasi train`."),
    "ranking_for": ("Peringkat untuk", "Ranking for"), "audit_id": ("ID audit", "audit id"),
    "candidates": ("Kandidat", "Candidates"), "eligible": ("memenuhi syarat", "eligible"),
    "rank": ("Peringkat", "Rank"), "order": ("Urutan", "Order"), "employee": ("Pegawai", "Employee"),
    "current_post": ("Jabatan sekarang", "Current post"), "distance": ("Jarak", "Distance"),
    "performance": ("Kinerja prediksi", "Predicted performance"),
    "risk": ("Risiko penyesuaian", "Adjustment risk"), "score": ("Skor", "Score"),
    "detail": ("Rincian", "Details"), "up": ("Naikkan", "Move up"), "down": ("Turunkan", "Move down"),
    "no_candidates": ("Tidak ada kandidat yang memenuhi syarat.", "No eligible candidate."),
    "policy": ("Kebijakan skor", "Score policy"),
    "excluded": ("Pegawai yang dikecualikan", "Excluded employees"),
    "reasons": ("Alasan", "Reasons"), "by_reason": ("per alasan", "by reason"),
    "more_excluded": ("dan {n} lainnya", "and {n} more"),
    "shap_title": ("Faktor yang paling berpengaruh (SHAP)", "Most influential factors (SHAP)"),
    "shap_performance": ("Kinerja: kontribusi dalam poin SKP", "Performance: contribution in SKP points"),
    "shap_risk": ("Risiko: kontribusi dalam poin persen", "Risk: contribution in percentage points"),
    "shap_none": ("Tidak ada faktor yang berpengaruh.", "No influential factor."),
    "raises": ("menaikkan", "raises"), "lowers": ("menurunkan", "lowers"),
    "competencies": ("Kompetensi: standar jabatan vs hasil asesmen", "Competencies: post standard vs assessed"),
    "required": ("standar", "required"), "assessed": ("asesmen", "assessed"),
    "not_assessed": ("belum diasesmen", "not assessed"), "below": ("di bawah standar", "below standard"),
    "no_standard": ("Jabatan ini tidak memiliki standar kompetensi.", "This post has no competency standard."),
    "trainings_rec": ("Rekomendasi pelatihan", "Training recommendations"),
    "risk_change": ("perubahan risiko", "risk change"), "perf_change": ("perubahan kinerja", "performance change"),
    "hours": ("JP", "Hours"), "points": ("poin persen", "percentage points"),
    "history": ("Riwayat (sebelum tanggal keputusan)", "History (before the decision date)"),
    "posts": ("Jabatan yang pernah diduduki", "Posts held"), "from": ("Mulai", "From"), "until": ("Sampai", "Until"),
    "ongoing": ("masih menjabat", "ongoing"), "move_type": ("Jenis", "Type"), "unit": ("Unit", "Unit"),
    "appraisals": ("Penilaian SKP terakhir", "Last appraisals"), "period": ("Periode", "Period"),
    "rating": ("Predikat", "Rating"), "work_result": ("Hasil kerja", "Work result"),
    "work_behavior": ("Perilaku kerja", "Work behaviour"),
    "trainings": ("Pelatihan yang diikuti", "Trainings attended"), "training": ("Pelatihan", "Training"),
    "ended": ("Selesai", "Ended"), "category": ("Kategori", "Category"),
    "none_recorded": ("Tidak ada catatan.", "Nothing on record."),
    "decision": ("Keputusan peninjau", "Reviewer decision"), "reviewer": ("Nama peninjau", "Reviewer name"),
    "action": ("Tindakan", "Action"), "note": ("Catatan (wajib)", "Note (required)"),
    "for_employee": ("Untuk pegawai", "For employee"), "save_decision": ("Simpan keputusan", "Save decision"),
    "order_changed": ("Urutan telah diubah; simpan sebagai \u201cubah urutan\u201d.",
                      "Order changed; save it as \u201creorder\u201d."),
    "saved": ("Keputusan tersimpan", "Decision saved"),
    "no_decisions": ("Belum ada keputusan.", "No decision yet."),
    "on_ranking": ("pada peringkat audit", "on audit ranking"), "by": ("oleh", "by"),
    "decided_order": ("urutan", "order"), "error": ("Gagal", "Failed"),
    "note_required": ("Catatan wajib diisi.", "A note is required."),
    # issue 14: names, reasons, flags, auditors' fold, exports, history, tokens
    "reason_col": ("Alasan utama", "Main reasons"), "reason_for": ("Pendukung", "For"),
    "reason_against": ("Penghambat", "Against"), "flags": ("Perlu diperhatikan", "Take note"),
    "grade": ("Golongan", "Grade"),
    "auditor_details": ("Rincian untuk auditor", "Details for auditors"),
    "nav": ("Navigasi", "Navigation"), "excluded_n": ("dikecualikan", "excluded"),
    "print": ("Cetak ringkasan", "Print summary"),
    "print_title": ("Ringkasan untuk notulen rapat Baperjakat/TPK", "Summary for the board's minutes"),
    "decision_history": ("Riwayat keputusan untuk jabatan dan tanggal ini",
                         "Decision history for this post and date"),
    "decided_model": ("versi model", "model version"),
    "conflict": ("Perhatian: keputusan ini bertentangan dengan keputusan sebelumnya.",
                 "Note: this decision conflicts with an earlier one."),
    "token_wrong": ("Token ditolak server (salah atau tidak berlaku lagi). Masukkan token yang benar.",
                    "The server refused the token (wrong or no longer valid). Enter the right token."),
    "token_forbidden": ("Token ini tidak berhak melakukan tindakan tersebut. Minta token lain kepada admin.",
                        "This token may not do that. Ask the administrator for another token."),
    # the round plan page
    "plan_title": ("Rencana mutasi satu putaran", "Round transfer plan"),
    "to_plans": ("Rencana putaran", "Round plans"), "to_review": ("Tinjauan per jabatan", "Review one post"),
    "round_csv": ("Lowongan putaran (CSV)", "Round vacancies (CSV)"),
    "round_csv_help": ("Satu baris per lowongan: position_id, headcount (orang, bawaan 1), priority (1 = diisi "
                       "lebih dulu).", "One line per vacancy: position_id, headcount (people, default 1), priority "
                       "(1 = filled first)."),
    "round_file": ("atau unggah berkas CSV", "or upload a CSV file"),
    "max_outflow": ("Batas keluar per unit", "Most who may leave one unit"),
    "max_outflow_help": ("jumlah orang (3), bagian pegawai (20%), atau kosong: tanpa batas",
                         "a number of people (3), a share of staff (20%), or empty: no cap"),
    "make_plan": ("Buat rencana", "Make the plan"), "planning": ("Menyusun rencana\u2026", "Planning\u2026"),
    "replan_of": ("rencana ulang dari audit", "re-plan of audit"),
    "review_moves": ("Tinjau perpindahan", "Review the moves"),
    "review_help": ("Terima atau tolak setiap perpindahan, lalu rencanakan ulang: yang ditolak tidak akan dipilih "
                    "lagi, yang diterima dipertahankan.", "Accept or reject each move, then re-plan: a rejected move "
                    "is not made again, an accepted one is kept."),
    "note_optional": ("Catatan (opsional)", "Note (optional)"),
    "accept": ("Terima", "Accept"), "reject": ("Tolak", "Reject"),
    "accepted": ("diterima", "accepted"), "rejected": ("ditolak", "rejected"), "undecided": ("belum diputuskan",
                                                                                             "not decided"),
    "decision_col": ("Keputusan", "Decision"), "replan": ("Rencanakan ulang", "Re-plan"),
    "announce": ("Unduh pengumuman (yang diterima)", "Download the announcement (accepted moves)"),
    "decided_counts": ("{accept} diterima · {reject} ditolak", "{accept} accepted · {reject} rejected"),
    "reviewer_required": ("Isi nama peninjau lebih dulu.", "Enter the reviewer's name first."),
    "row": ("baris", "row"), "column": ("kolom", "column"), "value": ("nilai", "value"),
    "share_of_staff": ("{share} pegawai", "{share} of staff"), "people": ("{n} orang", "{n} people"),
    "forbidden_count": ("Dilarang peninjau", "Forbidden by reviewer"),
    # page extras (serving/web/extras.py): the excluded list, exports, the fairness page
    "excluded_all": ("Semua alasan", "All reasons"),
    "excluded_search": ("Cari ID atau nama pegawai\u2026", "Search employee id or name\u2026"),
    "search": ("Cari", "Search"), "name": ("Nama", "Name"),
    "excluded_counted": ("dihitung, tidak dicantumkan", "counted, not listed"),
    "excluded_range": ("{first}\u2013{last} dari {total}", "{first}\u2013{last} of {total}"),
    "excluded_none": ("Tidak ada pegawai yang cocok.", "No matching employee."),
    "previous": ("Sebelumnya", "Previous"), "next": ("Berikutnya", "Next"),
    "export_csv": ("Unduh CSV", "Download CSV"), "export_xlsx": ("Unduh XLSX (Excel)", "Download XLSX (Excel)"),
    "fairness_title": ("Audit keadilan model", "Model fairness audit"),
    "fairness_link": ("Keadilan model", "Model fairness"),
    "model_version": ("Versi model", "Model version"), "show_version": ("Tampilkan", "Show"),
    "served_now": ("sedang dilayani", "served now"),
    "audit_passed": ("audit lulus", "audit passed"), "audit_failed": ("audit tidak lulus", "audit failed"),
    "no_audit": ("Versi ini tidak memiliki audit keadilan.", "This version has no fairness audit."),
    "no_versions": ("Belum ada model terdaftar: jalankan `mutasi train`.", "No registered model yet: run "
                    "`mutasi train`."),
    "fairness_scope": ("{positions} lowongan per {as_of}, daftar {top_k} teratas",
                       "{positions} vacancies at {as_of}, top-{top_k} lists"),
    "fairness_help": ("Rasio dampak: seberapa sering sebuah kelompok masuk daftar teratas dibanding yang diharapkan "
                      "dari daftar yang buta kelompok pada lowongan yang sama, relatif terhadap kelompok terbaik "
                      "(1 = sama). Rasio di bawah garis empat perlima perlu perhatian; kelompok ditandai bila uji "
                      "statistik juga menyatakannya.",
                      "Impact ratio: how often a group enters the top lists compared with what a group-blind list "
                      "would give it in the same vacancies, relative to the best group (1 = equal). A ratio below "
                      "the four-fifths line needs attention; a group is flagged when a statistical test says so too."),
    "four_fifths": ("garis empat perlima", "four-fifths line"),
    "candidates_n": ("{n} kandidat", "{n} candidates"),
    "small_group": ("kelompok kecil: ditampilkan, tidak dinilai", "small group: shown, not judged"),
    "flagged": ("ditandai", "flagged"),
}


def ui(key: str, lang: str) -> str:
    return pick(UI[key], lang) if key in UI else key


def move_type(code, lang: str) -> str:
    return pick(MOVE_TYPES[code], lang) if code in MOVE_TYPES else str(code or "")


def flag(code: str, lang: str) -> str:
    """Words for a move flag (``serving.result.MoveFlag``)."""
    return flag_text(code, lang)


def action(code: str, lang: str) -> str:
    return pick(ACTIONS[code], lang) if code in ACTIONS else code


def js_strings(lang: str) -> dict[str, str]:
    """The few strings the page's script needs."""
    keys = ("loading", "no_match", "pick_position", "saved", "error", "note_required", "token_prompt", "token_wrong",
            "token_forbidden", "conflict")
    return {key: ui(key, lang) for key in keys}


def plan_js_strings(lang: str) -> dict[str, str]:
    """The strings the plan page's script needs."""
    keys = ("planning", "error", "token_prompt", "accepted", "rejected", "undecided", "reviewer_required",
            "decided_counts", "row", "column", "value", "saved", "token_wrong", "token_forbidden")
    return {key: ui(key, lang) for key in keys}
