//! Files kept with an order: photos of the fault and of the work. The bytes live in the
//! store; the order's history records that a file was added or removed, by whom and why,
//! so nothing disappears without a trace.

use crate::ids::{AttachmentId, PersonId};
use crate::values::FieldError;
use serde::{Deserialize, Serialize};

/// The largest file accepted: a phone camera's photo fits with room to spare.
pub const MAX_ATTACHMENT_BYTES: usize = 8 * 1024 * 1024;

/// What kinds of file are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImageType {
    Jpeg,
    Png,
    Webp,
}

impl ImageType {
    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }
}

/// A file as the order records it: the store holds the bytes under `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: AttachmentId,
    #[serde(rename = "type")]
    pub image: ImageType,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// The file's name as it was sent, for people.
    pub name: Option<String>,
}

/// An uploaded file, checked, waiting to be attached to an order by the person who sent
/// it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub attachment: Attachment,
    pub by: PersonId,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A file on an order, with who added it and whether it was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachedFile {
    pub attachment: Attachment,
    pub added_at: chrono::DateTime<chrono::Utc>,
    pub added_by: PersonId,
    pub removed: Option<Removal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Removal {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: PersonId,
    pub reason: String,
}

/// Dimensions a photo may have: anything a camera makes, nothing absurd.
pub const MAX_SIDE: u32 = 20_000;

impl Attachment {
    /// Checks what was read from the file's header: a known image type, sane dimensions,
    /// a size within [`MAX_ATTACHMENT_BYTES`]. The field named is `file`.
    pub fn check(
        image: Option<ImageType>,
        bytes: usize,
        width: u32,
        height: u32,
    ) -> Result<ImageType, FieldError> {
        if bytes == 0 {
            return Err(FieldError::new("file", "must not be empty"));
        }
        if bytes > MAX_ATTACHMENT_BYTES {
            return Err(FieldError::new("file", "must be at most 8 MiB"));
        }
        let Some(image) = image else {
            return Err(FieldError::new("file", "must be a JPEG, PNG or WebP image"));
        };
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(FieldError::new("file", "must be a JPEG, PNG or WebP image"));
        }
        Ok(image)
    }
}
