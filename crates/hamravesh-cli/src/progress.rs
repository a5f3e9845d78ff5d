//! A progress line on stderr for long work (`validate` over many files, `notifications --all`
//! over many pages). indicatif draws it only when stderr is a terminal, at most 20 times a
//! second, and clears it when the work ends; piped or redirected, not a byte of it is written.
//! It has no colour, so there is nothing for `NO_COLOR` to turn off.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A counter of `what` (such as "payloads checked") on stderr.
pub fn counter(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {{human_pos}} {what} ({{elapsed}})");
    bar.set_style(
        ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}
