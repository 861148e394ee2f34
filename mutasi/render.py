"""Readable terminal rendering of a ranking document (rich)."""

from rich.console import Console
from rich.table import Table

WORDS = {
    "id": {"title": "Kandidat untuk {pid} per {as_of}", "rank": "#", "employee": "pegawai", "score": "skor",
           "perf": "kinerja", "risk": "risiko", "why": "alasan utama", "train": "pelatihan yang disarankan",
           "excluded": "{n} pegawai tidak memenuhi syarat; alasan terbanyak: {top}", "model": "model",
           "eligible": "{n} kandidat memenuhi syarat"},
    "en": {"title": "Candidates for {pid} as of {as_of}", "rank": "#", "employee": "employee", "score": "score",
           "perf": "performance", "risk": "risk", "why": "main reasons", "train": "recommended trainings",
           "excluded": "{n} employees not eligible; most common reasons: {top}", "model": "model",
           "eligible": "{n} eligible candidates"},
}


def _reasons(candidate: dict, n: int = 3) -> str:
    """The ``n`` largest contributions, one line per feature (a feature that moves both
    models is named once, by its larger contribution)."""
    by_feature: dict[str, dict] = {}
    for e in sorted(candidate["explanations"], key=lambda e: -abs(e["contribution"])):
        by_feature.setdefault(e["feature"], e)
    items = list(by_feature.values())[:n]
    return "\n".join(f"{'+' if (e['contribution'] > 0) == (e['target'] == 'performance') else '-'} "
                     f"{e['label']}" for e in items)


def _trainings(candidate: dict) -> str:
    recs = candidate["training_recommendations"]
    if not recs:
        return candidate.get("recommendation_note") or ""
    return "\n".join(f"{r['name']} ({r['expected_risk_change']:+.3f})"
                     + (f"\n  {r['assumption']}" if r.get("assumption") else "") for r in recs)


def render_ranking(doc: dict, console: Console, lang: str = "id") -> None:
    words = WORDS[lang]
    table = Table(title=words["title"].format(pid=doc["position_id"], as_of=doc["as_of"]), show_lines=True)
    for key in ("rank", "employee", "score", "perf", "risk", "why", "train"):
        table.add_column(words[key], overflow="fold")
    for cand in doc["candidates"]:
        table.add_row(str(cand["rank"]), cand["employee_id"], f"{cand['score']:.2f}",
                      f"{cand['predicted_performance']:.2f}", f"{cand['adjustment_risk']:.0%}",
                      _reasons(cand), _trainings(cand))
    console.print(table)
    counts: dict[str, int] = {}
    for item in doc["excluded"]:
        for reason in item["reasons"]:
            counts[reason] = counts.get(reason, 0) + 1
    top = ", ".join(f"{k} ({v})" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:4])
    console.print(words["eligible"].format(n=doc.get("n_eligible", len(doc["candidates"]))))
    console.print(words["excluded"].format(n=len(doc["excluded"]), top=top or "-"))
    model = doc["model"]
    console.print(f"{words['model']}: {model['name']} v{model['version']} (run {model['run_id']})")
