//! The browser harness: a real `baoxiu serve` on a demo database in a temporary folder,
//! Debian's chromedriver on a free port, headless Chromium driven as a person would drive
//! it (type, choose, click), and a screenshot of every page visited.
//!
//! Without chromedriver the stories are skipped with a message; `.ci/run` installs it, so
//! CI never skips them. Stories run one at a time: each owns a browser on a 2-core machine.

use fantoccini::elements::Element;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

const BAOXIU: &str = env!("CARGO_BIN_EXE_baoxiu");
/// Every demo account's password (`baoxiu demo`).
pub const PASSWORD: &str = "baoxiu-demo";
/// How long a page may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(15);

static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Where screenshots go: `BAOXIU_SHOTS` or `target/browser-shots`.
pub fn shots_dir() -> PathBuf {
    std::env::var_os("BAOXIU_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-shots"))
}

fn chromedriver() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BAOXIU_CHROMEDRIVER") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromedriver"))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One story's world: the server, the browser, the screenshots.
pub struct Story {
    pub base: String,
    pub client: Client,
    /// A folder for files the story uploads.
    pub files: PathBuf,
    driver_url: String,
    capabilities: Capabilities,
    name: &'static str,
    shot: usize,
    /// The file the server reads the time from, when the story moves time itself.
    clock: Option<PathBuf>,
    _server: Kill,
    _driver: Kill,
    _dir: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

impl Story {
    /// Starts a story at a window of `width`×`height`, or `None` (with a message) when this
    /// machine has no chromedriver.
    pub async fn start(name: &'static str, width: u32, height: u32) -> Option<Story> {
        Story::start_with(name, width, height, false).await
    }

    /// A story whose server reads the time from a file the story moves
    /// ([`Story::advance_clock`]), with its background step every second.
    pub async fn start_timed(name: &'static str, width: u32, height: u32) -> Option<Story> {
        Story::start_with(name, width, height, true).await
    }

