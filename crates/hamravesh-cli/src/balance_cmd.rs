//! `hamravesh balance`: a one-shot check of every organization's money, for cron and monitoring
//! systems (the monitoring-plugin exit codes: 0 OK, 1 a threshold breached, 2 usage, 3 the check
//! could not be made).
//!
//! The profile is read once; each selected organization's figures are printed on one line (or
//! as JSON) with the thresholds it breaches. Amounts are the API's numbers as they come: no
//! currency is documented. A `null` runway (`seconds_to_negative_balance`) is not a breach;
//! any other value that is not a number makes `--min-runway` impossible to check (exit 3).

use std::process::ExitCode;
use std::time::Duration;

use hamravesh::text::{one_line, terminal_safe};
use hamravesh::types::profile::Organization;
use serde_json::{Value, json};

use crate::Failure;
use crate::args::BalanceArgs;
use crate::client_cmd;
use crate::duration;
use crate::output;

/// Exit code: every selected organization is within the thresholds.
const OK: u8 = 0;
/// Exit code: a threshold is breached.
const BREACH: u8 = 1;
/// Exit code: the check could not be made (network, API error, unparseable answer).
const UNKNOWN: u8 = 3;

/// The longest organization name printed, in characters.
const MAX_NAME_CHARS: usize = 100;

/// What an organization's `seconds_to_negative_balance` says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Runway {
    /// `null`: the balance is not heading below zero (or the service does not say).
    None,
    /// Seconds until the balance turns negative at the current spend.
    Seconds(f64),
    /// Any other value (a string, an object …): not understood.
    Unknown,
}

impl Runway {
    /// Reads the field, whatever JSON it holds.
    pub fn from_value(value: &Value) -> Self {
        match value {
            Value::Null => Runway::None,
            Value::Number(number) => number.as_f64().map_or(Runway::Unknown, Runway::Seconds),
            _ => Runway::Unknown,
        }
    }

    /// `—` for none, a duration such as `2d 3h`, or `?` for a value not understood.
    pub fn human(self) -> String {
        match self {
            Runway::None => "—".to_owned(),
            Runway::Seconds(seconds) => duration::human(seconds),
            Runway::Unknown => "?".to_owned(),
        }
    }
}

/// The thresholds of one check.
#[derive(Debug, Clone, Copy, Default)]
pub struct Thresholds {
    /// A balance below this is a breach.
    pub min_balance: Option<f64>,
    /// A runway shorter than this is a breach.
    pub min_runway: Option<Duration>,
}

/// The verdict on one organization.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Each threshold breached, in words (`balance 5 is below 10`).
    pub breaches: Vec<String>,
    /// Why a threshold could not be checked, if one could not.
    pub unknown: Option<String>,
}

/// Checks one organization against the thresholds.
pub fn judge(organization: &Organization, thresholds: &Thresholds) -> Verdict {
    let mut verdict = Verdict::default();
    if let Some(minimum) = thresholds.min_balance
        && organization.balance < minimum
    {
        verdict.breaches.push(format!(
            "balance {} is below {minimum}",
            organization.balance
        ));
    }
    if let Some(minimum) = thresholds.min_runway {
        match Runway::from_value(&organization.seconds_to_negative_balance) {
            Runway::None => {}
            Runway::Seconds(seconds) => {
                if seconds < minimum.as_secs_f64() {
                    verdict.breaches.push(format!(
                        "runway {} is shorter than {}",
                        duration::human(seconds),
                        duration::human(minimum.as_secs_f64())
                    ));
                }
            }
            Runway::Unknown => {
                verdict.unknown = Some(format!(
                    "seconds_to_negative_balance is not a number or null ({}), so --min-runway cannot be checked",
                    one_line(&organization.seconds_to_negative_balance.to_string(), 60)
                ));
            }
        }
    }
    verdict
}

/// One organization's line for people: the name (safe for a terminal), the figures, and the
/// verdict.
fn line(organization: &Organization, verdict: &Verdict) -> String {
    let status = if let Some(reason) = &verdict.unknown {
        format!("UNKNOWN: {reason}")
    } else if verdict.breaches.is_empty() {
        "OK".to_owned()
    } else {
        format!("BREACH: {}", verdict.breaches.join("; "))
    };
    format!(
        "{}  balance {}  budget {}  charged {}  virtual {}  debt {}  runway {}  restricted {}  {}\n",
        terminal_safe(&one_line(&organization.name, MAX_NAME_CHARS)),
        organization.balance,
        organization.budget,
        organization.charged_budget,
        organization.virtual_budget,
        organization.total_residual_debt,
        Runway::from_value(&organization.seconds_to_negative_balance).human(),
        if organization.is_restricted {
            "yes"
        } else {
            "no"
        },
        status,
    )
}

/// One organization as JSON: its figures exact, and the verdict.
fn record(organization: &Organization, verdict: &Verdict) -> Value {
    json!({
        "name": organization.name,
        "id": organization.id,
        "balance": organization.balance,
        "budget": organization.budget,
        "charged_budget": organization.charged_budget,
        "virtual_budget": organization.virtual_budget,
        "total_residual_debt": organization.total_residual_debt,
        "residual_debt_percentage": organization.residual_debt_percentage,
        "seconds_to_negative_balance": organization.seconds_to_negative_balance,
        "is_restricted": organization.is_restricted,
        "verdict": verdict_word(verdict),
        "breaches": verdict.breaches,
        "unknown": verdict.unknown,
    })
}

