//! Uploaded photos: checked from their header (a JPEG, PNG or WebP of sane size, at most
//! 8 MiB), kept by the store, then attached to an order by the `attach` command. The same
//! path serves the API (`POST /api/v1/uploads`) and the pages' upload form.

use crate::App;
use crate::error::ApiResult;
use baoxiu_domain::{Attachment, AttachmentId, FieldError, ImageType, Person, Store, Upload, optional_text};
use sha2::{Digest, Sha256};

/// What a file's header says it is.
fn sniff(bytes: &[u8]) -> (Option<ImageType>, u32, u32) {
    let image = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => Some(ImageType::Jpeg),
        Ok(imagesize::ImageType::Png) => Some(ImageType::Png),
        Ok(imagesize::ImageType::Webp) => Some(ImageType::Webp),
        _ => None,
    };
    let (w, h) = imagesize::blob_size(bytes)
        .map(|s| (s.width as u32, s.height as u32))
        .unwrap_or((0, 0));
    (image, w, h)
}

impl<S: Store> App<S> {
    /// Checks and keeps a file `person` uploaded; returns it, ready to attach.
    pub async fn upload(&self, person: &Person, bytes: &[u8], name: Option<&str>) -> ApiResult<Upload> {
        let (image, width, height) = sniff(bytes);
        let image = Attachment::check(image, bytes.len(), width, height)?;
        let name = optional_text("name", name, 200)?;
        let now = self.clock.now();
        let upload = Upload {
            attachment: Attachment {
                id: AttachmentId(crate::service::new_v7(now)),
                image,
                bytes: bytes.len() as u64,
                width,
                height,
                sha256: crate::service::hex(&Sha256::digest(bytes)),
                name,
            },
            by: person.id,
            at: now,
        };
        self.store.put_upload(person.tenant, &upload, bytes).await?;
        Ok(upload)
    }

    /// The upload `id` if `person` sent it: only the sender may attach their file.
    pub async fn own_upload(&self, person: &Person, id: AttachmentId) -> ApiResult<Attachment> {
        match self.store.upload(person.tenant, id).await? {
            Some(upload) if upload.by == person.id => Ok(upload.attachment),
            _ => Err(FieldError::new("upload_id", "no such upload of yours").into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;
    use baoxiu_domain::ImageType;

    #[test]
    fn a_png_header_is_read_and_text_is_not_an_image() {
        // A 1×1 PNG.
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1,
            0, 0, 0, 1, 8, 6, 0, 0, 0,
        ];
        assert_eq!(sniff(&png), (Some(ImageType::Png), 1, 1));
        assert_eq!(sniff(b"hello, not an image").0, None);
    }
}
