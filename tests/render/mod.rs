//! Renders the Mermaid charts of a Markdown file in headless Chromium, the way a person sees them on GitHub: each chart to an HTML page that loads Mermaid from a local npm install, then to a PNG next to it. A Mermaid error, or a page that never finishes, fails the caller's test.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Mermaid's theme and the page's background: GitHub's light and dark.
pub const THEMES: [(&str, &str); 2] = [("default", "#ffffff"), ("dark", "#0d1117")];

/// The Chromium to use: `ESA_PUBLISH_CHROMIUM`, else the first of the usual names on `PATH`.
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ESA_PUBLISH_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// The page: Mermaid renders the chart and puts the outcome in the title, `rendered N` with N
/// the labels on the time axis, or `error: …`.
fn page(modules: &str, code: &str, theme: &str, background: &str) -> String {
    let script = Path::new(modules).join("mermaid/dist/mermaid.min.js");
    format!(
        r##"<!doctype html><html><head><meta charset="utf-8"><title>pending</title>
<script src="file://{}"></script></head>
<body style="background: {background}; margin: 0"><div id="out"></div><script>
mermaid.initialize({{ startOnLoad: false, theme: "{theme}" }});
mermaid.render("chart", {}).then(({{ svg }}) => {{
  document.getElementById("out").innerHTML = svg;
  const labels = document.querySelectorAll("#out .bottom-axis .label text").length;
  document.title = "rendered " + labels;
}}).catch((e) => {{ document.title = "error: " + (e && e.message ? e.message : e); }});
</script></body></html>"##,
        script.display(),
        serde_json::to_string(code).unwrap()
    )
}

/// Runs Chromium headless on `html` with `what` (`--dump-dom` or `--screenshot=…`).
fn chromium_run(chromium: &Path, html: &Path, what: &str) -> String {
    let profile = html.with_extension("profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--window-size=760,540",
            what,
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("Chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "Chromium failed on {}: {}",
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Renders the first chart of `markdown` with `theme`; returns the PNG and the number of labels
/// on its time axis. Panics when Mermaid reports an error.
pub fn render(
    chromium: &Path,
    modules: &str,
    markdown: &Path,
    (theme, background): (&str, &str),
) -> (PathBuf, usize) {
    let text = std::fs::read_to_string(markdown).unwrap();
    let start = text.find("```mermaid\n").expect("a chart") + "```mermaid\n".len();
    let code = &text[start..start + text[start..].find("```").unwrap()];
    let stem = markdown.file_stem().unwrap().to_string_lossy();
    let html = markdown.with_file_name(format!("{stem}-{theme}.html"));
    std::fs::write(&html, page(modules, code, theme, background)).unwrap();
    let dom = chromium_run(chromium, &html, "--dump-dom");
    let title = dom
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(title, _)| title.to_string())
        .unwrap_or_default();
    let labels = title
        .strip_prefix("rendered ")
        .unwrap_or_else(|| panic!("{}: Mermaid did not render: {title}", html.display()));
    let png = html.with_extension("png");
    chromium_run(chromium, &html, &format!("--screenshot={}", png.display()));
    assert!(png.is_file(), "no screenshot at {}", png.display());
    (png, labels.parse().unwrap())
}
