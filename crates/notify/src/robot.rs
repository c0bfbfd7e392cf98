//! Group-chat robots: WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书) group webhooks.
//! Each takes a text message as JSON and answers with its own status field; each signs in
//! its own way: WeCom by the key in the robot's URL, DingTalk by `timestamp` and `sign` in
//! the query, Feishu by `timestamp` and `sign` in the body.

use crate::sign::{dingtalk_sign, feishu_sign, query_escape};
use crate::{Failure, MESSAGE_ID_HEADER, Secret, http_failure};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RobotKind {
    Wecom,
    Dingtalk,
    Feishu,
}

impl RobotKind {
    pub fn parse(s: &str) -> Option<RobotKind> {
        match s {
            "wecom" => Some(RobotKind::Wecom),
            "dingtalk" => Some(RobotKind::Dingtalk),
            "feishu" => Some(RobotKind::Feishu),
            _ => None,
        }
    }
}

/// An organisation's group robot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Robot {
    pub kind: RobotKind,
    /// The robot's webhook address (for WeCom, with its key).
    pub url: Secret,
    /// The signing secret (DingTalk 加签, Feishu 签名校验); WeCom has none.
    #[serde(default)]
    pub secret: Option<Secret>,
}

impl Robot {
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        id: &str,
        text: &str,
        unix_ms: i64,
    ) -> Result<(), Failure> {
        let secret = self.secret.as_ref().map(|s| s.expose());
        let (url, body) = match self.kind {
            RobotKind::Wecom => (
                self.url.expose().to_string(),
                serde_json::json!({"msgtype": "text", "text": {"content": text}}),
            ),
            RobotKind::Dingtalk => {
                let mut url = self.url.expose().to_string();
                if let Some(secret) = secret {
                    let sign = query_escape(&dingtalk_sign(secret, unix_ms));
                    let glue = if url.contains('?') { '&' } else { '?' };
                    url = format!("{url}{glue}timestamp={unix_ms}&sign={sign}");
                }
                (
                    url,
                    serde_json::json!({"msgtype": "text", "text": {"content": text}}),
                )
            }
            RobotKind::Feishu => {
                let mut body = serde_json::json!({"msg_type": "text", "content": {"text": text}});
                if let Some(secret) = secret {
                    let unix = unix_ms / 1000;
                    body["timestamp"] = unix.to_string().into();
                    body["sign"] = feishu_sign(secret, unix).into();
                }
                (self.url.expose().to_string(), body)
            }
        };
        let response = http
            .post(url)
            .header(MESSAGE_ID_HEADER, id)
            .json(&body)
            .send()
            .await
            .map_err(|e| http_failure("the group robot", &e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(Failure(format!("the group robot answered {status}")));
        }
        // Each answers 200 with its own error field: errcode (WeCom, DingTalk), code or
        // StatusCode (Feishu); zero is success.
        let answer: serde_json::Value = response
            .json()
            .await
            .map_err(|_| Failure("the group robot's answer is not JSON".into()))?;
        let code = ["errcode", "code", "StatusCode"]
            .iter()
            .find_map(|k| answer.get(*k).and_then(|v| v.as_i64()));
        match code {
            Some(0) => Ok(()),
            Some(code) => {
                let message = ["errmsg", "msg", "StatusMessage"]
                    .iter()
                    .find_map(|k| answer.get(*k).and_then(|v| v.as_str()))
                    .unwrap_or("");
                Err(Failure(format!(
                    "the group robot refused the message: {code} {message}"
                )))
            }
            None => Err(Failure("the group robot's answer has no status".into())),
        }
    }
}
