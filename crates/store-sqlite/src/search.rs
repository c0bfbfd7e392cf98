//! Search terms for SQLite's full-text index (FTS5). FTS5's tokenizers split on spaces and
//! punctuation, so a run of Chinese characters would be one token and `漏水` would not find
//! `卫生间漏水`. The terms given to the index therefore put every CJK character on its
//! own, and a query for Chinese text becomes a phrase of single characters, which FTS5
//! matches only where they stand side by side. Words and numbers stay whole; a long digit
//! run (a phone) also gets a `t`-token of its last four digits, which is how the desk finds
//! a caller by the end of their number.

use baoxiu_domain::OrderNumber;

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' |
        '\u{20000}'..='\u{2FA1F}')
}

/// A piece of text as the index and the query see it.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    /// One CJK character.
    Han(char),
    /// A run of ASCII letters and digits, lower-cased.
    Word(String),
    /// Anything else: a space or punctuation, which ends a phrase.
    Break,
}

fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Piece>| {
        if !word.is_empty() {
            out.push(Piece::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else {
            flush(&mut word, &mut out);
            out.push(if is_cjk(c) { Piece::Han(c) } else { Piece::Break });
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The terms an order is indexed under. Phone tails come last, so they never stand between
/// the parts of a phrase (an order number's day and place).
pub fn terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut tails = Vec::new();
    for piece in pieces(text) {
        if piece == Piece::Break {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        match piece {
            Piece::Break => {}
            Piece::Han(c) => out.push(c),
            Piece::Word(w) => {
                out.push_str(&w);
                if w.len() >= 7 && w.bytes().all(|b| b.is_ascii_digit()) {
                    tails.push(format!("t{}", &w[w.len() - 4..]));
                }
            }
        }
    }
    for tail in tails {
        out.push(' ');
        out.push_str(&tail);
    }
    out
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// An FTS5 query for what a person typed, or `None` if it holds nothing searchable.
/// Chinese runs are phrases, an order number is the phrase of its two parts, four digits
/// are the end of a phone (or a number's place in its day), other words and digits match
/// as prefixes; all parts must match.
pub fn query(typed: &str) -> Option<String> {
    if let Some(number) = OrderNumber::parse(typed) {
        let (day, seq) = number.as_str().split_once('-')?;
        return Some(quoted(&format!("{day} {seq}")));
    }
    let mut parts: Vec<String> = Vec::new();
    let mut han = String::new();
    let end_han = |han: &mut String, parts: &mut Vec<String>| {
        if !han.is_empty() {
            parts.push(quoted(han.trim_end()));
            han.clear();
        }
    };
    for piece in pieces(typed) {
        match piece {
            Piece::Han(c) => {
                han.push(c);
                han.push(' ');
            }
            Piece::Break => end_han(&mut han, &mut parts),
            Piece::Word(w) => {
                end_han(&mut han, &mut parts);
                let four_digits = w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
                parts.push(if four_digits {
                    format!("({} OR {})", quoted(&format!("t{w}")), quoted(&w))
                } else {
                    format!("{}*", quoted(&w))
                });
            }
        }
    }
    end_han(&mut han, &mut parts);
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_indexed_character_by_character_and_phones_get_their_tail() {
        assert_eq!(
            terms("卫生间漏水，李秀英 13912345678 KFR-35GW"),
            "卫 生 间 漏 水 李 秀 英 13912345678 kfr 35gw t5678"
        );
        assert_eq!(terms("010-62345678"), "010 62345678 t5678");
    }

    #[test]
    fn queries_are_phrases_words_tails_and_numbers() {
        assert_eq!(query("漏水").as_deref(), Some("\"漏 水\""));
        assert_eq!(query(" 5678 ").as_deref(), Some("(\"t5678\" OR \"5678\")"));
        assert_eq!(query("13912345678").as_deref(), Some("\"13912345678\"*"));
        assert_eq!(query("20261127-0042").as_deref(), Some("\"20261127 0042\""));
        assert_eq!(
            query("李秀英 漏水").as_deref(),
            Some("\"李 秀 英\" AND \"漏 水\"")
        );
        assert_eq!(
            query("阳光 3栋").as_deref(),
            Some("\"阳 光\" AND \"3\"* AND \"栋\"")
        );
        assert_eq!(query("\"*()"), None);
    }
}
