"""Display names for simulated employees: plausible Indonesian names, pseudonymous.

Each name is a first name (by gender), sometimes a second one, and often a family or
second name, drawn from the short lists below; any likeness to a real person is chance.
The draws come from their own random stream (seeded by the simulation's seed), so adding
names changes no other table, and the same seed gives the same names. Names are made
distinct within a dataset (a reviewer tells people apart by name and id). ``display_name``
is shown to reviewers only and is never a model feature.
"""

import numpy as np

NAME_STREAM = 20_250_214          # mixed with the seed: a stream no other draw uses
SECOND_NAME_SHARE = 0.35
LAST_NAME_SHARE = 0.85
MAX_ROUNDS = 20                   # redraws of names already taken before numbering the rest

FEMALE = ("Siti", "Dewi", "Sri", "Ni Luh", "Maria", "Yuliana", "Agustina", "Fransiska", "Rina", "Nur", "Fitri",
          "Ayu", "Wulan", "Rahmawati", "Lestari", "Anjelina", "Margareta", "Theresia", "Yohana", "Kristina",
          "Novita", "Ratna", "Indah", "Melati", "Kartika", "Putri", "Sari", "Elisabet", "Veronika", "Rosalia",
          "Dian", "Nining", "Yanti", "Wahyuni", "Endang", "Susanti", "Mega", "Yuni", "Lusia", "Imelda")
MALE = ("Budi", "Agus", "Yohanes", "Petrus", "Yosef", "Fransiskus", "Ahmad", "Muhammad", "Stefanus", "Markus",
        "Antonius", "Dominikus", "Andreas", "Rudi", "Hendrik", "Bambang", "Joko", "Arif", "Dedi", "Eko",
        "Yakobus", "Paulus", "Robert", "Simon", "Wahyu", "Hasan", "Rahmat", "Kornelis", "Lukas", "Mikael",
        "Benediktus", "Aloysius", "Gabriel", "Rian", "Yusuf", "Imanuel", "Daniel", "Frans", "Adrianus", "Ignasius")
SECOND_FEMALE = ("Ayu", "Dwi", "Tri", "Eka", "Kurnia", "Putri", "Sinta", "Permata", "Kasih", "Nanda", "Rizki")
SECOND_MALE = ("Dwi", "Tri", "Eka", "Kurnia", "Putra", "Indra", "Surya", "Aditya", "Jaya", "Adi", "Rizki")
LAST = ("Santoso", "Rahmawati", "Ndun", "Manafe", "Fanggidae", "Lay", "Tefa", "Kapitan", "Bessie", "Djami",
        "Nope", "Sabu", "Pello", "Bria", "Seran", "Mau", "Nahak", "Atok", "Riwu", "Kana", "Ratu", "Lado",
        "Bili", "Wadu", "Koten", "Making", "Lewar", "Kelen", "Tukan", "Hurint", "Pandie", "Lerik", "Toda",
        "Dethan", "Amalo", "Messakh", "Tallo", "Foenay", "Neno", "Taek", "Saragih", "Siregar", "Nasution",
        "Wijaya", "Pratama", "Saputra", "Kusuma", "Hidayat", "Setiawan", "Nugroho", "Gunawan", "Susanto",
        "Halim", "Tanjung", "Lubis", "Simanjuntak", "Sitompul", "Wibowo", "Purnomo", "Hartono")


def _pick(rng: np.random.Generator, female: np.ndarray, women: tuple[str, ...], men: tuple[str, ...]) -> np.ndarray:
    n = len(female)
    return np.where(female, np.array(women, dtype=object)[rng.integers(len(women), size=n)],
                    np.array(men, dtype=object)[rng.integers(len(men), size=n)])


def _draw(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    n = len(female)
    first = _pick(rng, female, FEMALE, MALE)
    second = _pick(rng, female, SECOND_FEMALE, SECOND_MALE)
    last = np.array(LAST, dtype=object)[rng.integers(len(LAST), size=n)]
    with_second, with_last = rng.random(n) < SECOND_NAME_SHARE, rng.random(n) < LAST_NAME_SHARE
    return np.array([" ".join(part for part, used in ((f, True), (s, s2), (la, l2)) if used)
                     for f, s, la, s2, l2 in zip(first, second, last, with_second, with_last)], dtype=object)


def display_names(seed: int, female: np.ndarray) -> np.ndarray:
    """One distinct name per employee (row ``i`` of ``female``), deterministic by ``seed``."""
    female = np.asarray(female, dtype=bool)
    rng = np.random.default_rng([int(seed), NAME_STREAM])
    names = _draw(rng, female)
    for _ in range(MAX_ROUNDS):
        taken = _repeated(names)
        if not taken.any():
            return names
        names[taken] = _draw(rng, female[taken])
    taken = np.flatnonzero(_repeated(names))
    names[taken] = [f"{name} {k + 2}" for k, name in enumerate(names[taken])]     # still distinct, still names
    return names


def _repeated(names: np.ndarray) -> np.ndarray:
    """True at every occurrence of a name after its first."""
    _, first = np.unique(names.astype(str), return_index=True)
    repeated = np.ones(len(names), dtype=bool)
    repeated[first] = False
    return repeated
