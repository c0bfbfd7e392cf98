//! The command-line definition (clap). `cli_definition_is_valid` checks it in a test.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "baoxiu",
    version,
    about = "baoxiu 报修: repair requests and work orders"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written to standard error: `text` for a person reading a
    /// terminal, `json` (one object per line) for a log collector watching several servers.
    /// The level is set by `BAOXIU_LOG` (default `warn,baoxiu=info`).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "BAOXIU_LOG_FORMAT")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API on a database file (created and migrated if needed).
    Serve(ServeArgs),
    /// Create or upgrade the database file, then exit.
    Migrate(DbArgs),
    /// Move every organisation (or one) to another database: an SQLite file to PostgreSQL
    /// or back. Stop the servers first. Checks the move record by record.
    MigrateStore(MigrateStoreArgs),
    /// Create a person with a role and print a new API token for them.
    Token(TokenArgs),
    /// People who sign in to the pages: add, set a password, disable, list.
    #[command(subcommand)]
    User(UserCommand),
    /// Build a fresh demo database (five organisations, thousands of orders), then serve it.
    Demo(DemoArgs),
    /// Measure the HTTP API on SQLite: creates and claims per second, latency percentiles.
    Bench(BenchArgs),
    /// The clocks' timers: fire what is due and deliver what waits, once (for cron).
    #[command(subcommand)]
    Timers(TimersCommand),
    /// An organisation's notification channels: its webhook and its group robot.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// An organisation's business calendar: add a year of holidays, show the years known.
    #[command(subcommand)]
    Calendar(CalendarCommand),
}

