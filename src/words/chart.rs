//! The rollout as a picture: a Mermaid line chart of the share the steps asked for and the share actually serving, on a time axis that is proportional (the record is resampled onto even time steps) and ends where the run did; failures, rollbacks and a cancel are named in the title. GitHub renders it in the job summary; the timeline table below it stays for screen readers and plain logs.

use std::time::Duration;

use esa_engine::base::text::clock_text;

/// One point of the rollout chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPoint {
    /// Since the deployment started.
    pub at: Duration,
    /// The share a step now asks our version to serve, when one starts here.
    pub target: Option<u8>,
    /// The share our version serves, when a reading says so here.
    pub serving: Option<u8>,
    /// What happened here besides the steps: a failure, a rollback.
    pub mark: Option<String>,
}

/// Points a line is resampled to: enough for a smooth line, however long the run.
const SAMPLES: usize = 61;

/// The colours of the two series, through Mermaid's theme variables: the target in orange, the
/// share serving in blue. Both mid-tones read on GitHub's light and dark backgrounds.
const PALETTE: &str = "#f97316, #3b82f6";

/// The y-axis's title, which doubles as the legend (Mermaid's line charts have none).
const LEGEND: &str = "% of traffic: target orange, serving blue";

/// Text Mermaid takes inside a quoted title: letters, digits, spaces and `: / % . - _ ( ) →`;
/// anything else (quotes, brackets, newlines, other scripts) becomes a space.
fn label(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " :/%.-_(),→".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    words.join(" ").chars().take(120).collect()
}

/// The axis's end: the run's end, rounded up on a grid of two significant digits (at most a
/// tenth of the span later), so that the axis ends where the run did.
fn axis_max(span: f64) -> f64 {
    let span = span.max(0.1);
    let grid = 10f64.powf((span.log10() + 1e-9).floor() - 1.0);
    (span / grid - 1e-9).ceil() * grid
}

/// The unit of the time axis and how many seconds it holds: seconds for short runs, minutes,
/// then hours.
fn unit(span: Duration) -> (&'static str, f64) {
    match span.as_secs() {
        0..=120 => ("seconds", 1.0),
        121..=7200 => ("minutes", 60.0),
        _ => ("hours", 3600.0),
    }
}

/// The value of a series at `t`: the last value given at or before it (0 before the first).
fn at(points: &[ChartPoint], t: Duration, value: impl Fn(&ChartPoint) -> Option<u8>) -> u8 {
    points
        .iter()
        .take_while(|p| p.at <= t)
        .filter_map(value)
        .last()
        .unwrap_or(0)
        .min(100)
}

/// A number for the axis: at most three decimals, no trailing zeros (`1.5`, not
/// `1.5000000000000004`).
fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What happened besides the steps (those are the target line), for the title:
/// `RolloutTimeout at 01:05`.
fn events(points: &[ChartPoint]) -> Vec<String> {
    points
        .iter()
        .filter_map(|p| {
            p.mark
                .as_ref()
                .map(|m| format!("{m} at {}", clock_text(p.at)))
        })
        .collect()
}

/// The chart as a fenced Mermaid block, or `None` with fewer than two points. The title is
/// `title` (`ver-2 on prod`) when all went well, else `place` and what happened
/// (`prod: RolloutTimeout at 01:05, rolled back at 01:06`), short enough to fit the chart.
pub fn mermaid(points: &[ChartPoint], title: &str, place: &str) -> Option<String> {
    let end = points.last()?.at;
    if points.len() < 2 {
        return None;
    }
    let (unit, seconds) = unit(end);
    let max = axis_max(end.as_secs_f64() / seconds);
    let sample =
        |i: usize| Duration::from_secs_f64(max * seconds * i as f64 / (SAMPLES - 1) as f64);
    let series = |value: &dyn Fn(&ChartPoint) -> Option<u8>| -> String {
        let values: Vec<String> = (0..SAMPLES)
            .map(|i| at(points, sample(i), value).to_string())
            .collect();
        values.join(", ")
    };
    let target = series(&|p| p.target);
    let serving = series(&|p| p.serving);
    let happened = events(points);
    let heading = match happened.is_empty() {
        true => title.to_string(),
        false => format!("{place}: {}", happened.join(", ")),
    };
    Some(format!(
        "```mermaid\n%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{PALETTE}\"}}}}}}}}%%\nxychart-beta\n    title \"{}\"\n    x-axis \"{unit}\" 0 --> {}\n    y-axis \"{LEGEND}\" 0 --> 100\n    line [{target}]\n    line [{serving}]\n```\n",
        label(&heading),
        number(max)
    ))
}

