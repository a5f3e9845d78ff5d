//! The exporter's metrics: one `prometheus-client` registry, updated by the poller and encoded
//! for each scrape.
//!
//! Label values are the server's text, exact: `prometheus-client` writes them unescaped, so
//! [`LabelText`] escapes `\`, `"` and line feeds as the exposition formats require, and
//! Prometheus reads back the original string. Nothing else reaches a label: the API key is
//! never part of a metric.

use std::fmt::Write as _;
use std::sync::RwLock;
use std::sync::atomic::AtomicU64;

use hamravesh::types::profile::Organization;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::balance_cmd::Runway;

/// A gauge holding a float.
type FloatGauge = Gauge<f64, AtomicU64>;

/// A label value written with the escapes of the exposition formats (`\\`, `\"`, `\n`).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct LabelText(pub String);

impl EncodeLabelValue for LabelText {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        for c in self.0.chars() {
            match c {
                '\\' => encoder.write_str("\\\\")?,
                '"' => encoder.write_str("\\\"")?,
                '\n' => encoder.write_str("\\n")?,
                other => encoder.write_char(other)?,
            }
        }
        Ok(())
    }
}

/// The labels of an organization's metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OrganizationLabels {
    /// The organization's `name` (slug), exact.
    pub organization: LabelText,
    /// Its numeric id.
    pub id: LabelText,
}

/// The label of an `--org` name the profile does not list: the name as given, exact.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NameLabels {
    /// The name as `--org` gave it.
    pub organization: LabelText,
}

/// The labels of the poll counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    /// `success` or `error`.
    pub outcome: LabelText,
}

/// An organization's float gauges, in the order served: the name, the help, and the value
/// (`None` leaves the gauge absent).
type GaugeRow = (&'static str, &'static str, fn(&Organization) -> Option<f64>);

/// The float gauges of each organization.
const GAUGES: [GaugeRow; 7] = [
    (
        "organization_balance",
        "The organization's balance (as the API gives it; no currency is documented); can be negative",
        |o| Some(o.balance),
    ),
    (
        "organization_budget",
        "The organization's budget (as the API gives it; no currency is documented)",
        |o| Some(o.budget),
    ),
    (
        "organization_charged_budget",
        "Amount charged so far (as the API gives it; no currency is documented)",
        |o| Some(o.charged_budget),
    ),
    (
        "organization_virtual_budget",
        "Virtual (promotional) budget (as the API gives it; no currency is documented)",
        |o| Some(o.virtual_budget),
    ),
    (
        "organization_residual_debt",
        "Outstanding debt, total_residual_debt (as the API gives it; no currency is documented)",
        |o| Some(o.total_residual_debt),
    ),
    (
        "organization_residual_debt_ratio",
        "Outstanding debt as a ratio (residual_debt_percentage / 100)",
        |o| Some(o.residual_debt_percentage / 100.0),
    ),
    (
        "organization_runway_seconds",
        "Seconds until the balance turns negative at the current spend (seconds_to_negative_balance); absent while the API gives null",
        |o| match Runway::from_value(&o.seconds_to_negative_balance) {
            Runway::Seconds(seconds) => Some(seconds),
            Runway::None | Runway::Unknown => None,
        },
    ),
];

/// Every metric the exporter serves.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Taken for writing while a poll's values are replaced, for reading while a scrape
    /// encodes, so a scrape never sees half of a poll.
    lock: RwLock<()>,
    /// One family per row of [`GAUGES`].
    gauges: [Family<OrganizationLabels, FloatGauge>; GAUGES.len()],
    restricted: Family<OrganizationLabels, Gauge>,
    /// 1 for each `--org` name the last successful poll's profile did not list.
    unknown: Family<NameLabels, Gauge>,
    up: Gauge,
    last_success: FloatGauge,
    poll_duration: FloatGauge,
    polls: Family<OutcomeLabels, Counter>,
}

