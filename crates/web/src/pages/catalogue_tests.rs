//! The catalogue covers every word the pages can show: the keys named in templates and
//! code, every value of the domain's small enums, every refusal and event, and every
//! message a field error can carry.

use super::i18n::{Lang, Tr, message_key};
use baoxiu_domain::{
    Area, CancelReason, Channel, CommandName, CommitmentKind, ContactOutcome, Kind, PhoneSolution, Priority,
    Role, ServiceMode, State, Template,
};
use std::path::Path;

/// The keys missing in either language (the parity test keeps the two equal; both are
/// checked so a gap names its language).
fn missing(keys: impl IntoIterator<Item = String>) -> Vec<String> {
    let keys: Vec<String> = keys.into_iter().collect();
    let mut gaps = Vec::new();
    for lang in Lang::ALL {
        let tr = Tr::new(lang);
        gaps.extend(
            keys.iter()
                .filter(|k| !tr.has(k))
                .map(|k| format!("{}: {k}", lang.code())),
        );
    }
    gaps
}

/// The quoted strings after `needle` in `text`.
fn quoted_after(text: &str, needle: &str) -> Vec<String> {
    text.match_indices(needle)
        .filter_map(|(i, _)| {
            let rest = &text[i + needle.len()..];
            let rest = rest.trim_start();
            let rest = rest.strip_prefix('"')?;
            rest.split_once('"').map(|(s, _)| s.to_string())
        })
        .collect()
}

fn read_dir(dir: &Path, ext: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn every_key_the_templates_and_pages_name_is_in_the_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = Vec::new();
    for text in read_dir(&root.join("templates"), "html") {
        keys.extend(quoted_after(&text, "l.t("));
    }
    for text in read_dir(&root.join("src/pages"), "rs") {
        for needle in ["tr.t(", "tr.f(", ".f(\n", "viewer.tr.t(", "viewer.tr.f("] {
            keys.extend(
                quoted_after(&text, needle)
                    .into_iter()
                    .filter(|k| k.contains('.')),
            );
        }
        for needle in ["fact(", "label(", "line(", "key(\""] {
            keys.extend(
                quoted_after(&text, needle)
                    .into_iter()
                    .map(|k| format!("field.{k}")),
            );
        }
    }
    keys.retain(|k| {
        k.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            && !k.ends_with('.')
    });
    assert!(keys.len() > 100, "the scan finds the keys ({})", keys.len());
    let gaps = missing(keys);
    assert!(gaps.is_empty(), "missing messages: {gaps:#?}");
}

#[test]
fn every_word_of_the_domain_is_in_the_catalogue() {
    let mut keys = Vec::new();
    let mut family = |prefix: &str, names: Vec<&str>| {
        keys.extend(names.into_iter().map(|n| format!("{prefix}.{n}")));
    };
    family("state", State::ALL.iter().map(|s| s.as_str()).collect());
    family("role", Role::ALL.iter().map(|r| r.as_str()).collect());
    family("command", CommandName::ALL.iter().map(|c| c.as_str()).collect());
    family("template", Template::ALL.iter().map(|t| t.as_str()).collect());
    family("kind", Kind::ALL.iter().map(|k| k.as_str()).collect());
    family("priority", Priority::ALL.iter().map(|p| p.as_str()).collect());
    family("channel", Channel::ALL.iter().map(|c| c.as_str()).collect());
    family("area", Area::ALL.iter().map(|a| a.as_str()).collect());
    family(
        "service_mode",
        ServiceMode::ALL.iter().map(|m| m.as_str()).collect(),
    );
    family(
        "commitment",
        CommitmentKind::ALL.iter().map(|c| c.as_str()).collect(),
    );
    family(
        "contact",
        ContactOutcome::ALL.iter().map(|c| c.as_str()).collect(),
    );
    family(
        "phone_solution",
        PhoneSolution::ALL.iter().map(|p| p.as_str()).collect(),
    );
    family(
        "cancel_reason",
        CancelReason::ALL.iter().map(|c| c.as_str()).collect(),
    );
    family("satisfaction", vec!["1", "2", "3", "4", "5"]);
    family("lang", Lang::ALL.iter().map(|l| l.code()).collect());
    for key in ["callbacks", "cancellations"] {
        family(key, vec!["title", "intro", "empty"]);
    }
    family(
        "nav",
        vec!["orders", "intake", "callbacks", "cancellations", "people"],
    );
    let gaps = missing(keys);
    assert!(gaps.is_empty(), "missing words: {gaps:#?}");
}

#[test]
fn every_refusal_and_event_reads_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../domain/src");
    let refusals = std::fs::read_to_string(root.join("refusal.rs")).unwrap();
    let codes = quoted_after(&refusals, "=> ")
        .into_iter()
        .filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'));
    let events = std::fs::read_to_string(root.join("event.rs")).unwrap();
    let kinds: Vec<String> = quoted_after(&events, "=> ")
        .into_iter()
        .filter(|k| {
            !matches!(
                k.as_str(),
                "created" | "arrived" | "resolved" | "callback_recorded"
            )
        })
        .collect();
    let mut keys: Vec<String> = codes.map(|c| format!("refusal.{c}")).collect();
    assert!(keys.len() >= 25, "the scan finds the refusals ({})", keys.len());
    keys.extend(kinds.into_iter().map(|k| format!("event.{k}")));
    let gaps = missing(keys);
    assert!(gaps.is_empty(), "missing refusals or events: {gaps:#?}");
}

#[test]
fn every_field_error_message_is_in_the_catalogue() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut messages = Vec::new();
    for dir in ["domain/src", "web/src", "web/src/api", "web/src/pages"] {
        for text in read_dir(&crates.join(dir), "rs") {
            // FieldError::new(field, "message") and the like: the last quoted argument.
            for call in text.split("FieldError::new(").skip(1) {
                let args = call.split(')').next().unwrap_or("");
                if let Some(message) = quoted_after(args, ",").into_iter().last() {
                    messages.push(message);
                }
            }
            messages.extend(quoted_after(&text, "format!("));
        }
    }
    let keys: Vec<String> = messages
        .into_iter()
        .filter(|m| {
            m.starts_with("must")
                || m.starts_with("no such")
                || m.starts_with("unknown")
                || m.starts_with("is taken")
        })
        // Messages that are not field errors (a command line's own) carry `{}` or backquotes.
        .filter(|m| !m.contains("{}") && !m.contains('`'))
        .map(|m| message_key(&m.replace("{max}", "50").replace("{MIN_LEN}", "8")).0)
        .collect();
    assert!(keys.len() >= 10, "the scan finds the messages ({})", keys.len());
    let gaps = missing(keys);
    assert!(gaps.is_empty(), "missing field errors: {gaps:#?}");
}
