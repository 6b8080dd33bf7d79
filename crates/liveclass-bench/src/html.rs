//! The report at a glance: one self-contained HTML page (inline SVG, no
//! script, no external asset) with the server's rate against pgbench's on
//! the same SQL as bars around the 1.0 line, and a latency percentile plot
//! per scenario. `report.json` and `report.md` carry the same figures.

use std::fmt::Write as _;

use crate::report::{Ratio, Report, ScenarioResult};
use crate::stats::OpSummary;

/// Colours of the operations in a scenario's plot, in order.
const PALETTE: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
];
const WIDTH: f64 = 720.0;
/// Left margin of every chart (labels of the y axis or of the bars).
const LEFT: f64 = 170.0;
const RIGHT: f64 = 30.0;

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut html = String::new();
    html.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>LiveClass benchmark</title>\
         <style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}\
         h2{margin-top:2em}p.small{color:#555;font-size:90%}\
         svg text{font-family:system-ui,sans-serif;font-size:12px}</style></head><body>\n",
    );
    let _ = writeln!(html, "<h1>LiveClass benchmark</h1>");
    let _ = writeln!(
        html,
        "<p class=\"small\">Machine: {}. PostgreSQL on the same machine, durable commits; \
         server and load generator on loopback; {} clients, {} s per timed scenario.</p>",
        escape(&report.machine.summary()),
        report.concurrency,
        report.seconds
    );
    let ratios: Vec<&Ratio> = report.scenarios.iter().flat_map(|s| &s.ratios).collect();
    if !ratios.is_empty() {
        let _ = writeln!(html, "<h2>HTTP against pgbench, same SQL</h2>");
        let _ = writeln!(
            html,
            "<p class=\"small\">A bar reaching the dashed line serves as many requests per \
             second over HTTP as pgbench runs the same SQL directly against PostgreSQL.</p>"
        );
        html.push_str(&ratio_chart(&ratios));
    }
    for s in &report.scenarios {
        let _ = writeln!(html, "<h2>{}</h2>", escape(&s.name));
        let rss = s
            .peak_rss_mib
            .map_or("n/a".into(), |m| format!("{m:.0} MiB"));
        let _ = writeln!(
            html,
            "<p class=\"small\">{} ({:.2} s, server peak RSS {}); invariants checked in the \
             database: {} of {} hold.</p>",
            escape(&s.description),
            s.wall_seconds,
            escape(&rss),
            s.checks.iter().filter(|c| c.ok).count(),
            s.checks.len()
        );
        if s.ops.iter().any(|op| !op.percentiles.is_empty()) {
            html.push_str(&latency_plot(s));
        }
    }
    html.push_str("</body></html>\n");
    html
}

