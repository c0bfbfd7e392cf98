//! Logs as JSON lines (`--log-format json`): a server started that way and stopped writes
//! each log line to standard error as one JSON object, so a collector can read several
//! servers as one.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BAOXIU: &str = env!("CARGO_BIN_EXE_baoxiu");

#[test]
fn serve_with_log_format_json_writes_one_json_object_per_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BAOXIU)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--db"])
        .arg(dir.path().join("logs.sqlite3"))
        .env("BAOXIU_LOG", "warn,baoxiu=info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("baoxiu serve starts");
    // The address on standard output says the server is up.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("http://"), "no address in {line:?}");
    // One answered request: the server is serving, so its stop signal is being listened for.
    let address = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap()
        .trim_end_matches('/');
    let mut health = TcpStream::connect(address).unwrap();
    health
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: baoxiu\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    health.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(child.wait().unwrap().success(), "serve stops cleanly: {stderr}");

    // The start lines (channels skipped, the address) are plain text for a person; every
    // line the logger writes is a JSON object with a level and a message.
    let logged: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let stopping = logged
        .iter()
        .find(|v| v["fields"]["message"] == "stopping")
        .unwrap_or_else(|| panic!("no JSON line says the server is stopping:\n{stderr}"));
    assert_eq!(stopping["level"], "INFO");
    assert!(stopping["timestamp"].is_string(), "{stopping}");
    assert!(
        !stderr
            .lines()
            .any(|l| l.contains(" INFO ") && l.contains("stopping")),
        "the text format was not used: {stderr}"
    );
}
