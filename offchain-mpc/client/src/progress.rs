//! Progress on stderr for long operations: a bar (or a spinner) when stderr is a terminal and
//! nothing otherwise, so scripts keep clean output (stdout: results; stderr: one line per step).

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A bar over `len` steps, labelled `what`.
pub(crate) fn bar(len: u64, what: &str) -> ProgressBar {
	let bar = ProgressBar::new(len);
	bar.set_style(ProgressStyle::with_template("{msg} [{bar:32.cyan/blue}] {pos}/{len} ({elapsed})").expect("a valid template").progress_chars("=> "));
	bar.set_message(what.to_string());
	bar
}

/// A spinner for waits of unknown length; `set_message` tells what it waits on.
pub(crate) fn spinner(what: &str) -> ProgressBar {
	let spinner = ProgressBar::new_spinner();
	spinner.set_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"));
	spinner.set_message(what.to_string());
	spinner.enable_steady_tick(Duration::from_millis(120));
	spinner
}
