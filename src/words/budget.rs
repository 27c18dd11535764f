//! The job summary's byte budget: the runner drops a summary over 1 MiB whole, so each section that can grow (the app's log, the timeline) keeps its end within a share of a budget well under that, and says what it cut.

use crate::ci::runner::SUMMARY_LIMIT;

/// The whole summary's budget: half the runner's limit, so that scrubbing, the legacy key's
/// breaking and anything else in the file never bring it near the limit.
pub const SUMMARY_BUDGET: usize = SUMMARY_LIMIT / 2;

/// The most the app's log may take, after escaping.
pub const LOG_BUDGET: usize = SUMMARY_BUDGET / 2;

/// The most the timeline's table may take.
pub const TIMELINE_BUDGET: usize = SUMMARY_BUDGET / 8;

/// What keeping the end of a list of rendered rows within a budget left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cut {
    /// Rows left out, from the start.
    pub rows: usize,
    /// Their bytes.
    pub bytes: usize,
}

/// Keeps the last rows of `rendered` whose bytes together fit `budget`; returns the index of
/// the first row kept and what was cut before it.
pub fn keep_end(rendered: &[String], budget: usize) -> (usize, Cut) {
    let mut used = 0;
    let mut first = rendered.len();
    while first > 0 && used + rendered[first - 1].len() <= budget {
        used += rendered[first - 1].len();
        first -= 1;
    }
    let bytes = rendered[..first].iter().map(String::len).sum();
    (first, Cut { rows: first, bytes })
}

/// `1.3 MiB`, `12 KiB`, `500 bytes`.
pub fn size_text(bytes: usize) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KiB", b.div_ceil(1024)),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use crate::words::budget::{keep_end, size_text, Cut};

    #[test]
    fn keeps_the_end_within_the_budget() {
        let rows: Vec<String> = ["aaaa", "bb", "cc", "d"].map(String::from).to_vec();
        assert_eq!(keep_end(&rows, 5), (1, Cut { rows: 1, bytes: 4 }));
        assert_eq!(keep_end(&rows, 100), (0, Cut::default()));
        assert_eq!(keep_end(&rows, 0), (4, Cut { rows: 4, bytes: 9 }));
        // A row over the budget ends the kept part even if an earlier one would fit.
        let rows: Vec<String> = ["a", "bbbbbbbb", "c"].map(String::from).to_vec();
        assert_eq!(keep_end(&rows, 3), (2, Cut { rows: 2, bytes: 9 }));
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(500), "500 bytes");
        assert_eq!(size_text(12 * 1024 - 3), "12 KiB");
        assert_eq!(size_text(1363149), "1.3 MiB");
    }
}
