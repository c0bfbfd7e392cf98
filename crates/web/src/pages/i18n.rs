//! The message catalogue: one file per language (`i18n/zh-CN.txt`, `i18n/en.txt`), each line
//! `key = text`, `{name}` marking a value filled in. Chinese is the default; English is
//! chosen by the language switch (a cookie) or the browser's `Accept-Language`. A test
//! fails when a key is in one language and not the other.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The code used in the cookie, the switch and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The first language of an `Accept-Language` header that baoxiu speaks; Chinese if
    /// none.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = cookie.and_then(Lang::parse) {
            return lang;
        }
        let mut ranked: Vec<(f32, Lang)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut bits = part.split(';');
                let tag = bits.next()?.trim().to_ascii_lowercase();
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                    .unwrap_or(1.0);
                let lang = if tag.starts_with("zh") {
                    Lang::ZhCn
                } else if tag.starts_with("en") {
                    Lang::En
                } else {
                    return None;
                };
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map_or(Lang::ZhCn, |(_, lang)| *lang)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::ZhCn => include_str!("../../i18n/zh-CN.txt"),
            Lang::En => include_str!("../../i18n/en.txt"),
        }
    }

    fn catalogue(self) -> &'static HashMap<&'static str, &'static str> {
        static ZH: LazyLock<HashMap<&str, &str>> = LazyLock::new(|| parse(Lang::ZhCn.source()));
        static EN: LazyLock<HashMap<&str, &str>> = LazyLock::new(|| parse(Lang::En.source()));
        match self {
            Lang::ZhCn => &ZH,
            Lang::En => &EN,
        }
    }
}

/// `key = text` lines; blank lines and lines starting with `#` are skipped.
pub fn parse(source: &str) -> HashMap<&str, &str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

/// Every key of a language, for the tests.
#[cfg(test)]
pub fn keys(lang: Lang) -> Vec<&'static str> {
    let mut keys: Vec<_> = lang.catalogue().keys().copied().collect();
    keys.sort_unstable();
    keys
}

/// Translations for one request.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// Whether the catalogue has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.lang.catalogue().contains_key(key)
    }

    /// The text of `key`. A missing key shows as itself (and is logged), so a gap is
    /// visible on the page rather than an empty space; the catalogue tests keep it from
    /// happening.
    pub fn t(&self, key: &str) -> String {
        match self.lang.catalogue().get(key) {
            Some(text) => (*text).to_string(),
            None => {
                tracing::warn!(key, lang = self.lang.code(), "missing message");
                key.to_string()
            }
        }
    }

    /// The text of `key` with its `{name}` values filled in.
    pub fn f(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.t(key);
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The text of `prefix.name`, or `name` itself when the catalogue has none (a value that
    /// is data, such as a station's name, not a word of the interface).
    pub fn word(&self, prefix: &str, name: &str) -> String {
        let key = format!("{prefix}.{name}");
        if self.has(&key) {
            self.t(&key)
        } else {
            name.to_string()
        }
    }

    /// A field error in the reader's language: the field's label and the message, which
    /// the catalogue holds under `fe.` + the English message with its numbers as `{n}`.
    pub fn field_error(&self, field: &str, message: &str) -> String {
        let (key, number) = message_key(message);
        let text = if self.has(&key) {
            self.f(&key, &[("n", number.as_deref().unwrap_or(""))])
        } else {
            message.to_string()
        };
        let label = self.field_label(field);
        format!("{label}: {text}")
    }

    /// `customer.phone` → the label of the phone field; an indexed field keeps its index.
    pub fn field_label(&self, field: &str) -> String {
        let plain: String = field
            .split('.')
            .map(|part| part.split('[').next().unwrap_or(part))
            .collect::<Vec<_>>()
            .join(".");
        let key = format!("field.{plain}");
        if self.has(&key) {
            self.t(&key)
        } else {
            field.to_string()
        }
    }
}

/// The catalogue key of a field error's message: its first number becomes `{n}`.
pub fn message_key(message: &str) -> (String, Option<String>) {
    let mut key = String::from("fe.");
    let mut number = None;
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut digits = String::from(c);
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            key.push_str("{n}");
            number.get_or_insert(digits);
        } else {
            key.push(c);
        }
    }
    (key, number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_in_both_languages() {
        let zh = keys(Lang::ZhCn);
        let en = keys(Lang::En);
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(only_zh.is_empty(), "keys missing in en: {only_zh:?}");
        assert!(only_en.is_empty(), "keys missing in zh-CN: {only_en:?}");
        assert!(zh.len() > 100, "the catalogue is loaded");
    }

    #[test]
    fn every_value_keeps_the_same_placeholders_in_both_languages() {
        let names = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            names.sort();
            names
        };
        for key in keys(Lang::ZhCn) {
            let zh = Tr::new(Lang::ZhCn).t(key);
            let en = Tr::new(Lang::En).t(key);
            assert_eq!(names(&zh), names(&en), "{key}");
        }
    }

    #[test]
    fn the_browser_chooses_english_and_the_switch_wins() {
        assert_eq!(Lang::negotiate(None, None), Lang::ZhCn);
        assert_eq!(Lang::negotiate(None, Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::negotiate(None, Some("fr, en;q=0.5, zh-CN;q=0.8")),
            Lang::ZhCn
        );
        assert_eq!(Lang::negotiate(Some("en"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), Some("en")), Lang::En);
    }

    #[test]
    fn field_errors_read_in_the_readers_language() {
        let zh = Tr::new(Lang::ZhCn);
        assert_eq!(
            message_key("must be at most 50 characters").0,
            "fe.must be at most {n} characters"
        );
        let text = zh.field_error("customer.name", "must be at most 50 characters");
        assert!(text.contains("50") && !text.contains("must"), "{text}");
    }
}
