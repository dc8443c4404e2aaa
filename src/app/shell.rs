//! Shell completions and man pages, generated from the clap definitions in `crate::cli`, so
//! they list exactly the commands and flags the binary takes (no second copy to keep in step).

use super::run::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, stdout_failed};
use super::term::safe;
use crate::cli::Cli;
use clap::CommandFactory;
use std::io::Write;

/// The name the scripts complete and the pages are titled with.
const BIN: &str = "perfnorm";

/// `perfnorm completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut visible(), BIN, &mut script);
    print(&script)
}

/// `perfnorm man [COMMAND]`: perfnorm(1), or perfnorm-COMMAND(1), in roff on standard output.
pub fn man(command: Option<&str>) -> i32 {
    // No `help` command in the pages: perfnorm(1) would list a perfnorm-help(1) that does not
    // exist (clap_mangen's own generate_to leaves it out likewise).
    let mut cli = visible().disable_help_subcommand(true);
    cli.build();
    let page = match command {
        None => cli,
        // A subcommand of the built parent: titled perfnorm-NAME, its synopsis `perfnorm NAME`.
        Some(name) => match cli.find_subcommand(name) {
            Some(c) => c.clone(),
            None => {
                let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "perfnorm: man: unknown command {} ({})",
                    safe(name),
                    names.join(", ")
                );
                return EXIT_USAGE;
            }
        },
    };
    let mut roff = Vec::new();
    // Every page's footer names the program and its version (a subcommand has no version of
    // its own, so clap_mangen's default would read just `convert`).
    let source = format!("{BIN} {}", env!("CARGO_PKG_VERSION"));
    if let Err(e) = clap_mangen::Man::new(page).source(source).render(&mut roff) {
        eprintln!("perfnorm: man: {e}");
        return EXIT_FAILED;
    }
    print(&roff)
}

/// The command line as a user sees it: `Cli` without its hidden commands (`__worker`).
/// clap_complete offers hidden commands like any other, so they are left out here; clap has
/// no way to remove a subcommand, so the top level (which has no flags of its own) is rebuilt
/// around the visible ones.
fn visible() -> clap::Command {
    let full = Cli::command();
    let mut cmd = clap::Command::new(BIN)
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(full.is_subcommand_required_set())
        .arg_required_else_help(full.is_arg_required_else_help_set());
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    cmd.subcommands(full.get_subcommands().filter(|c| !c.is_hide_set()).cloned())
}

/// Write the whole text at once; a closed pipe (`perfnorm man | head`) is no failure.
fn print(bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) => stdout_failed(e, EXIT_OK),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rebuilt top level keeps everything of `Cli`'s but the hidden commands, so the
    /// scripts and pages describe the parser the binary really runs.
    #[test]
    fn visible_is_cli_without_hidden_commands() {
        let full = Cli::command();
        let cmd = visible();
        let names = |c: &clap::Command| -> Vec<String> {
            c.get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect()
        };
        let mut expected = names(&full);
        expected.retain(|n| n != "__worker");
        assert_eq!(names(&cmd), expected);
        assert_eq!(cmd.get_version(), full.get_version());
        assert_eq!(
            cmd.get_about().map(|a| a.to_string()),
            full.get_about().map(|a| a.to_string())
        );
        assert_eq!(cmd.get_arguments().count(), full.get_arguments().count());
        assert!(cmd.is_subcommand_required_set());
    }
}