fn verdict_word(verdict: &Verdict) -> &'static str {
    if verdict.unknown.is_some() {
        "unknown"
    } else if verdict.breaches.is_empty() {
        "ok"
    } else {
        "breach"
    }
}

/// The thresholds the flags give, or a usage error.
fn thresholds(args: &BalanceArgs) -> Result<Thresholds, Failure> {
    let min_balance = match args.min_balance {
        Some(amount) if !amount.is_finite() => {
            return Err(Failure::Usage(format!(
                "--min-balance must be a finite number, not {amount}"
            )));
        }
        other => other,
    };
    let min_runway = args
        .min_runway
        .as_deref()
        .map(duration::parse)
        .transpose()
        .map_err(|e| Failure::Usage(format!("--min-runway: {e}")))?;
    Ok(Thresholds {
        min_balance,
        min_runway,
    })
}

/// The organizations `--org` selects (all without it); an unknown name is a usage error.
pub fn select<'a>(
    organizations: &'a [Organization],
    names: &[String],
) -> Result<Vec<&'a Organization>, Failure> {
    let (chosen, unknown) = partition(organizations, names);
    match unknown.first() {
        Some(name) => Err(Failure::Usage(no_such_organization(name, organizations))),
        None => Ok(chosen),
    }
}

/// The organizations `names` select (all when there are none), each once, and the names no
/// organization has, in the order given.
pub fn partition<'a, 'n>(
    organizations: &'a [Organization],
    names: &'n [String],
) -> (Vec<&'a Organization>, Vec<&'n str>) {
    if names.is_empty() {
        return (organizations.iter().collect(), Vec::new());
    }
    let mut chosen: Vec<&Organization> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for name in names {
        match organizations.iter().find(|o| &o.name == name) {
            Some(organization) if !chosen.iter().any(|c| c.id == organization.id) => {
                chosen.push(organization);
            }
            Some(_) => {}
            None if !unknown.contains(&name.as_str()) => unknown.push(name),
            None => {}
        }
    }
    (chosen, unknown)
}

/// Says the account has no organization named `name`, listing those it has (names escaped, the
/// list bounded).
pub fn no_such_organization(name: &str, organizations: &[Organization]) -> String {
    let known: Vec<String> = organizations
        .iter()
        .take(20)
        .map(|o| format!("\"{}\"", one_line(&o.name, 60)))
        .collect();
    format!(
        "the account has no organization named \"{}\" (it has: {})",
        output::safe_line(name, 60),
        if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        }
    )
}

/// Runs the command on its own runtime and returns its exit code; usage errors come back as
/// `Failure::Usage` (exit 2), every failure to check is printed here and is exit 3.
pub fn main(args: BalanceArgs) -> Result<ExitCode, Failure> {
    let thresholds = thresholds(&args)?;
    let runtime = crate::runtime()?;
    let profile = runtime.block_on(async {
        let session = client_cmd::connect(&args.client).await?;
        session
            .client
            .get_profile()
            .await
            .map_err(client_cmd::classify)
    });
    let profile = match profile {
        Ok(profile) => profile,
        Err(usage @ Failure::Usage(_)) => return Err(usage),
        Err(failure) => {
            let message = failure.message();
            output::print_error(&format!("cannot check the balance: {message}"));
            return Ok(ExitCode::from(UNKNOWN));
        }
    };
    let selected = select(&profile.organizations, &args.org)?;
    let verdicts: Vec<Verdict> = selected.iter().map(|o| judge(o, &thresholds)).collect();
    // An account without organizations leaves nothing checked: never an OK.
    let code = if selected.is_empty() || verdicts.iter().any(|v| v.unknown.is_some()) {
        UNKNOWN
    } else if verdicts.iter().any(|v| !v.breaches.is_empty()) {
        BREACH
    } else {
        OK
    };
    let text = if args.json {
        let records: Vec<Value> = selected
            .iter()
            .zip(&verdicts)
            .map(|(o, v)| record(o, v))
            .collect();
        let document = json!({
            "verdict": match code { OK => "ok", BREACH => "breach", _ => "unknown" },
            "min_balance": thresholds.min_balance,
            "min_runway_seconds": thresholds.min_runway.map(|d| d.as_secs_f64()),
            "organizations": records,
        });
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        format!("{}\n", output::json_for_terminal(&text))
    } else if selected.is_empty() {
        "the account has no organization, so there is no balance to check\n".to_owned()
    } else {
        selected
            .iter()
            .zip(&verdicts)
            .map(|(o, v)| line(o, v))
            .collect()
    };
    // Output that cannot be written (a full disk; a closed pipe is fine) leaves the check
    // unreported: UNKNOWN, never a misleading OK.
    if let Err(failure) = output::print_stdout(&text) {
        output::print_error(failure.message());
        return Ok(ExitCode::from(UNKNOWN));
    }
    Ok(ExitCode::from(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runway_reads_any_value() {
        let cases = [
            (json!(null), Runway::None, "—"),
            (json!(90_000), Runway::Seconds(90_000.0), "1d 1h"),
            (json!(-5), Runway::Seconds(-5.0), "0s"),
            (json!(1.5e300), Runway::Seconds(1.5e300), "365250d"),
            (json!("soon"), Runway::Unknown, "?"),
            (json!({"a": 1}), Runway::Unknown, "?"),
            (json!([1]), Runway::Unknown, "?"),
            (json!(true), Runway::Unknown, "?"),
        ];
        for (value, runway, text) in cases {
            assert_eq!(Runway::from_value(&value), runway, "{value}");
            assert_eq!(runway.human(), text, "{value}");
        }
    }
}
