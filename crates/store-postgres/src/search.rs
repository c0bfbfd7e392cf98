//! Search in PostgreSQL's own text index: the terms and the query of
//! [`baoxiu_domain::search`], written as a `tsvector` and a `tsquery` (cast from text, so no
//! dictionary changes a term). A term's position is its place in the text; the pairs follow
//! the terms, each run one position apart from the last, so a phrase (`<->`) never spans two.

use baoxiu_domain::search::{self, Part};

/// The highest position a `tsvector` keeps.
const MAX_POSITION: usize = 16383;

fn lexeme(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// The `tsvector` an order is indexed under, as text.
pub fn vector(text: &str) -> String {
    let t = search::terms(text);
    let mut out = Vec::new();
    let mut at = 0;
    let mut push = |token: &str, at: usize| {
        out.push(format!("{}:{}", lexeme(token), at.min(MAX_POSITION)));
    };
    for term in &t.terms {
        at += 1;
        push(term, at);
    }
    for run in &t.pairs {
        at += 1;
        for pair in run {
            at += 1;
            push(pair, at);
        }
    }
    out.join(" ")
}

fn phrase(tokens: &[String]) -> String {
    tokens.iter().map(|t| lexeme(t)).collect::<Vec<_>>().join(" <-> ")
}

/// The longest term a query looks for: PostgreSQL refuses a query word over 2,046 bytes, and
/// no order holds a word near this long (its texts are a few hundred characters).
const MAX_TERM: usize = 256;

/// The `tsquery` for what a person typed, as text; `None` if it holds nothing searchable
/// (or a term no order can hold).
pub fn query(typed: &str) -> Option<String> {
    let parts = search::query(typed);
    let too_long = |t: &String| t.len() > MAX_TERM;
    if parts.iter().any(|p| match p {
        Part::Terms(t) | Part::Pairs(t) => t.iter().any(too_long),
        Part::Prefix(w) => too_long(w),
        Part::TailOrPrefix { prefix, .. } => too_long(prefix),
    }) {
        return None;
    }
    let parts: Vec<String> = parts
        .into_iter()
        .map(|part| match part {
            Part::Terms(tokens) | Part::Pairs(tokens) => format!("({})", phrase(&tokens)),
            Part::Prefix(word) => format!("{}:*", lexeme(&word)),
            Part::TailOrPrefix { tail, prefix } => format!("({} | {}:*)", lexeme(&tail), lexeme(&prefix)),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_then_pairs_with_a_gap_between_runs() {
        assert_eq!(
            vector("漏水 李秀英 13912345678"),
            "'漏':1 '水':2 '李':3 '秀':4 '英':5 '13912345678':6 't5678':7 '漏水':9 '李秀':11 '秀英':12"
        );
    }

    #[test]
    fn queries_are_phrases_prefixes_and_tails() {
        assert_eq!(
            query("李秀英 漏水").as_deref(),
            Some("('李秀' <-> '秀英') & ('漏水')")
        );
        assert_eq!(query("5678").as_deref(), Some("('t5678' | '5678':*)"));
        assert_eq!(query("20261127-0042").as_deref(), Some("('20261127' <-> '0042')"));
        assert_eq!(query("kfr").as_deref(), Some("'kfr':*"));
        assert_eq!(query("\"*()"), None);
        assert_eq!(
            query(&"a".repeat(3000)),
            None,
            "a word longer than any order holds"
        );
    }
}
