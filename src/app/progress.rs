//! The progress bar of a batch on a terminal. indicatif draws it, and indicatif is a
//! dependency of the command line only (the `cli` feature): a library built without that
//! feature runs its batches without a bar, printing failures as plain lines on stderr.

#[cfg(feature = "cli")]
use std::io::IsTerminal;

/// A batch's bar: shown for two files or more on a terminal, unless `--quiet`.
#[cfg(feature = "cli")]
pub(super) struct Progress(Option<indicatif::ProgressBar>);

/// No bar without the `cli` feature.
#[cfg(not(feature = "cli"))]
pub(super) struct Progress;

#[cfg(feature = "cli")]
impl Progress {
    pub(super) fn new(total: usize, quiet: bool) -> Progress {
        if quiet || total < 2 || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} files  {rate}  ETA {eta}  {wide_msg}",
        ) {
            // A whole number of files per second: indicatif's own {per_sec} prints four
            // decimals.
            bar.set_style(style.with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0} files/s", s.per_sec());
                },
            ));
        }
        Progress(Some(bar))
    }

    /// A file is being converted: its name goes beside the bar.
    pub(super) fn started(&self, name: String) {
        if let Some(b) = &self.0 {
            b.set_message(name);
        }
    }

    /// A file is done.
    pub(super) fn finished_one(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// A line on stderr; above the bar, which a plain eprintln would tear.
    pub(super) fn println(&self, line: String) {
        match &self.0 {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// The run is over: the bar leaves the terminal (the summary follows).
    pub(super) fn clear(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

#[cfg(not(feature = "cli"))]
impl Progress {
    pub(super) fn new(_total: usize, _quiet: bool) -> Progress {
        Progress
    }

    pub(super) fn started(&self, _name: String) {}

    pub(super) fn finished_one(&self) {}

    pub(super) fn println(&self, line: String) {
        eprintln!("{line}");
    }

    pub(super) fn clear(&self) {}
}
