//! Search terms for SQLite's full-text index (FTS5). FTS5's tokenizers split on spaces and
//! punctuation, so a run of Chinese characters would be one token and `漏水` would not find
//! `卫生间漏水`. The index therefore gets two columns: `terms` holds every CJK character on
//! its own plus words and numbers, and `pairs` every two adjacent CJK characters. A query
//! for one character reads `terms`; for two or more it is a phrase of pairs (`李秀英` is
//! `李秀 秀英`, side by side), whose lists are short even where a character is common. A
//! long digit run (a phone) also gets a `t`-token of its last four digits, which is how the
//! desk finds a caller by the end of their number.

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

/// The terms an order is indexed under: `(terms, pairs)`. Phone tails come last, so they
/// never stand between the parts of a phrase (an order number's day and place).
pub fn terms(text: &str) -> (String, String) {
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
    // An `x` between runs keeps a phrase of pairs from spanning them (punctuation would not:
    // FTS5 gives it no position). Queries never hold it: pairs are CJK.
    let pairs: Vec<String> = runs(&pieces).iter().map(|r| pairs_of(r).join(" ")).collect();
    (out.join(" "), pairs.join(" x "))
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// An FTS5 query for what a person typed, or `None` if it holds nothing searchable.
/// Chinese runs are phrases of pairs (one character alone: the character), an order number
/// is the phrase of its two parts, four digits are the end of a phone or a word, other words and
/// digits match as prefixes; all parts must match.
pub fn query(typed: &str) -> Option<String> {
    if let Some(number) = OrderNumber::parse(typed) {
        let (day, seq) = number.as_str().split_once('-')?;
        return Some(format!("terms : {}", quoted(&format!("{day} {seq}"))));
    }
    let mut parts: Vec<String> = Vec::new();
    let mut han: Vec<char> = Vec::new();
    let end_han = |han: &mut Vec<char>, parts: &mut Vec<String>| {
        match han.len() {
            0 => {}
            1 => parts.push(format!("terms : {}", quoted(&han[0].to_string()))),
            _ => parts.push(format!("pairs : {}", quoted(&pairs_of(han).join(" ")))),
        }
        han.clear();
    };
    for piece in pieces(typed) {
        match piece {
            Piece::Han(c) => han.push(c),
            Piece::Break => end_han(&mut han, &mut parts),
            Piece::Word(w) => {
                end_han(&mut han, &mut parts);
                let four_digits = w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
                // Four digits are the end of a phone, or a word of their own (冲床 CY-1600,
                // 车床 CK-6150): either matches.
                parts.push(if four_digits {
                    format!(
                        "(terms : {} OR terms : {}*)",
                        quoted(&format!("t{w}")),
                        quoted(&w)
                    )
                } else {
                    format!("terms : {}*", quoted(&w))
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
    fn chinese_is_indexed_by_character_and_by_pair_and_phones_get_their_tail() {
        assert_eq!(
            terms("卫生间漏水，李秀英 13912345678 KFR-35GW"),
            (
                "卫 生 间 漏 水 李 秀 英 13912345678 kfr 35gw t5678".to_string(),
                "卫生 生间 间漏 漏水 x 李秀 秀英".to_string()
            )
        );
        assert_eq!(terms("010-62345678").0, "010 62345678 t5678");
    }

    #[test]
    fn queries_are_phrases_of_pairs_words_tails_and_numbers() {
        assert_eq!(query("漏水").as_deref(), Some("pairs : \"漏水\""));
        assert_eq!(query("李秀英").as_deref(), Some("pairs : \"李秀 秀英\""));
        assert_eq!(query("水").as_deref(), Some("terms : \"水\""));
        assert_eq!(
            query(" 5678 ").as_deref(),
            Some("(terms : \"t5678\" OR terms : \"5678\"*)")
        );
        assert_eq!(query("13912345678").as_deref(), Some("terms : \"13912345678\"*"));
        assert_eq!(
            query("20261127-0042").as_deref(),
            Some("terms : \"20261127 0042\"")
        );
        assert_eq!(
            query("李秀英 漏水").as_deref(),
            Some("pairs : \"李秀 秀英\" AND pairs : \"漏水\"")
        );
        assert_eq!(
            query("阳光 3栋").as_deref(),
            Some("pairs : \"阳光\" AND terms : \"3\"* AND terms : \"栋\"")
        );
        assert_eq!(query("\"*()"), None);
    }
}