/// One horizontal bar per ratio on a common axis, with the 1.0 line; each
/// bar's name above it (names are long).
fn ratio_chart(ratios: &[&Ratio]) -> String {
    const ROW: f64 = 40.0;
    const TOP: f64 = 10.0;
    let height = TOP + ROW * ratios.len() as f64 + 30.0;
    let max = ratios
        .iter()
        .map(|r| r.ratio)
        .filter(|r| r.is_finite())
        .fold(1.2_f64, f64::max)
        .ceil();
    // Room on the right for the longest bar's label.
    let plot = WIDTH - LEFT - RIGHT - 190.0;
    let x = |v: f64| LEFT + plot * (v / max).clamp(0.0, 1.0);
    let mut svg = svg_open(height, "HTTP rate divided by pgbench's rate, per scenario");
    for (i, r) in ratios.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let ratio = if r.ratio.is_finite() { r.ratio } else { 0.0 };
        let colour = if ratio >= 1.0 { "#2ca02c" } else { "#d62728" };
        let _ = writeln!(
            svg,
            "<text x=\"{LEFT}\" y=\"{:.1}\">{}</text>\
             <rect x=\"{LEFT}\" y=\"{:.1}\" width=\"{:.1}\" height=\"16\" fill=\"{colour}\" opacity=\"0.8\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{:.2}× ({:.0}/s vs {:.0} tps)</text>",
            y + 11.0,
            escape(&r.name),
            y + 16.0,
            (x(ratio) - LEFT).max(1.0),
            x(ratio) + 6.0,
            y + 28.0,
            ratio,
            r.http_per_second,
            r.pgbench_tps
        );
    }
    let bottom = TOP + ROW * ratios.len() as f64;
    let _ = writeln!(
        svg,
        "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{bottom:.1}\" stroke=\"#222\" \
         stroke-dasharray=\"4 3\"/><text x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\">\
         pgbench = 1.0</text>",
        x(1.0),
        bottom + 16.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// Latency against percentile for each operation of a scenario: percentiles
/// on a "nines" axis (50, 90, 99, 99.9, max), milliseconds on a log axis.
fn latency_plot(s: &ScenarioResult) -> String {
    const TOP: f64 = 10.0;
    const PLOT_HEIGHT: f64 = 200.0;
    let legend_rows = s.ops.len() as f64;
    let height = TOP + PLOT_HEIGHT + 40.0 + 18.0 * legend_rows;
    let points: Vec<f64> = s
        .ops
        .iter()
        .flat_map(|op| op.percentiles.iter().map(|&(_, ms)| ms))
        .filter(|ms| ms.is_finite())
        .collect();
    let lo = points
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(0.01)
        .log10()
        .floor();
    let hi = points
        .iter()
        .copied()
        .fold(0.01_f64, f64::max)
        .log10()
        .ceil()
        .max(lo + 1.0);
    let plot = WIDTH - LEFT - RIGHT;
    let x = |pct: f64| LEFT + plot * nines(pct) / MAX_NINES;
    let y = |ms: f64| TOP + PLOT_HEIGHT * (1.0 - (ms.max(0.01).log10() - lo) / (hi - lo));
    let mut svg = svg_open(
        height,
        &format!("Latency percentiles of the {} scenario", s.name),
    );
    // Axes and grid.
    let mut decade = lo;
    while decade <= hi {
        let ms = 10f64.powf(decade);
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"#ddd\"/>\
             <text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{4} ms</text>",
            y(ms),
            WIDTH - RIGHT,
            LEFT - 8.0,
            y(ms) + 4.0,
            trim_number(ms)
        );
        decade += 1.0;
    }
    for (pct, label) in [
        (0.0, "0"),
        (50.0, "50"),
        (90.0, "90"),
        (99.0, "99"),
        (99.9, "99.9"),
        (100.0, "max"),
    ] {
        let _ = writeln!(
            svg,
            "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#eee\"/>\
             <text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{label}</text>",
            x(pct),
            TOP + PLOT_HEIGHT,
            TOP + PLOT_HEIGHT + 16.0
        );
    }
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">percentile</text>",
        LEFT + plot / 2.0,
        TOP + PLOT_HEIGHT + 32.0
    );
    for (i, op) in s.ops.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let line: Vec<String> = op
            .percentiles
            .iter()
            .filter(|(_, ms)| ms.is_finite())
            .map(|&(pct, ms)| format!("{:.1},{:.1}", x(pct), y(ms)))
            .collect();
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            line.join(" ")
        );
        let legend_y = TOP + PLOT_HEIGHT + 52.0 + 18.0 * i as f64;
        let _ = writeln!(
            svg,
            "<rect x=\"{LEFT}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            legend_y - 10.0,
            LEFT + 18.0,
            legend_y,
            escape(&legend(op))
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The right end of the nines axis: where "max" is drawn.
const MAX_NINES: f64 = 3.5;

/// A percentile's place on the "nines" axis: 0 → 0, 90 → 1, 99 → 2,
/// 99.9 → 3; the maximum (100) is drawn at [`MAX_NINES`].
fn nines(pct: f64) -> f64 {
    if pct >= 100.0 {
        MAX_NINES
    } else {
        (-(1.0 - pct / 100.0).log10()).clamp(0.0, 3.0)
    }
}

fn legend(op: &OpSummary) -> String {
    format!(
        "{}: {} requests, {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        op.op, op.requests, op.per_second, op.p50_ms, op.p99_ms, op.max_ms
    )
}

fn svg_open(height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\"><title>{}</title>\n",
        escape(title)
    )
}

