"""The files of ``mutasi monitor``: ``monitor.html`` (self-contained: verdict, thresholds,
drift per feature with the drifted ones first, calibration per version and the reliability
plot as an embedded PNG), ``drift.html`` (Evidently's own report) and ``monitor.json``.
Indonesian by default, English with ``lang="en"``."""

import base64
import html
import json
import math

from serving import texts
from serving.monitoring.monitor import Alarm, MonitorReport

MONITOR_HTML, DRIFT_HTML, MONITOR_JSON, RELIABILITY_PNG = "monitor.html", "drift.html", "monitor.json", "reliability.png"

WORDS = {
    "id": {"title": "Pemantauan model {name} v{version} per {as_of}", "verdict": "Kesimpulan",
           "ok": "Tidak ada alarm: drift dan kalibrasi dalam batas.", "alarms": "ALARM: {names}",
           "thresholds": "Ambang", "setting": "pengaturan", "value": "nilai",
           "drift": "Drift data per fitur", "reference": "Acuan", "current": "Sekarang",
           "rows": "{n} baris", "share": "{k} dari {n} fitur bergeser ({share}); alarm pada ≥ {max}.",
           "feature": "fitur", "method": "metode", "threshold": "ambang", "rule": "aturan", "drifted": "bergeser",
           "yes": "ya", "no": "tidak", "skipped": "Tidak dibandingkan (tanpa nilai di salah satu sisi): {names}",
           "evidently": "Laporan Evidently lengkap: drift.html", "calibration": "Kalibrasi pada kohort matang",
           "none": "Belum ada kohort matang: tidak ada ranking berumur ≥ {months} bulan di log audit yang diikuti "
                   "mutasi, dan tidak ada mutasi setelah data latih versi ini yang jendela 730 harinya selesai.",
           "version": "versi", "sources": "sumber", "n_risk": "n risiko", "predicted_risk": "risiko prediksi",
           "failure_rate": "tingkat gagal", "ece": "ECE", "brier": "Brier", "n_perf": "n kinerja",
           "predicted_perf": "kinerja prediksi", "perf": "kinerja nyata", "mae": "MAE", "bias": "bias",
           "judged": "dinilai", "small": "kohort < {min}: ditampilkan, tidak dinilai",
           "served": "versi yang dipantau"},
    "en": {"title": "Monitoring of model {name} v{version} as of {as_of}", "verdict": "Verdict",
           "ok": "No alarm: drift and calibration within bounds.", "alarms": "ALARM: {names}",
           "thresholds": "Thresholds", "setting": "setting", "value": "value",
           "drift": "Data drift per feature", "reference": "Reference", "current": "Current",
           "rows": "{n} rows", "share": "{k} of {n} features drifted ({share}); alarm at ≥ {max}.",
           "feature": "feature", "method": "method", "threshold": "threshold", "rule": "rule", "drifted": "drifted",
           "yes": "yes", "no": "no", "skipped": "Not compared (no value on one side): {names}",
           "evidently": "Evidently's full report: drift.html", "calibration": "Calibration on matured cohorts",
           "none": "No matured cohort yet: no ranking at least {months} months old in the audit log was followed by "
                   "a move, and no transfer after this version's training data has a finished 730-day window.",
           "version": "version", "sources": "sources", "n_risk": "n risk", "predicted_risk": "predicted risk",
           "failure_rate": "failure rate", "ece": "ECE", "brier": "Brier", "n_perf": "n performance",
           "predicted_perf": "predicted score", "perf": "realised score", "mae": "MAE", "bias": "bias",
           "judged": "judged", "small": "cohort < {min}: shown, not judged", "served": "monitored version"},
}
ALARM_WORDS = {Alarm.DRIFT: ("drift data", "data drift"), Alarm.CALIBRATION: ("kalibrasi risiko (ECE)", "risk calibration (ECE)"),
               Alarm.PERFORMANCE_BIAS: ("bias prediksi kinerja", "performance bias")}
THRESHOLD_SETTINGS = ("max_drift_share", "max_ece", "max_performance_bias", "min_cohort", "rows",
                      "reference_months", "recent_months", "matured_months")
STYLE = ("body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#222}"
         "table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
         "text-align:right}td:first-child,th:first-child{text-align:left}.alarm{color:#a00;font-weight:bold}"
         ".ok{color:#070;font-weight:bold}tr.drifted td{background:#fde8e8}img{max-width:100%}"
         ".wrap{overflow-x:auto}")


def alarm_names(alarms, lang: str) -> str:
    return ", ".join(texts.pick(ALARM_WORDS[a], lang) for a in alarms)


