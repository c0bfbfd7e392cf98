//! How an order's text is cut into search terms, and how what a person types becomes a
//! query: one rule for every storage backend, each of which only writes it in its own index's
//! language (SQLite's FTS5, PostgreSQL's `tsvector`).
//!
//! Word splitting on spaces and punctuation would make a run of Chinese characters one token,
//! so `漏水` would not find `卫生间漏水`. An order is therefore indexed under every CJK
//! character on its own plus words and numbers (its *terms*), and under every two adjacent CJK
//! characters (its *pairs*, per run). A query for one character looks for the character; for
//! two or more, the phrase of their pairs (`李秀英` is `李秀 秀英`, side by side), whose lists
//! are short even where a character is common. A long digit run (a phone) also gets a
//! `t`-term of its last four digits, which is how the desk finds a caller by the end of their
//! number.

use crate::OrderNumber;

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

/// Every two adjacent characters of a run, as pair tokens.
fn pairs_of(run: &[char]) -> Vec<String> {
    run.windows(2).map(|w| w.iter().collect()).collect()
}

/// The runs of adjacent CJK characters.
fn runs(pieces: &[Piece]) -> Vec<Vec<char>> {
    let mut runs = vec![Vec::new()];
    for piece in pieces {
        match piece {
            Piece::Han(c) => runs.last_mut().expect("one run").push(*c),
            _ => {
                if !runs.last().expect("one run").is_empty() {
                    runs.push(Vec::new());
                }
            }
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// What an order is indexed under. Every token is lower-case ASCII letters and digits, or CJK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// Characters, words and numbers in the order they stand, phone tails last (so a tail
    /// never stands between the parts of a phrase, such as an order number's day and place).
    pub terms: Vec<String>,
    /// The pairs of each run of CJK characters; a phrase never spans two runs.
    pub pairs: Vec<Vec<String>>,
}

/// The terms an order's text is indexed under.
pub fn terms(text: &str) -> Terms {
    let pieces = pieces(text);
    let mut out = Vec::new();
    let mut tails = Vec::new();
    for piece in &pieces {
        match piece {
            Piece::Break => {}
            Piece::Han(c) => out.push(c.to_string()),
            Piece::Word(w) => {
                out.push(w.clone());
                if w.len() >= 7 && w.bytes().all(|b| b.is_ascii_digit()) {
                    tails.push(format!("t{}", &w[w.len() - 4..]));
                }
            }
        }
    }
    out.extend(tails);
    let pairs = runs(&pieces)
        .iter()
        .map(|r| pairs_of(r))
        .filter(|p| !p.is_empty())
        .collect();
    Terms { terms: out, pairs }
}

/// One part of a query; an order matches when it matches every part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// These terms side by side (one alone: that term).
    Terms(Vec<String>),
    /// These pairs side by side.
    Pairs(Vec<String>),
    /// A term starting with this.
    Prefix(String),
    /// Four digits: the end of a phone (the `t`-term) or the start of a term.
    TailOrPrefix { tail: String, prefix: String },
}

/// What a person typed, as the parts an order must match; empty if it holds nothing
/// searchable. Chinese runs are phrases of pairs (one character alone: the character), an
/// order number is the phrase of its two parts, four digits are the end of a phone or a word,
/// other words and digits match as prefixes.
pub fn query(typed: &str) -> Vec<Part> {
    if let Some(number) = OrderNumber::parse(typed)
        && let Some((day, seq)) = number.as_str().split_once('-')
    {
        return vec![Part::Terms(vec![day.into(), seq.into()])];
    }
    let mut parts = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let end_han = |han: &mut Vec<char>, parts: &mut Vec<Part>| {
        match han.len() {
            0 => {}
            1 => parts.push(Part::Terms(vec![han[0].to_string()])),
            _ => parts.push(Part::Pairs(pairs_of(han))),
        }
        han.clear();
    };
    for piece in pieces(typed) {
        match piece {
            Piece::Han(c) => han.push(c),
            Piece::Break => end_han(&mut han, &mut parts),
            Piece::Word(w) => {
                end_han(&mut han, &mut parts);
                // Four digits are the end of a phone, or a word of their own (冲床 CY-1600,
                // 车床 CK-6150): either matches.
                parts.push(if w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()) {
                    Part::TailOrPrefix {
                        tail: format!("t{w}"),
                        prefix: w,
                    }
                } else {
                    Part::Prefix(w)
                });
            }
        }
    }
    end_han(&mut han, &mut parts);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_is_indexed_by_character_and_by_pair_and_phones_get_their_tail() {
        let t = terms("卫生间漏水，李秀英 13912345678 KFR-35GW");
        assert_eq!(
            t.terms,
            strings(&[
                "卫",
                "生",
                "间",
                "漏",
                "水",
                "李",
                "秀",
                "英",
                "13912345678",
                "kfr",
                "35gw",
                "t5678"
            ])
        );
        assert_eq!(
            t.pairs,
            [
                strings(&["卫生", "生间", "间漏", "漏水"]),
                strings(&["李秀", "秀英"])
            ]
        );
        assert_eq!(
            terms("010-62345678").terms,
            strings(&["010", "62345678", "t5678"])
        );
    }

    #[test]
    fn queries_are_phrases_of_pairs_words_tails_and_numbers() {
        assert_eq!(query("漏水"), [Part::Pairs(strings(&["漏水"]))]);
        assert_eq!(query("李秀英"), [Part::Pairs(strings(&["李秀", "秀英"]))]);
        assert_eq!(query("水"), [Part::Terms(strings(&["水"]))]);
        assert_eq!(
            query(" 5678 "),
            [Part::TailOrPrefix {
                tail: "t5678".into(),
                prefix: "5678".into()
            }]
        );
        assert_eq!(query("13912345678"), [Part::Prefix("13912345678".into())]);
        assert_eq!(
            query("20261127-0042"),
            [Part::Terms(strings(&["20261127", "0042"]))]
        );
        assert_eq!(
            query("阳光 3栋"),
            [
                Part::Pairs(strings(&["阳光"])),
                Part::Prefix("3".into()),
                Part::Terms(strings(&["栋"]))
            ]
        );
        assert_eq!(query("\"*()"), []);
    }
}
