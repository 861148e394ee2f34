"""The education fields a post requires (``positions.required_fields``).

Functional posts whose family has a clear educational prerequisite (a Dokter needs
kedokteran, a Perawat keperawatan, an Analis Hukum ilmu hukum, ...) in the technical
domains name one or two fields of study, ';'-separated, with the same codes as the
``education.field`` the simulator writes. A share ``required_fields_share`` of those posts
has them filled in (0 = no post names any). The draws come from their own random stream,
so the other tables do not change.
"""

import numpy as np

from simulator.places import FIELDS

FIELDS_STREAM = 20_250_616        # mixed with the seed: a stream no other draw uses
REQUIRED_FIELD_DOMAINS = ("keuangan", "kesehatan", "hukum", "teknologi_informasi", "pendidikan")
MAX_FIELDS = 2
# functional family (title stem) -> the fields of study that qualify for it
FAMILY_FIELDS: dict[str, tuple[str, ...]] = {
    "Analis Keuangan Pusat dan Daerah": ("akuntansi", "keuangan", "ekonomi"),
    "Auditor": ("akuntansi", "keuangan"),
    "Dokter": ("kedokteran",),
    "Perawat": ("keperawatan",),
    "Bidan": ("kebidanan",),
    "Apoteker": ("farmasi",),
    "Epidemiolog Kesehatan": ("kesehatan_masyarakat", "kedokteran"),
    "Nutrisionis": ("kesehatan_masyarakat", "kesehatan"),
    "Pranata Laboratorium Kesehatan": ("kesehatan", "farmasi"),
    "Administrator Kesehatan": ("kesehatan_masyarakat",),
    "Guru": ("pendidikan", "pendidikan_matematika", "pendidikan_bahasa_indonesia"),
    "Pengawas Sekolah": ("pendidikan",),
    "Perancang Peraturan Perundang-undangan": ("ilmu_hukum", "hukum"),
    "Analis Hukum": ("ilmu_hukum", "hukum"),
    "Penyuluh Hukum": ("ilmu_hukum", "hukum"),
    "Pranata Komputer": ("teknik_informatika", "sistem_informasi", "teknologi_informasi"),
    "Sandiman": ("teknik_informatika",),
}
WIDEST = max(len(fields) for fields in FAMILY_FIELDS.values())
assert all(f in FIELDS for fields in FAMILY_FIELDS.values() for f in fields), "fields the simulator writes"


def family_fields(title: str) -> tuple[str, ...]:
    """The qualifying fields of the post's family, () when it has none."""
    for stem, fields in FAMILY_FIELDS.items():
        if title.startswith(stem + " "):
            return fields
    return ()


def required_fields(seed: int, titles: list[str], domains: np.ndarray, share: float) -> np.ndarray:
    """``required_fields`` per post: 1-2 sorted fields joined by ';', None when the post names none."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"required_fields_share must be between 0 and 1, not {share!r}")
    rng = np.random.default_rng([int(seed), FIELDS_STREAM])
    n = len(titles)
    named, count, order = rng.random(n) < share, rng.integers(1, MAX_FIELDS + 1, size=n), rng.random((n, WIDEST))
    out = np.full(n, None, dtype=object)
    for k, (title, domain) in enumerate(zip(titles, domains)):
        fields = family_fields(title) if domain in REQUIRED_FIELD_DOMAINS else ()
        if fields and named[k]:
            picked = np.argsort(order[k, :len(fields)])[:count[k]]
            out[k] = ";".join(sorted(fields[i] for i in picked))
    return out
