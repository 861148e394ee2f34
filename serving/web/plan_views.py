"""What the round-plan page shows, as plain dicts for its template: the plan by unit with
its moves (arriving and leaving), the objective, unfilled vacancies and constraint costs
in words (:mod:`serving.planning.words`), each move with the reviewer's decision in force."""

from serving.planning import words
from serving.planning.document import PlanMove
from serving.web import labels as L

MOVE_REASONS = 3            # favourable reasons shown per move
MOVE_CONCERNS = 2           # concerns shown per move


def move_key(employee_id: str, position_id: str) -> str:
    """One move's key on the page (ids cannot hold a newline)."""
    return f"{employee_id}\n{position_id}"


def plan_view(names: words.Names, document: dict, decisions: list[dict], lang: str) -> dict:
    """A plan document for the page: objective box, the moves grouped by unit (arriving
    and leaving), unfilled vacancies and constraint costs in words, each move with the
    reviewer's decision in force (``accept``, ``reject`` or None)."""
    plan_lang = document.get("language", lang)
    decided = {move_key(d["employee_id"], d["position_id"]): d for d in decisions}
    moves = [_move_view(names, m, decided.get(move_key(m["employee_id"], m["position_id"])), lang, plan_lang)
             for m in document["moves"]]
    flows = {u["unit_id"]: u for u in document.get("units", [])}
    order = list(flows) + [u for m in moves for u in (m["unit_id"], m["from_unit_id"]) if u not in flows]
    units = []
    for unit_id in dict.fromkeys(order):
        flow = flows.get(unit_id, {})
        arriving = [m for m in moves if m["unit_id"] == unit_id]
        leaving = [m for m in moves if m["from_unit_id"] == unit_id]
        if not arriving and not leaving:
            continue
        cap = flow.get("max_outflow")
        units.append({"id": unit_id or "", "name": names.unit(unit_id) or words.t("nobody", lang),
                      "staff": flow.get("staff"), "max_outflow": words.t("no_cap", lang) if cap is None else cap,
                      "arriving": arriving, "leaving": leaving})
    missing = sum(u["missing"] for u in document["unfilled"])
    return {"doc": document, "objective": objective_view(document["objective"], lang), "units": units,
            "n_moves": len(moves), "n_missing": missing,
            "settings": plan_settings_view(document.get("settings", {}), lang),
            "unfilled": [{"position_id": u["position_id"], "title": names.title(u["position_id"]) or u["position_id"],
                          "missing": u["missing"], "n_candidates": u.get("n_candidates", 0), "codes": u["reasons"],
                          "reasons": [words.unfilled_reason(r, lang) for r in u["reasons"]]}
                         for u in document["unfilled"]],
            "constraints": [{"code": k["name"], "name": words.constraint_name(k["name"], lang),
                             "binding": k["binding"], "binding_text": words.yes_no(k["binding"], lang),
                             "cost": words.score(k["cost"], lang, 3)} for k in document["constraints"]],
            "decided": {"accept": sum(d["decision"] == "accept" for d in decisions),
                        "reject": sum(d["decision"] == "reject" for d in decisions)}}


def _move_view(names: words.Names, move: dict, decision: dict | None, lang: str, plan_lang: str) -> dict:
    typed = PlanMove.model_validate(move)
    return {**move, "key": move_key(move["employee_id"], move["position_id"]),
            "title": names.title(move["position_id"]) or move["position_id"],
            "unit_name": names.unit(move.get("unit_id")),
            "from_title": names.title(move.get("from_position_id")) or move.get("from_position_id") or "-",
            "from_unit_name": names.unit(move.get("from_unit_id")),
            "performance_text": words.score(move["predicted_performance"], lang, 2),
            "risk_text": words.percent(move["adjustment_risk"], lang, 1),
            "preference_text": words.yes_no(move["preference_met"], lang),
            "reasons": names.reasons(typed, lang, plan_lang, True, MOVE_REASONS),
            "concerns": names.reasons(typed, lang, plan_lang, False, MOVE_CONCERNS),
            "decision": decision["decision"] if decision else None,
            "decided_by": decision["reviewer"] if decision else None}


def objective_view(objective: dict, lang: str) -> dict:
    value, bound, greedy = objective["value"], objective["bound"], objective["greedy_value"]
    relaxed = objective.get("relaxed_value", value)
    return {"value": words.score(value, lang, 3), "bound": words.score(bound, lang, 3),
            "gap": words.percent(objective["gap"], lang, 2), "greedy": words.score(greedy, lang, 3),
            "greedy_filled": objective.get("greedy_filled", 0),
            "over_greedy": words.score(value - greedy, lang, 3), "relaxed": words.score(relaxed, lang, 3),
            "constraints_cost": words.score(max(0.0, relaxed - value), lang, 3),
            "solver": objective.get("solver", ""), "seconds": words.score(objective.get("seconds", 0.0), lang, 3)}


def plan_settings_view(settings: dict, lang: str) -> dict:
    return {"outflow": outflow_words(settings.get("outflow", ""), lang), "chain_depth": settings.get("chain_depth", 0),
            "fixed": len(settings.get("fixed", [])), "forbidden": len(settings.get("forbidden", []))}


def outflow_words(described: str, lang: str) -> str:
    """The plan's outflow cap (``"20% of staff"``, ``"3 people"``, ``"none"``) in ``lang``."""
    number, _, unit = described.partition(" ")
    if described == "none":
        return words.t("no_cap", lang)
    if unit == "of staff":
        return L.ui("share_of_staff", lang).replace("{share}", number)
    if unit == "people":
        return L.ui("people", lang).replace("{n}", number)
    return described
