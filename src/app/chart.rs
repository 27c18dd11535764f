//! The rollout as a picture: a Mermaid line chart of the percentage serving over time, with the steps, a rollback or a failure named on the time axis where they happened. GitHub renders it in the job summary; the timeline table below it stays for screen readers and plain logs.

use crate::app::record::ChartPoint;
use crate::base::text::clock_text;

/// At most this many points: a long wait is thinned, keeping every marked point.
const MAX_POINTS: usize = 60;

/// Text Mermaid takes inside a quoted label: letters, digits, spaces and `: / % . - _ ( )`;
/// anything else (quotes, brackets, newlines, other scripts) becomes a space.
fn label(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " :/%.-_()".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined = words.join(" ");
    joined.chars().take(60).collect()
}

/// Keeps the marked points and an even spread of the rest, at most [`MAX_POINTS`].
fn thinned(points: &[ChartPoint]) -> Vec<&ChartPoint> {
    if points.len() <= MAX_POINTS {
        return points.iter().collect();
    }
    let marked = points.iter().filter(|p| p.mark.is_some()).count();
    let room = MAX_POINTS.saturating_sub(marked).max(1);
    let step = points.len().div_ceil(room);
    points
        .iter()
        .enumerate()
        .filter(|(i, p)| p.mark.is_some() || i % step == 0 || *i == points.len() - 1)
        .map(|(_, p)| p)
        .collect()
}

/// The chart as a fenced Mermaid block, or `None` with fewer than two points.
pub fn mermaid(points: &[ChartPoint], title: &str) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let points = thinned(points);
    // Categories must differ, or the points of one second would share a place on the axis.
    let mut seen: Vec<String> = Vec::new();
    let categories: Vec<String> = points
        .iter()
        .map(|p| {
            let time = clock_text(p.at);
            let mut text = match &p.mark {
                Some(mark) => label(&format!("{time} {mark}")),
                None => time,
            };
            let base = text.clone();
            let mut n = 1;
            while seen.contains(&text) {
                n += 1;
                text = format!("{base} ({n})");
            }
            seen.push(text.clone());
            format!("\"{text}\"")
        })
        .collect();
    let values: Vec<String> = points
        .iter()
        .map(|p| p.serving.min(100).to_string())
        .collect();
    Some(format!(
        "```mermaid\nxychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis \"serving (%)\" 0 --> 100\n    line [{}]\n```\n",
        label(title),
        categories.join(", "),
        values.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::app::chart::{label, mermaid};
    use crate::app::record::ChartPoint;

    fn point(secs: u64, serving: u8, mark: Option<&str>) -> ChartPoint {
        ChartPoint {
            at: Duration::from_secs(secs),
            target: None,
            serving,
            mark: mark.map(str::to_string),
        }
    }

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(label("a \"b\" [c]\n```\nd → e"), "a b c d e");
        assert_eq!(label("step 1/3 10%"), "step 1/3 10%");
    }

    #[test]
    fn a_chart_needs_two_points_and_keeps_every_mark_when_thinned() {
        assert_eq!(mermaid(&[point(0, 0, None)], "t"), None);
        let mut points = vec![point(0, 0, Some("step 1/2 10%"))];
        points.extend((1..200).map(|s| point(s, (s % 100) as u8, None)));
        points.push(point(200, 0, Some("rolled back to ver-1")));
        let chart = mermaid(&points, "ver-2 on prod").unwrap();
        assert!(chart.contains("\"00:00 step 1/2 10%\""), "{chart}");
        assert!(chart.contains("\"03:20 rolled back to ver-1\""), "{chart}");
        let line = chart
            .lines()
            .find(|l| l.trim_start().starts_with("line ["))
            .unwrap();
        assert!(line.matches(',').count() < 62, "{line}");
    }
}