def _fmt(value, lang: str, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return texts.number(float(value), lang, digits)


def _table(headers: list[str], rows: list[tuple[list[str], str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(f"<tr class='{cls}'>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
                   for cells, cls in rows)
    return f"<div class='wrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _drift_section(report: MonitorReport, w: dict, lang: str) -> str:
    d = report.drift
    parts = [f"<h2>{w['drift']}</h2>",
             f"<p>{w['reference']}: {html.escape(d.reference)} · {w['rows'].format(n=d.n_reference)}<br>"
             f"{w['current']}: {html.escape(d.current)} · {w['rows'].format(n=d.n_current)}</p>",
             f"<p class='{'alarm' if d.alarm else 'ok'}'>" + html.escape(w["share"].format(
                 k=len(d.drifted), n=len(d.features), share=_fmt(d.share, lang), max=_fmt(d.max_share, lang)))
             + "</p>",
             _table([w["feature"], w["method"], w["value"], w["threshold"], w["rule"], w["drifted"]],
                    [([f.feature, f.method, _fmt(f.value, lang), _fmt(f.threshold, lang), f.rule,
                       w["yes"] if f.drifted else w["no"]], "drifted" if f.drifted else "")
                     for f in d.features])]
    if d.skipped:
        parts.append(f"<p>{html.escape(w['skipped'].format(names=', '.join(d.skipped)))}</p>")
    parts.append(f"<p><a href='{DRIFT_HTML}'>{w['evidently']}</a></p>")
    return "".join(parts)


def _calibration_section(report: MonitorReport, png: bytes | None, w: dict, lang: str) -> str:
    parts = [f"<h2>{w['calibration']}</h2>"]
    if not report.calibrations:
        parts.append(f"<p>{html.escape(w['none'].format(months=report.settings.matured_months))}</p>")
        return "".join(parts)
    s = report.settings
    rows = []
    for v in report.calibrations:
        risk_judged, perf_judged = v.judged(s)
        alarm = v.version == report.model.version and (v.ece_alarm(s) or v.bias_alarm(s))
        name = v.version + (f" ({w['served']})" if v.version == report.model.version else "")
        judged = w["yes"] if risk_judged or perf_judged else w["small"].format(min=s.min_cohort)
        rows.append(([name, ", ".join(f"{k} {n}" for k, n in v.sources.items()), str(v.n_risk),
                      _fmt(v.mean_predicted_risk, lang), _fmt(v.failure_rate, lang), _fmt(v.ece, lang),
                      _fmt(v.brier, lang), str(v.n_performance), _fmt(v.mean_predicted_performance, lang, 2),
                      _fmt(v.mean_performance, lang, 2), _fmt(v.performance_mae, lang, 2),
                      _fmt(v.performance_bias, lang, 2), judged], "drifted" if alarm else ""))
    parts.append(_table([w[k] for k in ("version", "sources", "n_risk", "predicted_risk", "failure_rate", "ece",
                                        "brier", "n_perf", "predicted_perf", "perf", "mae", "bias", "judged")], rows))
    if png is not None:
        parts.append(f"<img alt='reliability' src='data:image/png;base64,{base64.b64encode(png).decode()}'>")
    return "".join(parts)


def monitor_html(report: MonitorReport, png: bytes | None, lang: str = "id") -> str:
    """The whole report page (no outside resource)."""
    w = WORDS[lang]
    title = w["title"].format(name=report.model.name, version=report.model.version,
                              as_of=report.as_of.date().isoformat())
    alarms = report.alarms
    verdict = (f"<p class='alarm'>{html.escape(w['alarms'].format(names=alarm_names(alarms, lang)))}</p>"
               if alarms else f"<p class='ok'>{w['ok']}</p>")
    settings = report.settings.to_dict()
    thresholds = _table([w["setting"], w["value"]], [([k, str(settings[k])], "") for k in THRESHOLD_SETTINGS])
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1><h2>{w['verdict']}</h2>{verdict}"
            f"<h2>{w['thresholds']}</h2>{thresholds}{_drift_section(report, w, lang)}"
            f"{_calibration_section(report, png, w, lang)}</body></html>")


def report_files(report: MonitorReport, png: bytes | None, lang: str = "id") -> dict[str, bytes]:
    """File name -> content of the report's own files (Evidently writes :data:`DRIFT_HTML`)."""
    files = {MONITOR_HTML: monitor_html(report, png, lang).encode(),
             MONITOR_JSON: json.dumps(report.to_document(), ensure_ascii=False, indent=1).encode()}
    if png is not None:
        files[RELIABILITY_PNG] = png
    return files