/// `0.1`, `1`, `10` without trailing zeros.
fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::report::{Check, Machine};
    use crate::stats::Recorder;

    fn scenario(name: &str, ratio: Option<f64>) -> ScenarioResult {
        let mut rec = Recorder::default();
        for ms in 1..=1000u64 {
            rec.record("join", 200, Duration::from_micros(ms * 100));
            rec.record("leave <b>", 200, Duration::from_micros(ms * 10));
        }
        ScenarioResult {
            name: name.into(),
            description: "a test".into(),
            wall_seconds: 1.0,
            ops: rec.summaries(Duration::from_secs(1)),
            peak_rss_mib: Some(12.0),
            ratios: ratio
                .map(|r| Ratio {
                    name: format!("{name} joins"),
                    http_per_second: 100.0 * r,
                    pgbench_tps: 100.0,
                    ratio: r,
                })
                .into_iter()
                .collect(),
            checks: vec![Check {
                name: "capacity".into(),
                ok: true,
                detail: String::new(),
            }],
        }
    }

    fn report() -> Report {
        Report {
            machine: Machine {
                cpu: "test cpu".into(),
                cores: 2,
                memory_gib: 24.0,
                postgres: "PostgreSQL 15".into(),
                kernel: "6".into(),
            },
            concurrency: 64,
            seconds: 10,
            scenarios: vec![
                scenario("hot", Some(1.5)),
                scenario("list", Some(0.6)),
                scenario("fanout", None),
            ],
        }
    }

    #[test]
    fn the_page_has_a_bar_per_ratio_and_a_plot_per_scenario() {
        let html = render(&report());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<svg ").count(), 4, "ratios + 3 plots");
        assert_eq!(
            html.matches("<svg ").count(),
            html.matches("</svg>").count()
        );
        assert!(html.contains("1.50× (150/s vs 100 tps)"), "{html}");
        assert!(html.contains("0.60× (60/s vs 100 tps)"));
        // Above 1.0 green, below red.
        assert_eq!(html.matches("fill=\"#2ca02c\" opacity").count(), 1);
        assert_eq!(html.matches("fill=\"#d62728\" opacity").count(), 1);
        // Two operations per scenario, each a line and a legend entry.
        assert_eq!(html.matches("<polyline").count(), 6);
        assert!(html.contains("join: 1000 requests"));
        // Names are escaped.
        assert!(html.contains("leave &lt;b&gt;"));
        assert!(!html.contains("leave <b>"));
    }

    #[test]
    fn percentiles_sit_on_the_nines_axis() {
        assert!((nines(0.0)).abs() < 1e-9);
        assert!((nines(90.0) - 1.0).abs() < 1e-9);
        assert!((nines(99.0) - 2.0).abs() < 1e-9);
        assert!((nines(99.9) - 3.0).abs() < 1e-6);
        assert!((nines(100.0) - MAX_NINES).abs() < 1e-9);
    }

    #[test]
    fn a_point_never_leaves_the_plot() {
        let html = render(&report());
        for points in html.split("points=\"").skip(1) {
            let points = &points[..points.find('"').unwrap_or(0)];
            for xy in points.split(' ') {
                let (x, y) = xy.split_once(',').unwrap_or(("-1", "-1"));
                let (x, y): (f64, f64) = (x.parse().unwrap_or(-1.0), y.parse().unwrap_or(-1.0));
                assert!((LEFT..=WIDTH - RIGHT).contains(&x), "x {x}");
                assert!((10.0..=210.0).contains(&y), "y {y}");
            }
        }
    }
}
