//! baoxiu's notification channels beyond the in-app inbox: signed webhooks, an SMS gateway
//! over HTTP, e-mail over SMTP, and the group-chat robots where service teams talk (WeCom
//! 企业微信, DingTalk 钉钉, Feishu 飞书), each with its own signing.
//!
//! Delivery is at least once: the caller keeps the message in its outbox until
//! [`Channels::deliver`] succeeds, and every channel carries the message's stable id so a
//! receiver can drop a duplicate. Secrets (the SMS gateway's key, the SMTP password, the
//! webhook and robot secrets) never appear in `Debug` output, in errors or in logs.

mod robot;
mod sign;

pub use robot::{Robot, RobotKind};
pub use sign::{dingtalk_sign, feishu_sign, verify_webhook, webhook_signature};

use baoxiu_domain::Notice;
use baoxiu_domain::sla::NotifyChannel;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long one HTTP delivery may take before it counts as failed.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The header naming the message, on every HTTP channel: receivers drop what they saw.
pub const MESSAGE_ID_HEADER: &str = "X-Baoxiu-Message-Id";
pub const SIGNATURE_HEADER: &str = "X-Baoxiu-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Baoxiu-Timestamp";

/// A secret: shown as `***` wherever it is printed.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// An organisation's webhook: where its system hears of escalations, and the shared secret
/// of the HMAC-SHA256 signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    pub secret: Secret,
}

/// The channels an organisation set for itself (kept in the store as JSON, per channel).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgChannels {
    pub webhook: Option<Webhook>,
    pub robot: Option<Robot>,
}

impl OrgChannels {
    /// Reads the stored settings, `(channel, json)`; a setting that cannot be read is named.
    pub fn from_settings(rows: &[(String, String)]) -> Result<OrgChannels, String> {
        let mut out = OrgChannels::default();
        for (channel, json) in rows {
            match channel.as_str() {
                "webhook" => {
                    out.webhook =
                        Some(serde_json::from_str(json).map_err(|e| format!("webhook settings: {e}"))?)
                }
                "robot" => {
                    out.robot = Some(serde_json::from_str(json).map_err(|e| format!("robot settings: {e}"))?)
                }
                other => return Err(format!("unknown channel `{other}` in the settings")),
            }
        }
        Ok(out)
    }
}

/// The SMS gateway: a JSON POST `{"id", "to", "text"}` with the key as a bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsGateway {
    pub url: String,
    pub key: Secret,
}

/// What the server is told at start about its own channels.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub sms: Option<SmsGateway>,
    /// `smtp://user:password@host:port` (plain), `smtp://…?tls=required` (STARTTLS) or
    /// `smtps://…` (TLS), as lettre reads it.
    pub smtp_url: Option<Secret>,
    pub mail_from: Option<String>,
    /// The address people open baoxiu at, for links in messages (`https://baoxiu.example.com`).
    pub public_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("--smtp-url cannot be used: {0}")]
    Smtp(String),
    #[error("--mail-from `{0}` is not an e-mail address")]
    From(String),
    #[error("e-mail needs --mail-from as well as --smtp-url")]
    NoFrom,
    #[error("the HTTP client cannot start: {0}")]
    Http(String),
}

/// The channels this server delivers through.
#[derive(Clone)]
pub struct Channels {
    http: reqwest::Client,
    sms: Option<SmsGateway>,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    public_url: String,
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels")
            .field("sms", &self.sms)
            .field("smtp", &self.smtp.as_ref().map(|(_, from)| from.to_string()))
            .field("public_url", &self.public_url)
            .finish()
    }
}

/// One failed delivery, said without secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Failure(pub String);

