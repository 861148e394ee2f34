"""The province: regions of Nusa Tenggara Timur, domains, and education fields.

Region ids are BPS-style codes; coordinates are the kabupaten/kota capitals. Remote (3T)
regions are the outer islands and the far south-west of Sumba.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RegionSpec:
    region_id: str
    name: str
    latitude: float
    longitude: float
    remote: bool
    population_weight: float   # share of employees whose home region it is (relative)


CAPITAL = 0   # index of the province capital in REGIONS

REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec("5371", "Kota Kupang", -10.1772, 123.6070, False, 6.0),
    RegionSpec("5303", "Kabupaten Kupang", -10.0280, 123.8790, False, 2.5),
    RegionSpec("5304", "Kabupaten Timor Tengah Selatan", -9.8608, 124.2838, False, 2.5),
    RegionSpec("5305", "Kabupaten Timor Tengah Utara", -9.4564, 124.4795, False, 1.8),
    RegionSpec("5306", "Kabupaten Belu", -9.1063, 124.8925, False, 1.5),
    RegionSpec("5307", "Kabupaten Alor", -8.2208, 124.5196, True, 1.2),
    RegionSpec("5308", "Kabupaten Flores Timur", -8.3388, 122.9855, False, 1.5),
    RegionSpec("5309", "Kabupaten Sikka", -8.6227, 122.2121, False, 2.0),
    RegionSpec("5310", "Kabupaten Ende", -8.8432, 121.6623, False, 1.8),
    RegionSpec("5312", "Kabupaten Manggarai", -8.6118, 120.4698, False, 2.0),
    RegionSpec("5302", "Kabupaten Sumba Timur", -9.6566, 120.2641, False, 1.5),
    RegionSpec("5313", "Kabupaten Rote Ndao", -10.7386, 123.0606, True, 0.9),
    RegionSpec("5314", "Kabupaten Manggarai Barat", -8.4964, 119.8877, False, 1.5),
    RegionSpec("5316", "Kabupaten Sumba Barat Daya", -9.4321, 119.2470, True, 1.3),
    RegionSpec("5317", "Kabupaten Lembata", -8.3653, 123.4122, True, 0.9),
    RegionSpec("5319", "Kabupaten Sabu Raijua", -10.4927, 121.8478, True, 0.6),
)

DOMAINS: tuple[str, ...] = (
    "keuangan", "kesehatan", "pendidikan", "hukum", "teknologi_informasi", "pekerjaan_umum",
    "kepegawaian", "perencanaan", "pelayanan_publik", "kebencanaan", "administrasi_umum",
)

# field of study -> the domain whose technical competency it builds (tertiary fields only)
FIELDS: dict[str, str] = {
    "keuangan": "keuangan", "akuntansi": "keuangan", "ekonomi": "keuangan",
    "kesehatan": "kesehatan", "kedokteran": "kesehatan", "keperawatan": "kesehatan",
    "kesehatan_masyarakat": "kesehatan", "kebidanan": "kesehatan", "farmasi": "kesehatan",
    "pendidikan": "pendidikan", "pendidikan_matematika": "pendidikan",
    "pendidikan_bahasa_indonesia": "pendidikan",
    "hukum": "hukum", "ilmu_hukum": "hukum",
    "teknologi_informasi": "teknologi_informasi", "teknik_informatika": "teknologi_informasi",
    "sistem_informasi": "teknologi_informasi",
    "teknik_sipil": "pekerjaan_umum", "arsitektur": "pekerjaan_umum", "pekerjaan_umum": "pekerjaan_umum",
    "manajemen_sdm": "kepegawaian", "psikologi": "kepegawaian", "kepegawaian": "kepegawaian",
    "perencanaan_wilayah": "perencanaan", "statistika": "perencanaan", "perencanaan": "perencanaan",
    "administrasi_publik": "pelayanan_publik", "pelayanan_publik": "pelayanan_publik",
    "geografi": "kebencanaan", "teknik_lingkungan": "kebencanaan", "kebencanaan": "kebencanaan",
    "ilmu_pemerintahan": "administrasi_umum", "administrasi_perkantoran": "administrasi_umum",
    "administrasi_umum": "administrasi_umum",
}

SECONDARY_FIELDS: tuple[str, ...] = ("ipa", "ips", "smk_bisnis_manajemen", "smk_teknik")


def fields_of(domain: str) -> tuple[str, ...]:
    """Tertiary fields of study that lead to ``domain``, in a fixed order."""
    return tuple(field for field, target in FIELDS.items() if target == domain)
