//! The register (台账) of what is repaired: a factory's equipment, a hotel's rooms and areas,
//! a property's buildings and units. Each entry has a code unique in its organisation, printed
//! on a QR sticker; scanning it opens the report with the place filled in (扫码报修), and the
//! entry's repair history is the orders reported for it.

use crate::ids::TenantId;
use crate::values::{FieldError, Location, optional_text, text};
use serde::{Deserialize, Serialize};

/// One entry of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetRecord {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub tenant: TenantId,
    /// Unique in the organisation; what the sticker carries (letters, digits, dashes).
    pub code: String,
    /// What it is: 注塑机 ZS-03, 1208房, 3号楼2单元.
    pub name: String,
    /// Where it is, as a report names it.
    pub location: Location,
    /// The model, for equipment.
    pub model: Option<String>,
}

impl AssetRecord {
    pub fn parse(
        tenant: TenantId,
        code: &str,
        name: &str,
        location: Location,
        model: Option<&str>,
    ) -> Result<AssetRecord, FieldError> {
        let code = text("code", code, 40)?;
        if !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(FieldError::new(
                "code",
                "must be letters, digits, dashes or underscores",
            ));
        }
        Ok(AssetRecord {
            tenant,
            code,
            name: text("name", name, 100)?,
            location,
            model: optional_text("model", model, 100)?,
        })
    }
}
