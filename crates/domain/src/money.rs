//! Money, exact to the fen (分): amounts are whole fen in an `i64`, never floating point.
//! Paid work (B18): the charges are told to the customer and accepted before work starts;
//! materials the owner brings are inspected and recorded; the company's materials are listed
//! with name, spec, model, quantity and unit price, confirmed by the owner with the rest; the
//! money is handed to finance, exactly the total.

use crate::values::{FieldError, optional_text, text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
#[serde(transparent)]
pub struct Fen(pub i64);

/// The most a single amount may be: 10 million yuan.
const MAX_FEN: i64 = 1_000_000_000;

impl Fen {
    /// Reads yuan as people write them: `12`, `12.5`, `12.50`; at most two decimals, not
    /// negative.
    pub fn parse_yuan(field: &str, s: &str) -> Result<Fen, FieldError> {
        let wrong = || FieldError::new(field, "must be an amount in yuan such as 12.50");
        let s = s.trim();
        let (whole, part) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || part.len() > 2 {
            return Err(wrong());
        }
        if !part.chars().all(|c| c.is_ascii_digit()) {
            return Err(wrong());
        }
        let yuan: i64 = whole.parse().map_err(|_| wrong())?;
        let fen: i64 = format!("{part:0<2}").parse().map_err(|_| wrong())?;
        let total = yuan
            .checked_mul(100)
            .and_then(|y| y.checked_add(fen))
            .ok_or_else(wrong)?;
        if total > MAX_FEN {
            return Err(wrong());
        }
        Ok(Fen(total))
    }

    pub fn checked_mul(self, n: u32) -> Option<Fen> {
        self.0.checked_mul(i64::from(n)).map(Fen)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }
}

impl fmt::Display for Fen {
    /// `12.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// One line of the charges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargeLine {
    /// Labour, or the company's material's name.
    pub name: String,
    pub spec: Option<String>,
    pub model: Option<String>,
    pub quantity: u32,
    /// Fen.
    pub unit_price: Fen,
    /// B24: the price-list item charged, by its code; none for a line off the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
}

impl ChargeLine {
    pub fn parse(
        index: usize,
        name: &str,
        spec: Option<&str>,
        model: Option<&str>,
        quantity: u32,
        unit_price: Fen,
    ) -> Result<ChargeLine, FieldError> {
        let at = |f: &str| format!("charges[{index}].{f}");
        if quantity == 0 {
            return Err(FieldError::new(at("quantity"), "must be at least 1"));
        }
        let line = ChargeLine {
            name: text(&at("name"), name, 100)?,
            spec: optional_text(&at("spec"), spec, 100)?,
            model: optional_text(&at("model"), model, 100)?,
            quantity,
            unit_price,
            item: None,
        };
        line.amount()
            .ok_or_else(|| FieldError::new(at("unit_price"), "the line's amount is too large"))?;
        Ok(line)
    }

    /// The line as the price-list item `code` (B24).
    pub fn on_list(mut self, code: Option<&str>) -> ChargeLine {
        self.item = code.map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        self
    }

    /// Quantity × unit price, exactly.
    pub fn amount(&self) -> Option<Fen> {
        self.unit_price
            .checked_mul(self.quantity)
            .filter(|a| a.0 <= MAX_FEN)
    }
}

/// The sum of `lines`, exactly; `None` if it would overflow.
pub fn total(lines: &[ChargeLine]) -> Option<Fen> {
    lines
        .iter()
        .try_fold(Fen(0), |sum, line| sum.checked_add(line.amount()?))
}

/// What the customer pays for on an order, and where the money went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Charges {
    /// The lines told to the customer (B18: before work starts).
    pub lines: Vec<ChargeLine>,
    pub quoted_at: Option<DateTime<Utc>>,
    /// Who told the charges (they do not accept them too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quoted_by: Option<crate::ids::PersonId>,
    /// The customer accepted them (and so confirmed the company's materials).
    pub accepted_at: Option<DateTime<Utc>>,
    /// Materials the owner brought, inspected and recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_materials: Vec<String>,
    /// The money handed to finance: when and how much.
    pub handed_to_finance: Option<(DateTime<Utc>, Fen)>,
}

impl Charges {
    pub fn is_empty(&self) -> bool {
        *self == Charges::default()
    }

    pub fn total(&self) -> Fen {
        total(&self.lines).unwrap_or_default()
    }

    /// Quoted and not yet accepted: work waits (B18).
    pub fn awaiting_acceptance(&self) -> bool {
        self.quoted_at.is_some() && self.accepted_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_read_as_people_write_them() {
        assert_eq!(Fen::parse_yuan("p", "12").unwrap(), Fen(1200));
        assert_eq!(Fen::parse_yuan("p", "12.5").unwrap(), Fen(1250));
        assert_eq!(Fen::parse_yuan("p", "0.01").unwrap(), Fen(1));
        for wrong in ["", "-1", "1.234", "1,5", "abc", ".5", "99999999999"] {
            assert_eq!(Fen::parse_yuan("p", wrong).unwrap_err().field, "p", "{wrong}");
        }
        assert_eq!(Fen(1250).to_string(), "12.50");
        assert_eq!(Fen(7).to_string(), "0.07");
    }
}
