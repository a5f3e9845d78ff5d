//! Checking one payload: read it if needed, parse it, validate it.

use hamravesh_types::{ValidationError, Validator};

use super::inputs::Job;

/// The verdict on one payload (or one unreadable input).
#[derive(Debug)]
pub struct Outcome {
    /// The file name, or `-` for stdin.
    pub source: String,
    /// The line of an NDJSON payload.
    pub line: Option<usize>,
    /// What was found.
    pub verdict: Verdict,
}

/// Valid, invalid with every error, or not readable at all.
#[derive(Debug)]
pub enum Verdict {
    /// Matches the schema.
    Valid,
    /// Does not match (or is not JSON); never empty.
    Invalid(Vec<ValidationError>),
    /// Could not be read: an I/O error, not a verdict on a payload.
    Unreadable(String),
}

/// Runs one job (with no validator, only parses: the benchmark baseline).
pub fn run(job: Job, validator: Option<&Validator>) -> Outcome {
    match job {
        Job::File(path) => {
            let source = path.display().to_string();
            match std::fs::read(&path) {
                Ok(bytes) => Outcome {
                    verdict: check_bytes(&bytes, validator),
                    source,
                    line: None,
                },
                Err(error) => Outcome {
                    verdict: Verdict::Unreadable(error.to_string()),
                    source,
                    line: None,
                },
            }
        }
        Job::Bytes {
            source,
            line,
            bytes,
        } => Outcome {
            verdict: check_bytes(&bytes, validator),
            source,
            line,
        },
        Job::Unreadable { source, message } => Outcome {
            source,
            line: None,
            verdict: Verdict::Unreadable(message),
        },
    }
}

/// Parses and validates one payload. Text that is not JSON is an invalid payload whose message
/// says where parsing stopped.
pub fn check_bytes(bytes: &[u8], validator: Option<&Validator>) -> Verdict {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return whole_payload("empty input: expected a JSON payload".to_owned());
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(error) => return whole_payload(format!("not JSON: {error}")),
    };
    let Some(validator) = validator else {
        return Verdict::Valid;
    };
    if validator.is_valid(&value) {
        return Verdict::Valid;
    }
    match validator.validate(&value) {
        Ok(()) => Verdict::Valid,
        Err(errors) => Verdict::Invalid(errors.into_vec()),
    }
}

fn whole_payload(message: String) -> Verdict {
    Verdict::Invalid(vec![ValidationError {
        instance_path: String::new(),
        schema_path: String::new(),
        message,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(bytes: &[u8]) -> Vec<String> {
        match check_bytes(bytes, Some(Validator::profile())) {
            Verdict::Invalid(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn empty_and_blank_input_is_invalid_with_a_clear_message() {
        assert_eq!(messages(b""), ["/: empty input: expected a JSON payload"]);
        assert_eq!(
            messages(b" \n\t"),
            ["/: empty input: expected a JSON payload"]
        );
    }

    #[test]
    fn binary_and_invalid_utf8_are_not_json() {
        let message = &messages(&[0xff, 0xfe, 0x00, 0x01])[0];
        assert!(
            message.starts_with("/: not JSON: expected value at line 1 column 1"),
            "{message}"
        );
        let message = &messages(b"{\"email\": \"\xff\"}")[0];
        assert!(
            message.contains("not JSON") && message.contains("line 1"),
            "{message}"
        );
    }

    #[test]
    fn deep_nesting_is_reported_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let message = &messages(deep.as_bytes())[0];
        assert!(message.contains("recursion limit exceeded"), "{message}");
    }

    #[test]
    fn every_error_is_reported() {
        let errors = messages(br#"{"email": 5, "mobile": 9}"#);
        assert!(
            errors.iter().any(|e| e.starts_with("/email: ")),
            "{errors:?}"
        );
        assert!(
            errors.iter().any(|e| e.starts_with("/mobile: ")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("\"full_name\" is a required property")),
            "{errors:?}"
        );
    }
}
