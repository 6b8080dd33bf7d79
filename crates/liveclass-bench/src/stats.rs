//! Latency and status counts per operation.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// One operation's measurements.
#[derive(Clone)]
pub struct OpStats {
    latency_us: Histogram<u64>,
    statuses: BTreeMap<u16, u64>,
}

impl OpStats {
    pub fn new() -> Self {
        Self {
            // 1 µs to 60 s, 3 significant digits.
            latency_us: Histogram::new_with_bounds(1, 60_000_000, 3)
                .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!())),
            statuses: BTreeMap::new(),
        }
    }

    pub fn record(&mut self, status: u16, latency: Duration) {
        let us = u64::try_from(latency.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let _ = self.latency_us.record(us.min(60_000_000));
        *self.statuses.entry(status).or_insert(0) += 1;
    }

    pub fn merge(&mut self, other: &OpStats) {
        let _ = self.latency_us.add(&other.latency_us);
        for (status, n) in &other.statuses {
            *self.statuses.entry(*status).or_insert(0) += n;
        }
    }

    pub fn count(&self) -> u64 {
        self.latency_us.len()
    }

    pub fn statuses(&self) -> &BTreeMap<u16, u64> {
        &self.statuses
    }

    pub fn summary(&self, op: &str, wall: Duration) -> OpSummary {
        let ms = |q: f64| self.latency_us.value_at_quantile(q) as f64 / 1000.0;
        OpSummary {
            op: op.to_owned(),
            requests: self.count(),
            per_second: self.count() as f64 / wall.as_secs_f64().max(1e-9),
            p50_ms: ms(0.50),
            p95_ms: ms(0.95),
            p99_ms: ms(0.99),
            max_ms: self.latency_us.max() as f64 / 1000.0,
            percentiles: PLOTTED_QUANTILES
                .iter()
                .map(|&q| (q * 100.0, ms(q)))
                .collect(),
            statuses: self
                .statuses
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect(),
        }
    }
}

/// Measurements of several operations, by name.
#[derive(Clone, Default)]
pub struct Recorder {
    pub ops: BTreeMap<&'static str, OpStats>,
}

impl Recorder {
    pub fn record(&mut self, op: &'static str, status: u16, latency: Duration) {
        self.ops
            .entry(op)
            .or_insert_with(OpStats::new)
            .record(status, latency);
    }

    pub fn merge(&mut self, other: &Recorder) {
        for (op, stats) in &other.ops {
            self.ops.entry(op).or_insert_with(OpStats::new).merge(stats);
        }
    }

    pub fn summaries(&self, wall: Duration) -> Vec<OpSummary> {
        self.ops.iter().map(|(op, s)| s.summary(op, wall)).collect()
    }
}

/// The quantiles a report's latency plot draws: enough points for the shape
/// of the distribution, from the median out to its tail.
pub const PLOTTED_QUANTILES: [f64; 10] = [0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0];

#[derive(Debug, Clone, Serialize)]
pub struct OpSummary {
    pub op: String,
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// `(percentile, latency in ms)` at [`PLOTTED_QUANTILES`], ascending.
    pub percentiles: Vec<(f64, f64)>,
    pub statuses: BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_give_percentiles_rates_and_status_counts() {
        let mut r = Recorder::default();
        for ms in 1..=100u64 {
            r.record(
                "join",
                if ms <= 90 { 200 } else { 409 },
                Duration::from_millis(ms),
            );
        }
        let s = &r.summaries(Duration::from_secs(2))[0];
        assert_eq!((s.op.as_str(), s.requests), ("join", 100));
        assert!((s.per_second - 50.0).abs() < 1e-9);
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{}", s.p50_ms);
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{}", s.p99_ms);
        assert!((s.max_ms - 100.0).abs() < 0.1, "{}", s.max_ms);
        assert_eq!(s.statuses["200"], 90);
        assert_eq!(s.percentiles.len(), PLOTTED_QUANTILES.len());
        assert!(s.percentiles.windows(2).all(|w| w[0].1 <= w[1].1));
        assert!((s.percentiles[2].1 - 50.0).abs() < 0.1);
        assert_eq!(s.statuses["409"], 10);
    }
}