/// The most readings a metric chart draws: the last ones.
const READINGS: usize = 30;

/// A field's readings as a small Mermaid line chart, readings numbered along the x-axis: the
/// threshold in orange and each value read in blue (a reading without data is left out).
/// `None` with fewer than two values.
pub fn readings(title: &str, threshold: f64, values: &[(usize, f64)]) -> Option<String> {
    if values.len() < 2 {
        return None;
    }
    let values = &values[values.len().saturating_sub(READINGS)..];
    let labels: Vec<String> = values.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let read: Vec<String> = values.iter().map(|(_, v)| number(*v)).collect();
    let line = vec![number(threshold); values.len()];
    Some(format!(
        "```mermaid\n%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{PALETTE}\"}}}}}}}}%%\nxychart-beta\n    title \"{}\"\n    x-axis \"reading\" [{}]\n    y-axis \"value: threshold orange, read blue\"\n    line [{}]\n    line [{}]\n```\n",
        label(title),
        labels.join(", "),
        line.join(", "),
        read.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::words::chart::{axis_max, label, mermaid, number, ChartPoint};

    fn point(secs: u64, target: Option<u8>, serving: Option<u8>, mark: Option<&str>) -> ChartPoint {
        ChartPoint {
            at: Duration::from_secs(secs),
            target,
            serving,
            mark: mark.map(str::to_string),
        }
    }

    #[test]
    fn titles_cannot_break_out_of_their_quotes() {
        assert_eq!(label("a \"b\" [c]\n```\nd → e"), "a b c d → e");
    }

    #[test]
    fn the_time_axis_ends_where_the_run_did() {
        for span in [
            0.15, 0.3, 1.0, 2.0, 5.02, 7.5, 10.0, 12.5, 20.0, 51.3, 59.0, 90.0, 119.0, 600.0,
        ] {
            let max = axis_max(span);
            assert!(max >= span, "{span} → {max}");
            assert!(
                max <= span.max(0.1) * 1.1 + 1e-9,
                "{span} → {max}: past the run's end"
            );
        }
        assert_eq!(
            (number(axis_max(51.3)), number(axis_max(5.02))),
            ("52".into(), "5.1".into())
        );
    }

    #[test]
    fn time_is_proportional_and_both_series_are_drawn() {
        // A step at 0 s to 20%, serving climbs; a long bake; a step at 600 s to 100%.
        let points = [
            point(0, Some(20), Some(0), None),
            point(10, None, Some(20), None),
            point(600, Some(100), Some(20), None),
            point(620, None, Some(100), None),
            point(640, Some(0), Some(0), Some("rolled back")),
        ];
        let chart = mermaid(&points, "ver-2 on prod", "prod").unwrap();
        // The run ended at 10:40: the axis ends at 11 minutes.
        assert!(chart.contains("x-axis \"minutes\" 0 --> 11\n"), "{chart}");
        let lines: Vec<Vec<u8>> = chart
            .lines()
            .filter_map(|l| l.trim().strip_prefix("line ["))
            .map(|l| {
                l.trim_end_matches(']')
                    .split(", ")
                    .map(|v| v.parse().unwrap())
                    .collect()
            })
            .collect();
        let [target, serving] = &lines[..] else {
            panic!("{chart}")
        };
        assert_eq!((target.len(), serving.len()), (61, 61));
        // 61 samples over 660 s: one each 11 s. The step at 600 s shows from sample 55
        // (605 s); the rollback at 640 s from sample 59 (649 s).
        assert_eq!(
            &target[53..61],
            &[20, 20, 100, 100, 100, 100, 0, 0],
            "{target:?}"
        );
        assert_eq!(&serving[0..2], &[0, 20], "{serving:?}");
        assert_eq!(&serving[55..60], &[20, 20, 100, 100, 0], "{serving:?}");
        assert!(
            chart.contains("title \"prod: rolled back at 10:40\""),
            "{chart}"
        );
        assert!(chart.contains("plotColorPalette"), "{chart}");
        assert_eq!(mermaid(&points[..1], "t", "p"), None);
    }
}