    async fn start_with(name: &'static str, width: u32, height: u32, timed: bool) -> Option<Story> {
        let Some(driver_path) = chromedriver() else {
            eprintln!(
                "skipping browser story `{name}`: no chromedriver on PATH \
                 (apt-get install -y chromium chromium-driver, or set BAOXIU_CHROMEDRIVER)"
            );
            return None;
        };
        let turn = ONE_AT_A_TIME.lock().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("browser.sqlite3");
        let built = Command::new(BAOXIU)
            .args(["demo", "--no-serve", "--orders", "60", "--seed", "7", "--db"])
            .arg(&db)
            .output()
            .expect("baoxiu demo runs");
        assert!(
            built.status.success(),
            "{}",
            String::from_utf8_lossy(&built.stderr)
        );
        let clock = timed.then(|| {
            let file = dir.path().join("now");
            std::fs::write(&file, chrono::Utc::now().to_rfc3339()).unwrap();
            file
        });
        let mut command = Command::new(BAOXIU);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(&db);
        if let Some(file) = &clock {
            command.arg("--clock-file").arg(file).args(["--tick", "1"]);
        }
        let mut server = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("baoxiu serve starts");
        let mut line = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_string();

        let port = free_port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Kill(driver);
        let mut caps = Capabilities::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": std::env::var("BAOXIU_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--lang=zh-CN",
                    format!("--window-size={width},{height}"),
                ],
                "prefs": {"intl.accept_languages": "zh-CN,zh"},
            }),
        );
        // chromedriver takes a moment to listen: try until it answers.
        let url = format!("http://127.0.0.1:{port}");
        let mut client = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("chromedriver answers and starts Chromium");
        client.set_window_size(width, height).await.ok();
        std::fs::create_dir_all(shots_dir()).unwrap();
        let files = dir.path().join("files");
        std::fs::create_dir_all(&files).unwrap();
        Some(Story {
            base,
            client,
            files,
            driver_url: url,
            capabilities: caps,
            name,
            shot: 0,
            clock,
            _server: Kill(server),
            _driver: driver,
            _dir: dir,
            _turn: turn,
        })
    }

    /// Moves the server's clock on by `by` (a timed story only).
    pub fn advance_clock(&self, by: chrono::Duration) {
        let file = self.clock.as_ref().expect("a timed story (Story::start_timed)");
        let now = std::fs::read_to_string(file).unwrap();
        let now = chrono::DateTime::parse_from_rfc3339(now.trim()).unwrap() + by;
        std::fs::write(file, now.to_rfc3339()).unwrap();
    }

    /// A second browser on the same server (for a page watched while someone else acts).
    pub async fn second_browser(&self) -> Client {
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(self.capabilities.clone())
            .connect(&self.driver_url)
            .await
            .expect("a second browser")
    }

    /// Writes a file for the story to upload; returns its path.
    pub fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.files.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "`{css}` did not appear on {}: {e}\n{}",
                self.url().await,
                self.client.source().await.unwrap_or_default()
            ),
        }
    }

    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap()
    }

    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    pub async fn body(&self) -> String {
        self.text("body").await
    }

    /// Types `value` into the field. A field found on a page that was just being replaced
    /// (the previous page's, gone a moment later) is looked up again on the new one.
    pub async fn fill(&self, css: &str, value: &str) {
        self.retry_stale(css, |field| async move {
            field.clear().await?;
            field.send_keys(value).await
        })
        .await;
    }

    pub async fn click(&self, css: &str) {
        self.retry_stale(css, |element| async move { element.click().await })
            .await;
    }

    /// Runs `act` on the element `css`, finding it again if the page replaced it under the
    /// step (a stale element); any other error fails the story.
    async fn retry_stale<F, Fut>(&self, css: &str, act: F)
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let element = self.find(css).await;
            match act(element).await {
                Ok(()) => return,
                Err(e) => {
                    let text = e.to_string();
                    let stale =
                        text.contains("stale element") || text.contains("does not belong to the document");
                    assert!(
                        stale && std::time::Instant::now() < deadline,
                        "`{css}` on {}: {e}",
                        self.url().await
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Waits until the page's text holds `text`.
    pub async fn see(&self, text: &str) {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            // A page being replaced has no body to read yet: try again.
            let body = match self.client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if body.contains(text) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`{text}` never appeared on {}; the page says:\n{body}",
                self.url().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in through the sign-in page.
    pub async fn sign_in(&self, login: &str) {
        self.goto("/signin").await;
        self.fill("#login", login).await;
        self.fill("#password", PASSWORD).await;
        self.click("form[action='/signin'] button[type=submit]").await;
        self.find("header nav").await;
    }

    pub async fn sign_out(&self) {
        self.click("form[action='/signout'] button").await;
        self.find("#login").await;
    }

    /// Opens the `<details>` an element is in (a command's form, a row's actions).
    pub async fn open(&self, element: &Element) {
        self.try_open(element).await.unwrap();
    }

    async fn try_open(&self, element: &Element) -> Result<(), fantoccini::error::CmdError> {
        self.client
            .execute(
                "arguments[0].closest('details').open = true;",
                vec![serde_json::to_value(element).unwrap()],
            )
            .await
            .map(|_| ())
    }

    /// Opens the command's form on the order page (its `<details>`) and returns the form.
    /// A form found on the page that was just being replaced (after the previous step's
    /// answer) is looked up again on the new one.
    pub async fn command(&self, command: &str) -> Element {
        let css = format!("form[data-command='{command}']");
        self.retry_stale(&css, |form| async move {
            if !form.is_displayed().await? {
                self.try_open(&form).await?;
            }
            Ok(())
        })
        .await;
        self.find(&css).await
    }

    /// The form of `command` on the queue row of the order `number`, opened.
    pub async fn queue_form(&self, number: &str, command: &str) -> Element {
        let item = self
            .client
            .find(Locator::XPath(&format!(
                "//section[contains(@class,'queue-item')][.//a[text()='{number}']]"
            )))
            .await
            .unwrap();
        let form = item
            .find(Locator::Css(&format!("form[data-command='{command}']")))
            .await
            .unwrap();
        self.open(&form).await;
        form
    }

    /// Sends an opened command form and waits for the next page.
    pub async fn send(&self, form: &Element) {
        form.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.find("main").await;
    }

    /// Saves a screenshot as `<story>-<n>-<what>.png` in the shots folder.
    pub async fn shot(&mut self, what: &str) {
        self.shot += 1;
        let png = self.client.screenshot().await.unwrap();
        let path = shots_dir().join(format!("{}-{:02}-{what}.png", self.name, self.shot));
        std::fs::write(&path, png).unwrap();
    }

    pub async fn end(self) {
        let _ = self.client.clone().close().await;
    }
}
