//! The signatures each receiver checks.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// baoxiu's webhook signature: `sha256=` and the hex HMAC-SHA256, keyed with the shared
/// secret, of the timestamp (Unix seconds), a dot and the body. Receivers recompute it and
/// refuse an old timestamp, so a captured call cannot be replayed later.
pub fn webhook_signature(secret: &str, unix: i64, body: &[u8]) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(unix.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    format!("sha256={}", hex(&m.finalize().into_bytes()))
}

/// Checks a webhook signature in constant time, as a receiver does.
pub fn verify_webhook(secret: &str, unix: i64, body: &[u8], header: &str) -> bool {
    let Some(given) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Some(given) = (0..given.len())
        .step_by(2)
        .map(|i| given.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut m = mac(secret.as_bytes());
    m.update(unix.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m.verify_slice(&given).is_ok()
}

/// DingTalk's robot signature (加签): Base64 of the HMAC-SHA256, keyed with the secret, of
/// the timestamp in milliseconds, a newline and the secret; sent URL-encoded as `sign`
/// beside `timestamp`.
pub fn dingtalk_sign(secret: &str, unix_ms: i64) -> String {
    let mut m = mac(secret.as_bytes());
    m.update(format!("{unix_ms}\n{secret}").as_bytes());
    STANDARD.encode(m.finalize().into_bytes())
}

/// Feishu's robot signature (签名校验): Base64 of the HMAC-SHA256 keyed with the timestamp
/// in seconds, a newline and the secret, of nothing; sent in the body beside `timestamp`.
pub fn feishu_sign(secret: &str, unix: i64) -> String {
    let m = mac(format!("{unix}\n{secret}").as_bytes());
    STANDARD.encode(m.finalize().into_bytes())
}

/// Percent-encodes what Base64 may hold, for a query string.
pub(crate) fn query_escape(s: &str) -> String {
    s.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_signature_verifies_and_a_changed_body_does_not() {
        let signature = webhook_signature("s3cret", 1_790_000_000, b"{\"a\":1}");
        assert!(signature.starts_with("sha256="));
        assert!(verify_webhook("s3cret", 1_790_000_000, b"{\"a\":1}", &signature));
        assert!(!verify_webhook("s3cret", 1_790_000_000, b"{\"a\":2}", &signature));
        assert!(!verify_webhook("s3cret", 1_790_000_001, b"{\"a\":1}", &signature));
        assert!(!verify_webhook("other", 1_790_000_000, b"{\"a\":1}", &signature));
    }

    #[test]
    fn base64_is_escaped_for_a_query() {
        assert_eq!(query_escape("a+b/c="), "a%2Bb%2Fc%3D");
    }
}