impl Metrics {
    /// Registers every metric, with its help, under the `hamravesh_` prefix.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("hamravesh");
        let metrics = Metrics {
            registry: Registry::default(),
            lock: RwLock::new(()),
            gauges: Default::default(),
            restricted: Family::default(),
            unknown: Family::default(),
            up: Gauge::default(),
            last_success: FloatGauge::default(),
            poll_duration: FloatGauge::default(),
            polls: Family::default(),
        };
        for ((name, help, _), family) in GAUGES.iter().zip(&metrics.gauges) {
            registry.register(*name, *help, family.clone());
        }
        registry.register(
            "organization_restricted",
            "1 if the organization is restricted (for example for a negative balance), else 0",
            metrics.restricted.clone(),
        );
        registry.register(
            "organization_unknown",
            "1 for each --org name the account's profile does not list (the API answered; nothing else is exported for that name)",
            metrics.unknown.clone(),
        );
        registry.register(
            "up",
            "1 if the last poll of the API succeeded, else 0 (the organization metrics then keep the last values read)",
            metrics.up.clone(),
        );
        registry.register(
            "last_success_timestamp_seconds",
            "Unix time of the last successful poll of the API (0 before the first)",
            metrics.last_success.clone(),
        );
        registry.register(
            "poll_duration_seconds",
            "How long the last poll of the API took, retries included",
            metrics.poll_duration.clone(),
        );
        registry.register(
            "polls",
            "Polls of the API, by outcome (success or error)",
            metrics.polls.clone(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }

    /// Replaces every organization's values with those of a successful poll, and the `--org`
    /// names it did not find (`unknown`).
    pub fn record_success(
        &self,
        organizations: &[&Organization],
        unknown: &[&str],
        duration_seconds: f64,
        unix_seconds: f64,
    ) {
        let _guard = self.lock.write().unwrap_or_else(|e| e.into_inner());
        for family in &self.gauges {
            family.clear();
        }
        self.restricted.clear();
        self.unknown.clear();
        for name in unknown {
            let labels = NameLabels {
                organization: LabelText((*name).to_owned()),
            };
            self.unknown.get_or_create(&labels).set(1);
        }
        for organization in organizations {
            let labels = OrganizationLabels {
                organization: LabelText(organization.name.clone()),
                id: LabelText(organization.id.to_string()),
            };
            for ((_, _, value), family) in GAUGES.iter().zip(&self.gauges) {
                if let Some(value) = value(organization) {
                    family.get_or_create(&labels).set(value);
                }
            }
            self.restricted
                .get_or_create(&labels)
                .set(i64::from(organization.is_restricted));
        }
        self.up.set(1);
        self.last_success.set(unix_seconds);
        self.poll_duration.set(duration_seconds);
        self.polls.get_or_create(&outcome("success")).inc();
    }

    /// Records a failed poll: `up` drops to 0 and the organizations keep their last values.
    pub fn record_failure(&self, duration_seconds: f64) {
        let _guard = self.lock.write().unwrap_or_else(|e| e.into_inner());
        self.up.set(0);
        self.poll_duration.set(duration_seconds);
        self.polls.get_or_create(&outcome("error")).inc();
    }

    /// The metrics in the OpenMetrics text format, as `prometheus-client` writes them.
    pub fn encode(&self) -> String {
        let _guard = self.lock.read().unwrap_or_else(|e| e.into_inner());
        let mut text = String::with_capacity(4096);
        // Writing to a String cannot fail; an error would only come from a metric's encoder.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// OpenMetrics text turned into the Prometheus text format 0.0.4, for readers that ask for it
/// (or ask for nothing, such as `promtool check metrics` and curl): a counter's family is named
/// with its `_total` suffix there, as its samples are, and there is no `# EOF` line.
pub fn to_text_0_0_4(openmetrics: &str) -> String {
    let counters: Vec<&str> = openmetrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len() + 16 * counters.len());
    for line in openmetrics.lines() {
        if line == "# EOF" {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(&name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        match renamed {
            Some(line) => out.push_str(&line),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn outcome(value: &str) -> OutcomeLabels {
    OutcomeLabels {
        outcome: LabelText(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_names_counters_with_total_and_has_no_eof() {
        let metrics = Metrics::new();
        metrics.record_failure(0.5);
        let text = to_text_0_0_4(&metrics.encode());
        assert!(
            text.contains("# HELP hamravesh_polls_total Polls"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE hamravesh_polls_total counter\n"),
            "{text}"
        );
        assert!(
            text.contains("hamravesh_polls_total{outcome=\"error\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE hamravesh_up gauge\nhamravesh_up 0\n"),
            "{text}"
        );
        assert!(!text.contains("# EOF"), "{text}");
    }

    #[test]
    fn label_values_are_escaped_for_the_exposition_format() {
        let cases = [
            ("my-team", "my-team"),
            ("تیم من", "تیم من"),
            ("a\"b", "a\\\"b"),
            ("a\\b", "a\\\\b"),
            ("a\nb", "a\\nb"),
        ];
        for (raw, written) in cases {
            let family: Family<OrganizationLabels, Gauge> = Family::default();
            let mut registry = Registry::default();
            registry.register("x", "x", family.clone());
            family
                .get_or_create(&OrganizationLabels {
                    organization: LabelText(raw.to_owned()),
                    id: LabelText("1".to_owned()),
                })
                .set(1);
            let mut text = String::new();
            let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
            assert!(
                text.contains(&format!("x{{organization=\"{written}\",id=\"1\"}} 1\n")),
                "{raw:?}: {text}"
            );
        }
    }
}
