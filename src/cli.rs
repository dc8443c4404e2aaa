//! The command line, as clap definitions only; `app::run` resolves these raw flags into
//! settings and does the work.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

// Hidden rather than documented: clap turns doc comments into help text, and the type is
// reachable only through `internals`.
#[doc(hidden)]
#[derive(Debug, Parser)]
#[command(
    name = "perfnorm",
    version,
    about = "Convert Chinese budget performance target tables (预算绩效目标表) into clean, normalized data"
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert tables (PDF, XLSX/XLS/XLSB/ODS, extracted text) to JSON, JSON Lines, CSV, XLSX or
    /// Parquet.
    Convert(ConvertArgs),
    /// Lint: parse and validate files and folders, print every diagnostic (one a line, text or
    /// JSON) and a summary; exit 1 on errors (and warnings with --strict).
    Check(CheckArgs),
    /// Print the JSON Schema of the JSON output.
    Schema,
    /// Print a shell completion script for bash, zsh, fish, elvish or powershell.
    Completions(CompletionsArgs),
    /// Print a man page in roff: perfnorm(1), or with a command perfnorm-COMMAND(1)
    /// (`perfnorm man convert | man -l -`).
    Man(ManArgs),
    /// Internal: a worker process of `convert` and `check`, converting the files its parent
    /// hands it over standard input (see `app::pool`).
    #[command(name = "__worker", hide = true)]
    Worker(WorkerArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print: convert, check, schema, completions or man (default:
    /// the page of perfnorm itself, which lists the commands).
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The address-space limit of this process, bytes.
    #[arg(long = "max-memory")]
    pub max_memory: u64,
}

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input format (default: detected from content, then extension).
    #[arg(long, value_parser = ["xlsx", "xls", "xlsb", "ods", "pdf", "text"])]
    pub from: Option<String>,
    /// Text encoding of text inputs.
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// Read the cells of hidden rows and columns of a workbook as ordinary cells (by default
    /// they are left out, as in the workbook's print: a hidden code column fills `code`, other
    /// hidden cells are quoted in `hidden_cell` diagnostics).
    #[arg(long = "include-hidden")]
    pub include_hidden: bool,
    /// Largest input file read, in bytes (`K`, `M`, `G` suffixes: powers of 1024; default
    /// 256M). Checked before the file is read.
    #[arg(long = "max-file-size", value_name = "SIZE")]
    pub max_file_size: Option<String>,
    /// Largest text input (extracted text), in bytes (default 64M).
    #[arg(long = "max-text-size", value_name = "SIZE")]
    pub max_text_size: Option<String>,
    /// Most bytes the parts of a zip workbook (xlsx, xlsb, ods) may inflate to (default 1G).
    #[arg(long = "max-decompressed-size", value_name = "SIZE")]
    pub max_decompressed_size: Option<String>,
    /// Most non-empty cells of one workbook, or cells of a text table counting empty ones
    /// (default 500000).
    #[arg(long = "max-cells", value_name = "N")]
    pub max_cells: Option<String>,
    /// Most characters of one cell; a longer cell is cut there with a `cell_truncated`
    /// warning (default 32767, the most an xlsx cell holds).
    #[arg(long = "max-cell-chars", value_name = "N")]
    pub max_cell_chars: Option<String>,
    /// Most pages of one PDF read; the rest are left out with a warning (default 2000).
    #[arg(long = "max-pages", value_name = "N")]
    pub max_pages: Option<String>,
    /// Most seconds one file may take to read and convert (default 300); a file over it fails
    /// (its worker process is killed).
    #[arg(long = "timeout", value_name = "SECS")]
    pub timeout: Option<String>,
    /// Memory (address space) of each worker process (default 1G); a file that needs more
    /// fails with `out of memory`, the others go on.
    #[arg(long = "max-memory", value_name = "SIZE")]
    pub max_memory: Option<String>,
    /// Convert in this process instead of in worker processes (for debugging: a file that
    /// crashes the converter then ends the whole run).
    #[arg(long = "no-isolate")]
    pub no_isolate: bool,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input files or directories (`-`: standard input; give --from when its content does
    /// not tell the format).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file (`-` for stdout). Only with one input; several inputs or a folder to
    /// stdout give one JSON array of documents (-t json) or JSON Lines (-t jsonl).
    #[arg(short = 'o', long, conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Output directory: one output per input, mirroring the input tree.
    #[arg(short = 'd', long = "out-dir")]
    pub out_dir: Option<PathBuf>,
    /// Output formats, comma-separated: json, jsonl, csv, xlsx, parquet (default: from -o's
    /// extension, else json). csv and parquet are sets of files, one per tidy table.
    #[arg(short = 't', long = "to", value_delimiter = ',')]
    pub to: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Parallel jobs (default: all cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Treat warnings as errors (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// No progress or summary on stderr.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// CSV: start each file with a UTF-8 BOM, so Excel opens it as UTF-8.
    #[arg(long)]
    pub bom: bool,
    /// CSV: prefix text cells starting with = + - @ with an apostrophe, so Excel shows them
    /// instead of evaluating them (`=0%` becomes `'=0%`). Off by default: values are exact.
    #[arg(long = "excel-safe")]
    pub excel_safe: bool,
    /// Folders: convert only files whose path below the folder matches (repeatable;
    /// `*.pdf`, `2024/**`).
    #[arg(long = "glob", value_name = "GLOB")]
    pub glob: Vec<String>,
    /// Folders: leave out files whose path below the folder matches (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// With -d: do not reconvert a file whose outputs exist and whose sha256 and perfnorm
    /// version match the last run's report.json.
    #[arg(long = "skip-unchanged")]
    pub skip_unchanged: bool,
    /// Never overwrite an existing output: it is left alone and that input counts as failed
    /// (exit 1); the other inputs go on.
    #[arg(long = "no-clobber")]
    pub no_clobber: bool,
    /// Convert only shard K of N (1-based) of the files, split by a hash of each file's path:
    /// N machines each run `--shard K/N` into their own -d folder.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Input files or directories (`-`: standard input).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub input: InputArgs,
    /// Exit 1 on warnings too (default: only on errors and inputs that fail).
    #[arg(long)]
    pub strict: bool,
    /// Output: `text` (one diagnostic a line, `file: location: severity: code: message`) or
    /// `json` (one JSON object a line: file, table_id, location, severity, code, message; a
    /// last line `{"summary": …}`).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Folders: check only files whose path below the folder matches (repeatable).
    #[arg(long = "glob", value_name = "GLOB")]
    pub glob: Vec<String>,
    /// Folders: leave out files whose path below the folder matches (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
}
