//! The files folder: one subfolder per organisation, one file per upload, named by its id.
//! A file is written to a temporary name, synced, renamed and its folder synced, so it is
//! whole on disk before anyone is told it was kept.

use baoxiu_domain::{AttachmentId, StoreError, TenantId};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

fn io(what: &str, e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("{what}: {e}"))
}

fn path(root: &Path, tenant: TenantId, id: AttachmentId) -> PathBuf {
    root.join(tenant.to_string()).join(id.to_string())
}

pub async fn write(root: &Path, tenant: TenantId, id: AttachmentId, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = root.join(tenant.to_string());
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| io("cannot make the files folder", e))?;
    let target = path(root, tenant, id);
    let part = dir.join(format!("{id}.part"));
    let mut file = tokio::fs::File::create(&part)
        .await
        .map_err(|e| io("cannot create a file", e))?;
    file.write_all(bytes)
        .await
        .map_err(|e| io("cannot write a file", e))?;
    file.sync_all().await.map_err(|e| io("cannot sync a file", e))?;
    drop(file);
    tokio::fs::rename(&part, &target)
        .await
        .map_err(|e| io("cannot name a file", e))?;
    tokio::fs::File::open(&dir)
        .await
        .and_then(|d| d.try_into_std().map_err(|_| std::io::Error::other("busy")))
        .and_then(|d| d.sync_all())
        .map_err(|e| io("cannot sync the files folder", e))?;
    Ok(())
}

pub async fn read(root: &Path, tenant: TenantId, id: AttachmentId) -> Result<Option<Vec<u8>>, StoreError> {
    match tokio::fs::read(path(root, tenant, id)).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io("cannot read a file", e)),
    }
}
