//! The block `baoxiu demo` prints when the database is ready.

use super::Built;
use crate::cli::DemoArgs;
use baoxiu_domain::{Role, State};
use std::fmt::Write as _;
use std::net::SocketAddr;

/// Display width: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c as u32 >= 0x2E80 { 2 } else { 1 }).sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

/// What to open, where the database is, how many orders of each state, and a token per
/// role.
pub fn render(built: &Built, args: &DemoArgs, addr: Option<SocketAddr>) -> String {
    let mut out = String::new();
    let total: usize = built.tenants.iter().flat_map(|t| t.counts).sum();
    let seconds = built.elapsed.as_secs_f64();
    let _ = writeln!(
        out,
        "\nbaoxiu demo: {total} orders in {seconds:.1} s (seed {})\n",
        args.seed
    );
    let shown = addr.unwrap_or(args.listen);
    match addr {
        Some(addr) => {
            let _ = writeln!(
                out,
                "  open      http://{addr}/  (the sign-in page; logins below)"
            );
        }
        None => {
            let db = args.db.display();
            let _ = writeln!(out, "  serve     baoxiu serve --db {db} --listen {shown}");
            let _ = writeln!(out, "  then open http://{shown}/");
        }
    }
    let _ = writeln!(out, "  database  {}\n", args.db.display());
    let mut header = pad("  orders by state", 34);
    for t in &built.tenants {
        header.push_str(&format!("{:>13}", t.tenant.slug));
    }
    let _ = writeln!(out, "{header}");
    for (i, state) in State::ALL.iter().enumerate() {
        let label = format!("  {} {}", pad(state.label_zh(), 10), state.as_str());
        let mut line = pad(&label, 34);
        for t in &built.tenants {
            line.push_str(&format!("{:>13}", t.counts[i]));
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "\n  sign in (every login's password is {}) · API tokens, shown only once",
        super::DEMO_PASSWORD
    );
    let columns = ["tenant", "role", "name", "station", "login", "token"];
    let widths = [13, 26, 10, 16, 28, 0];
    let row = |cells: [&str; 6]| {
        let padded: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        format!("  {}", padded.join(" ").trim_end())
    };
    let _ = writeln!(out, "{}", row(columns));
    let mut example = None;
    for t in &built.tenants {
        for b in &t.badges {
            let label = match (b.role, t.tenant.slug.as_str()) {
                (Role::Technician, "after_sales") => "工程师",
                (role, _) => role.label_zh(),
            };
            let role = format!("{} {label}", b.role.as_str());
            let station = b.station.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "{}",
                row([&t.tenant.slug, &role, &b.name, station, &b.login, &b.token])
            );
            if example.is_none() && b.role == Role::DeskAgent {
                example = Some(b.token.clone());
            }
        }
    }
    if let Some(token) = example {
        let _ = writeln!(out, "\n  try (the property desk's claim pool, 待抢单):");
        let url = format!("http://{shown}/api/v1/orders?state=pool");
        let _ = writeln!(out, "    curl -H \"Authorization: Bearer {token}\" '{url}'\n");
    }
    out
}