/// An HTTP client builder with TLS ready. reqwest is built without a default TLS
/// provider (the default one needs a C toolchain and CMake); this picks ring, once per
/// process. Every HTTP client of baoxiu, its tests and its benchmarks starts here.
pub fn http_client() -> reqwest::ClientBuilder {
    // A second call finds the provider chosen and changes nothing.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

impl Channels {
    pub fn new(config: Config) -> Result<Channels, ConfigError> {
        let http = http_client()
            .timeout(HTTP_TIMEOUT)
            .user_agent(concat!("baoxiu/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        let smtp = match (&config.smtp_url, &config.mail_from) {
            (None, _) => None,
            (Some(_), None) => return Err(ConfigError::NoFrom),
            (Some(url), Some(from)) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    // lettre's message may quote the URL; say only what is wrong with it.
                    .map_err(|e| ConfigError::Smtp(without(&e.to_string(), url.expose())))?
                    .timeout(Some(HTTP_TIMEOUT))
                    .build();
                let from: Mailbox = from.parse().map_err(|_| ConfigError::From(from.clone()))?;
                Some((transport, from))
            }
        };
        Ok(Channels {
            http,
            sms: config.sms,
            smtp,
            public_url: config.public_url.trim_end_matches('/').to_string(),
        })
    }

    /// Whether `channel` can deliver for an organisation with these settings. The inbox
    /// always can.
    pub fn configured(&self, channel: NotifyChannel, org: &OrgChannels) -> bool {
        match channel {
            NotifyChannel::Inbox => true,
            NotifyChannel::Sms => self.sms.is_some(),
            NotifyChannel::Email => self.smtp.is_some(),
            NotifyChannel::Webhook => org.webhook.is_some(),
            NotifyChannel::Robot => org.robot.is_some(),
        }
    }

    /// One line per server-wide channel, for the start: what is on, what is skipped and how
    /// to turn it on. Secrets are not shown.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = vec!["inbox: on".to_string()];
        lines.push(match &self.sms {
            // The gateway's address may carry a key: say only that it is on.
            Some(_) => "sms: on, through the gateway given".into(),
            None => "sms: not configured (--sms-url, --sms-key), skipped".into(),
        });
        lines.push(match &self.smtp {
            Some((_, from)) => format!("email: on, from {from}"),
            None => "email: not configured (--smtp-url, --mail-from), skipped".into(),
        });
        lines
    }

    /// The absolute address of a link in a notice.
    pub fn link(&self, notice: &Notice) -> String {
        format!("{}{}", self.public_url, notice.link)
    }

    /// Delivers `notice` once. `unix_ms` is now, for the signatures' timestamps.
    pub async fn deliver(&self, notice: &Notice, org: &OrgChannels, unix_ms: i64) -> Result<(), Failure> {
        match notice.channel {
            NotifyChannel::Inbox => Ok(()),
            NotifyChannel::Webhook => {
                let hook = org.webhook.as_ref().ok_or_else(|| not_configured("webhook"))?;
                self.webhook(notice, hook, unix_ms / 1000).await
            }
            NotifyChannel::Robot => {
                let robot = org.robot.as_ref().ok_or_else(|| not_configured("robot"))?;
                let text = format!("{}\n{}\n{}", notice.subject, notice.text, self.link(notice));
                robot
                    .send(&self.http, &notice.id.to_string(), &text, unix_ms)
                    .await
            }
            NotifyChannel::Sms => {
                let sms = self.sms.as_ref().ok_or_else(|| not_configured("sms"))?;
                let body = serde_json::json!({
                    "id": notice.id,
                    "to": notice.address,
                    "text": notice.text,
                });
                let response = self
                    .http
                    .post(&sms.url)
                    .bearer_auth(sms.key.expose())
                    .header(MESSAGE_ID_HEADER, notice.id.to_string())
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| http_failure("the SMS gateway", &e))?;
                status_ok("the SMS gateway", response.status())
            }
            NotifyChannel::Email => {
                let (transport, from) = self.smtp.as_ref().ok_or_else(|| not_configured("email"))?;
                let to: Mailbox = notice
                    .address
                    .parse()
                    .map_err(|_| Failure(format!("`{}` is not an e-mail address", notice.address)))?;
                let message = lettre::Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&notice.subject)
                    .message_id(Some(format!("<{}@baoxiu>", notice.id)))
                    // The server's clock (injected in tests), not the machine's.
                    .date(
                        std::time::UNIX_EPOCH
                            + Duration::from_millis(u64::try_from(unix_ms).unwrap_or_default()),
                    )
                    .header(ContentType::TEXT_PLAIN)
                    .body(format!("{}\n\n{}\n", notice.text, self.link(notice)))
                    .map_err(|e| Failure(format!("the e-mail cannot be built: {e}")))?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| Failure(format!("the SMTP server refused or failed: {e}")))
            }
        }
    }

    async fn webhook(&self, notice: &Notice, hook: &Webhook, unix: i64) -> Result<(), Failure> {
        let body = serde_json::to_vec(&serde_json::json!({
            "id": notice.id,
            "kind": notice.kind,
            "order": notice.order,
            "subject": notice.subject,
            "text": notice.text,
            "link": self.link(notice),
            "created_at": notice.created_at,
        }))
        .map_err(|e| Failure(format!("cannot encode: {e}")))?;
        let signature = webhook_signature(hook.secret.expose(), unix, &body);
        let response = self
            .http
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(MESSAGE_ID_HEADER, notice.id.to_string())
            .header(TIMESTAMP_HEADER, unix.to_string())
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|e| http_failure("the webhook", &e))?;
        status_ok("the webhook", response.status())
    }
}

fn not_configured(channel: &str) -> Failure {
    Failure(format!("the {channel} channel is not configured"))
}

/// A transport error, without the URL (a gateway's URL may carry a key).
fn http_failure(what: &str, e: &reqwest::Error) -> Failure {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot be reached"
    } else {
        "failed"
    };
    Failure(format!("{what} {kind}"))
}

fn status_ok(what: &str, status: reqwest::StatusCode) -> Result<(), Failure> {
    if status.is_success() {
        Ok(())
    } else {
        Err(Failure(format!("{what} answered {status}")))
    }
}

/// `text` with every occurrence of `secret` (and of its password part) masked.
fn without(text: &str, secret: &str) -> String {
    let mut out = text.replace(secret, "***");
    if let Some(password) = secret
        .split("://")
        .nth(1)
        .and_then(|r| r.split('@').next())
        .and_then(|u| u.split(':').nth(1))
        && !password.is_empty()
    {
        out = out.replace(password, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_not_printed() {
        let sms = SmsGateway {
            url: "http://gateway".into(),
            key: Secret("k-123456".into()),
        };
        assert!(!format!("{sms:?}").contains("k-123456"));
        let hook = Webhook {
            url: "http://hook".into(),
            secret: Secret("s3cret".into()),
        };
        assert!(!format!("{hook:?}").contains("s3cret"));
        assert_eq!(without("bad url smtp://u:pw@h", "smtp://u:pw@h"), "bad url ***");
        assert_eq!(without("login pw refused", "smtp://u:pw@h"), "login *** refused");
    }
}
