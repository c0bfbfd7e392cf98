//! Search in SQLite's full-text index (FTS5): the terms and the query of
//! [`baoxiu_domain::search`], written as FTS5 sees them. The index has two columns: `terms`
//! and `pairs`, where an `x` stands between two runs' pairs (FTS5 gives punctuation no
//! position, so without it a phrase of pairs could span two runs; queries never hold it:
//! pairs are CJK).

use baoxiu_domain::search::{self, Part};

/// The `(terms, pairs)` columns an order is indexed under.
pub fn terms(text: &str) -> (String, String) {
    let t = search::terms(text);
    let pairs: Vec<String> = t.pairs.iter().map(|run| run.join(" ")).collect();
    (t.terms.join(" "), pairs.join(" x "))
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// An FTS5 query for what a person typed, or `None` if it holds nothing searchable.
pub fn query(typed: &str) -> Option<String> {
    let parts: Vec<String> = search::query(typed)
        .into_iter()
        .map(|part| match part {
            Part::Terms(terms) => format!("terms : {}", quoted(&terms.join(" "))),
            Part::Pairs(pairs) => format!("pairs : {}", quoted(&pairs.join(" "))),
            Part::Prefix(word) => format!("terms : {}*", quoted(&word)),
            Part::TailOrPrefix { tail, prefix } => {
                format!("(terms : {} OR terms : {}*)", quoted(&tail), quoted(&prefix))
            }
        })
        .collect();
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