/// How the server runs its clocks and where it sends notices; shared by `serve`, `demo`
/// and `timers run-due`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Each organisation's own clocks and ladders, as DIR/<organisation>/<template>.toml.
    #[arg(long, env = "BAOXIU_TEMPLATES")]
    pub templates: Option<PathBuf>,
    /// The SMS gateway's address: a JSON POST {"id", "to", "text"} per message.
    #[arg(long, env = "BAOXIU_SMS_URL")]
    pub sms_url: Option<String>,
    /// The SMS gateway's key, sent as a bearer token (never logged).
    #[arg(long, env = "BAOXIU_SMS_KEY", hide_env_values = true)]
    pub sms_key: Option<String>,
    /// The SMTP server: smtp://user:password@host:587?tls=required, smtps://… or smtp://host:25.
    #[arg(long, env = "BAOXIU_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of e-mail notices: 报修 <baoxiu@example.com>.
    #[arg(long, env = "BAOXIU_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The address people open baoxiu at, for links in notices (default: the listening address).
    #[arg(long, env = "BAOXIU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds between the background steps that fire timers and deliver notices.
    #[arg(long, env = "BAOXIU_TICK", default_value_t = 5)]
    pub tick: u64,
    /// For tests: read the time from this file (an RFC 3339 time) instead of the system clock.
    #[arg(long, env = "BAOXIU_CLOCK_FILE", hide = true)]
    pub clock_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TimersCommand {
    /// Fire every timer due now and try every notice waiting, once; print what happened.
    RunDue {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        run: RunArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Set the organisation's webhook (HMAC-SHA256 signed with the secret); --off removes it.
    Webhook {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        tenant: String,
        #[arg(long, required_unless_present = "off")]
        url: Option<String>,
        /// The shared secret, read from the first line of standard input.
        #[arg(long)]
        secret_stdin: bool,
        #[arg(long)]
        off: bool,
    },
    /// Set the organisation's group robot: wecom, dingtalk or feishu; --off removes it.
    Robot {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        tenant: String,
        #[arg(long, required_unless_present = "off")]
        kind: Option<String>,
        /// The robot's webhook address (WeCom's carries its key).
        #[arg(long, required_unless_present = "off")]
        url: Option<String>,
        /// The signing secret (DingTalk, Feishu), read from the first line of standard input.
        #[arg(long)]
        secret_stdin: bool,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add (or replace) a year of the organisation's calendar from a file such as
    /// calendars/cn-2026.toml.
    AddYear {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        tenant: String,
        file: PathBuf,
    },
    /// Set the organisation's working week from a file: `periods = [["09:00", "12:00"],
    /// ["13:30", "17:30"]]` and `weekdays = [1, 2, 3, 4, 5]` (1 is Monday).
    Week {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        tenant: String,
        file: PathBuf,
    },
    /// The years the organisation's calendar knows.
    Show {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        tenant: String,
    },
}

#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database: a SQLite file's path (made if missing), or a PostgreSQL server's
    /// address, `postgres://user:password@host:5432/name` (`?pool=N` sets the connections).
    #[arg(long, env = "BAOXIU_DB", default_value = "baoxiu.sqlite3")]
    pub db: crate::db::Database,
}

#[derive(Debug, Args)]
pub struct MigrateStoreArgs {
    /// Where the organisations are: a file's path or a postgres:// address.
    #[arg(long)]
    pub from: crate::db::Database,
    /// Where they go (made if missing; it must not hold them already).
    #[arg(long)]
    pub to: crate::db::Database,
    /// Only this organisation (its slug).
    #[arg(long)]
    pub tenant: Option<String>,
    /// The photos' folder of an SQLite source kept elsewhere than beside it (its server's
    /// `--files`).
    #[arg(long)]
    pub from_files: Option<PathBuf>,
    /// Where an SQLite target keeps the photos, if not beside it.
    #[arg(long)]
    pub to_files: Option<PathBuf>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "BAOXIU_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Mark session cookies Secure: set it when users reach the server over HTTPS (through
    /// a proxy that terminates TLS, for example).
    #[arg(long, env = "BAOXIU_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The folder photos are kept in (default: beside the database, `FILE-files`); with
    /// PostgreSQL they are kept in the database.
    #[arg(long, env = "BAOXIU_FILES")]
    pub files: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a person who signs in with a login name (or phone) and a password.
    Add(UserAddArgs),
    /// Set a new password.
    Passwd(UserLoginArgs),
    /// Disable an account: its sessions end and its API tokens are revoked.
    Disable(UserLoginArgs),
    /// List the accounts of an organisation.
    List(UserListArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The organisation (created if missing, offering every template).
    #[arg(long, default_value = "default")]
    pub tenant: String,
    /// customer, desk_agent, coordinator, technician, team_lead, supervisor,
    /// region_officer, approver or admin.
    #[arg(long)]
    pub role: String,
    #[arg(long)]
    pub name: String,
    /// The login name: 2–40 letters, digits, dots, dashes or underscores.
    #[arg(long)]
    pub login: String,
    /// A mobile number the person may also sign in with.
    #[arg(long)]
    pub phone: Option<String>,
    /// Tie the person to a station (coordinators, technicians, team leads).
    #[arg(long)]
    pub station: Option<uuid::Uuid>,
    /// Read the password from the first line of standard input; otherwise one is made up
    /// and printed.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserLoginArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The login name or phone.
    #[arg(long)]
    pub login: String,
    /// Read the new password from standard input (`passwd` only); otherwise one is made up.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserListArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long, default_value = "default")]
    pub tenant: String,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// customer, desk_agent, coordinator, technician, team_lead, supervisor,
    /// region_officer, approver or admin.
    #[arg(long)]
    pub role: String,
    /// The person's name (a new person is created).
    #[arg(long)]
    pub name: Option<String>,
    /// The organisation (created if missing).
    #[arg(long, default_value = "default")]
    pub tenant: String,
    /// The templates a new organisation offers, comma-separated (after_sales, property,
    /// utility, hotel, equipment).
    #[arg(long, default_value = "after_sales,property")]
    pub templates: String,
    /// Tie the person to a station (coordinators, technicians, team leads).
    #[arg(long)]
    pub station: Option<uuid::Uuid>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the demo database; an existing file is replaced.
    #[arg(long, default_value = "baoxiu-demo.sqlite3")]
    pub db: PathBuf,
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Orders per organisation.
    #[arg(long, default_value_t = 2500)]
    pub orders: usize,
    /// Build the database, print the tokens, and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Seed for the generator: the same seed builds the same organisations and orders.
    #[arg(long, default_value_t = 20261127)]
    pub seed: u64,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Concurrent clients, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub clients: Vec<usize>,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Database file to bench on (default: a fresh temporary file).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Also measure on PostgreSQL: a fresh database made on this server (a user that may
    /// create databases, `postgres://postgres@127.0.0.1:5432/postgres`) and dropped after.
    #[arg(long)]
    pub postgres: Option<String>,
    /// With --postgres: also measure with up to this many servers on the one database (in
    /// this process, the clients spread over them).
    #[arg(long, default_value_t = 1)]
    pub servers: usize,
    /// Measure the pages instead: fill a database with `--orders` orders (kept if it exists
    /// with that many), then time the order list, the order page, search and sign-in.
    #[arg(long)]
    pub pages: bool,
    /// Measure the dispatch board instead: how long a change takes to reach 200 open boards.
    #[arg(long)]
    pub board: bool,
    /// Measure the clocks instead: one background step firing 1,000 due timers among
    /// `--orders` open orders (a database kept at `--db`, default /tmp/clocks1m.sqlite3,
    /// filled once), working-time deadlines per second, and webhook deliveries per second.
    #[arg(long)]
    pub clocks: bool,
    /// Measure creates per template instead (property, after_sales, utility, hotel,
    /// equipment), each on
    /// a fresh file at each client count.
    #[arg(long)]
    pub templates: bool,
    /// Orders in the database for `--pages` and `--clocks`.
    #[arg(long, default_value_t = 1_000_000)]
    pub orders: usize,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
