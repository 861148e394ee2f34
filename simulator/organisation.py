"""The provincial agencies (perangkat daerah), one per domain, and the titles of their posts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """A functional position family: titles are ``<stem> <level>``."""

    stem: str
    track: str            # "ahli", "terampil" or "both"
    weight: float = 1.0
    domain: str | None = None   # when it differs from the agency's domain


@dataclass(frozen=True)
class AgencySpec:
    domain: str
    name: str
    weight: float                      # share of the province's posts
    large: bool                        # head is job class 15 rather than 14
    subunit: str                       # "Bidang" or "Bagian"
    section_head: str                  # "Kepala Seksi", "Kepala Subbidang", "Kepala Subbagian"
    subunits: tuple[str, ...]
    sections: tuple[str, ...]
    upt: tuple[str, ...]               # unit name templates with {region} and {n}
    functional_share: float
    families: tuple[Family, ...]
    clerks: tuple[tuple[str, int], ...]   # pelaksana titles and job classes
    has_secretariat: bool = True


SECRETARIAT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Kepala Subbagian Umum dan Kepegawaian", "kepegawaian"),
    ("Kepala Subbagian Keuangan", "keuangan"),
    ("Kepala Subbagian Perencanaan dan Pelaporan", "perencanaan"),
)
UPT_SECTIONS: tuple[str, ...] = ("Kepala Subbagian Tata Usaha", "Kepala Seksi Pelayanan",
                                 "Kepala Seksi Operasional")

# support functions found in every secretariat, whatever the agency's domain
SUPPORT_FAMILIES: tuple[Family, ...] = (
    Family("Analis Keuangan Pusat dan Daerah", "ahli", 1.0, "keuangan"),
    Family("Analis Sumber Daya Manusia Aparatur", "ahli", 1.0, "kepegawaian"),
    Family("Perencana", "ahli", 0.8, "perencanaan"),
    Family("Pranata Komputer", "both", 0.8, "teknologi_informasi"),
    Family("Arsiparis", "both", 0.8, "administrasi_umum"),
)
SUPPORT_CLERKS: tuple[tuple[str, int, str], ...] = (
    ("Pengelola Keuangan", 6, "keuangan"), ("Bendahara", 7, "keuangan"),
    ("Pengelola Kepegawaian", 6, "kepegawaian"), ("Pengadministrasi Umum", 5, "administrasi_umum"),
)
SHARED_CLERKS: tuple[tuple[str, int], ...] = (
    ("Pengadministrasi Umum", 5), ("Operator Layanan Operasional", 5),
    ("Pengolah Data dan Informasi", 6), ("Penata Layanan Operasional", 7),
)

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        "keuangan", "Badan Pengelolaan Keuangan dan Aset Daerah", 0.10, True, "Bidang",
        "Kepala Subbidang",
        ("Anggaran", "Perbendaharaan", "Akuntansi dan Pelaporan", "Aset Daerah", "Pendapatan Daerah"),
        ("Penyusunan Anggaran", "Pengendalian Anggaran", "Kas Daerah", "Akuntansi",
         "Pelaporan Keuangan", "Penatausahaan Aset", "Pemanfaatan Aset", "Pajak Daerah"),
        ("UPTD Pendapatan Daerah {region}",), 0.35,
        (Family("Analis Keuangan Pusat dan Daerah", "ahli", 2.0), Family("Auditor", "both"),
         Family("Pengelola Pengadaan Barang/Jasa", "ahli")),
        (("Penata Laporan Keuangan", 7), ("Pengelola Pendapatan Daerah", 6), ("Bendahara", 7))),
    AgencySpec(
        "kesehatan", "Dinas Kesehatan", 0.16, True, "Bidang", "Kepala Seksi",
        ("Pelayanan Kesehatan", "Pencegahan dan Pengendalian Penyakit", "Kesehatan Masyarakat",
         "Sumber Daya Kesehatan"),
        ("Pelayanan Kesehatan Primer", "Pelayanan Kesehatan Rujukan", "Surveilans dan Imunisasi",
         "Pencegahan Penyakit Menular", "Kesehatan Keluarga dan Gizi", "Promosi Kesehatan",
         "Kefarmasian dan Alat Kesehatan", "Sumber Daya Manusia Kesehatan"),
        ("UPTD Rumah Sakit Daerah {region}", "UPTD Laboratorium Kesehatan {region}",
         "UPTD Instalasi Farmasi {region}"), 0.75,
        (Family("Dokter", "ahli"), Family("Perawat", "both", 3.0), Family("Bidan", "both", 2.0),
         Family("Apoteker", "ahli"), Family("Epidemiolog Kesehatan", "both"),
         Family("Pranata Laboratorium Kesehatan", "both"), Family("Nutrisionis", "both"),
         Family("Administrator Kesehatan", "ahli")),
        (("Pengelola Program Kesehatan", 6), ("Pengolah Data Kesehatan", 6))),
    AgencySpec(
        "pendidikan", "Dinas Pendidikan dan Kebudayaan", 0.21, True, "Bidang", "Kepala Seksi",
        ("Pembinaan SMA", "Pembinaan SMK", "Pendidikan Khusus", "Ketenagaan", "Kebudayaan"),
        ("Kurikulum dan Penilaian", "Peserta Didik", "Sarana dan Prasarana", "Pendidik",
         "Tenaga Kependidikan", "Cagar Budaya", "Kesenian"),
        ("Cabang Dinas Pendidikan Wilayah {region}", "SMA Negeri {n} {region}",
         "SMK Negeri {n} {region}"), 0.80,
        (Family("Guru", "ahli", 6.0), Family("Pengawas Sekolah", "ahli"),
         Family("Pustakawan", "both"), Family("Pamong Belajar", "ahli")),
        (("Pengelola Layanan Pendidikan", 6), ("Pengadministrasi Sekolah", 5))),
    AgencySpec(
        "hukum", "Biro Hukum", 0.04, False, "Bagian", "Kepala Subbagian",
        ("Perundang-undangan", "Bantuan Hukum", "Dokumentasi dan Informasi Hukum"),
        ("Penyusunan Produk Hukum", "Harmonisasi Produk Hukum", "Litigasi", "Non-Litigasi",
         "Dokumentasi Hukum", "Penyuluhan Hukum"),
        (), 0.55,
        (Family("Perancang Peraturan Perundang-undangan", "ahli", 2.0), Family("Analis Hukum", "ahli"),
         Family("Penyuluh Hukum", "ahli")),
        (("Pengelola Dokumen Hukum", 6), ("Penelaah Teknis Kebijakan", 7)), has_secretariat=False),
    AgencySpec(
        "teknologi_informasi", "Dinas Komunikasi dan Informatika", 0.05, False, "Bidang",
        "Kepala Seksi",
        ("Aplikasi Informatika", "Infrastruktur dan Teknologi", "Persandian dan Keamanan Informasi",
         "Statistik", "Informasi dan Komunikasi Publik"),
        ("Pengembangan Aplikasi", "Tata Kelola SPBE", "Jaringan dan Pusat Data", "Keamanan Informasi",
         "Statistik Sektoral", "Pengelolaan Informasi Publik"),
        ("UPTD Layanan Teknologi Informasi {region}",), 0.55,
        (Family("Pranata Komputer", "both", 2.0), Family("Statistisi", "both"),
         Family("Sandiman", "both"), Family("Pranata Hubungan Masyarakat", "both")),
        (("Teknisi Jaringan", 6),)),
    AgencySpec(
        "pekerjaan_umum", "Dinas Pekerjaan Umum dan Penataan Ruang", 0.09, True, "Bidang",
        "Kepala Seksi",
        ("Bina Marga", "Sumber Daya Air", "Cipta Karya", "Penataan Ruang", "Jasa Konstruksi"),
        ("Pembangunan Jalan", "Pemeliharaan Jalan dan Jembatan", "Irigasi", "Air Baku",
         "Bangunan Gedung", "Air Minum dan Sanitasi", "Perencanaan Tata Ruang",
         "Pembinaan Jasa Konstruksi"),
        ("UPTD Pengelolaan Jalan dan Jembatan Wilayah {region}",
         "UPTD Pengelolaan Sumber Daya Air {region}", "UPTD Laboratorium Bahan Konstruksi {region}"),
        0.40,
        (Family("Teknik Jalan dan Jembatan", "both", 2.0), Family("Teknik Pengairan", "both"),
         Family("Penata Ruang", "ahli"), Family("Pembina Jasa Konstruksi", "ahli")),
        (("Teknisi Sarana dan Prasarana", 6), ("Pengelola Sarana dan Prasarana", 6))),
    AgencySpec(
        "kepegawaian", "Badan Kepegawaian Daerah", 0.05, False, "Bidang", "Kepala Subbidang",
        ("Pengadaan dan Informasi Kepegawaian", "Mutasi dan Promosi", "Pengembangan Kompetensi",
         "Penilaian Kinerja dan Penghargaan"),
        ("Pengadaan dan Pemberhentian", "Data dan Sistem Informasi", "Mutasi", "Promosi dan Kepangkatan",
         "Pengembangan Kompetensi", "Penilaian Kinerja", "Disiplin dan Penghargaan"),
        (), 0.50,
        (Family("Analis Sumber Daya Manusia Aparatur", "ahli", 2.0),
         Family("Asesor Sumber Daya Manusia Aparatur", "ahli"), Family("Widyaiswara", "ahli"),
         Family("Pranata Sumber Daya Manusia Aparatur", "terampil")),
        (("Pengelola Kepegawaian", 6), ("Pengadministrasi Kepegawaian", 5))),
    AgencySpec(
        "perencanaan", "Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah", 0.05, False,
        "Bidang", "Kepala Subbidang",
        ("Perencanaan Ekonomi", "Pemerintahan dan Pembangunan Manusia",
         "Infrastruktur dan Kewilayahan", "Pengendalian dan Evaluasi", "Riset dan Inovasi"),
        ("Pertanian dan Kelautan", "Industri dan Perdagangan", "Pendidikan dan Kesehatan",
         "Sosial Budaya", "Infrastruktur", "Tata Ruang Wilayah", "Evaluasi Pembangunan",
         "Data dan Informasi Pembangunan"),
        (), 0.60,
        (Family("Perencana", "ahli", 3.0), Family("Analis Kebijakan", "ahli"),
         Family("Statistisi", "both")),
        (("Penelaah Teknis Kebijakan", 7),)),
    AgencySpec(
        "pelayanan_publik", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", 0.07, False,
        "Bidang", "Kepala Seksi",
        ("Pelayanan Perizinan", "Penanaman Modal", "Pengaduan dan Peningkatan Layanan",
         "Data dan Sistem Informasi Perizinan"),
        ("Perizinan Usaha", "Perizinan Non-Usaha", "Promosi Investasi", "Pengendalian Penanaman Modal",
         "Pengaduan Masyarakat", "Standar Pelayanan"),
        ("UPT Pelayanan Perizinan Terpadu {region}",), 0.40,
        (Family("Penata Perizinan", "both", 2.0), Family("Penggerak Swadaya Masyarakat", "both"),
         Family("Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah", "ahli")),
        (("Pengelola Layanan Perizinan", 6),)),
    AgencySpec(
        "kebencanaan", "Badan Penanggulangan Bencana Daerah", 0.06, False, "Bidang", "Kepala Seksi",
        ("Pencegahan dan Kesiapsiagaan", "Kedaruratan dan Logistik", "Rehabilitasi dan Rekonstruksi"),
        ("Pencegahan", "Kesiapsiagaan", "Kedaruratan", "Logistik", "Rehabilitasi", "Rekonstruksi"),
        ("UPTD Pusat Pengendalian Operasi Penanggulangan Bencana {region}",), 0.35,
        (Family("Analis Kebencanaan", "ahli", 2.0), Family("Pemadam Kebakaran", "terampil"),
         Family("Analis Kebakaran", "ahli")),
        (("Pengelola Logistik", 6), ("Petugas Pusat Pengendalian Operasi", 6))),
    AgencySpec(
        "administrasi_umum", "Biro Umum dan Protokol", 0.09, False, "Bagian", "Kepala Subbagian",
        ("Tata Usaha Pimpinan", "Rumah Tangga", "Protokol dan Komunikasi Pimpinan",
         "Keuangan dan Aset Sekretariat Daerah"),
        ("Tata Usaha Pimpinan", "Persuratan dan Arsip", "Rumah Tangga", "Perlengkapan", "Protokol",
         "Dokumentasi Pimpinan"),
        (), 0.35,
        (Family("Arsiparis", "both", 2.0), Family("Pranata Hubungan Masyarakat", "both"),
         Family("Analis Kebijakan", "ahli"), Family("Pengelola Pengadaan Barang/Jasa", "ahli")),
        (("Pengelola Barang Milik Daerah", 6),), has_secretariat=False),
)
