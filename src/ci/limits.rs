//! The hosts' limits on what a step writes, and how each is kept: GitHub shows 10 error and 10 warning annotations per step and cuts each message at 4096 characters; GitLab takes a dotenv report of at most 5120 bytes and 20 variables; an output value stays far under the runner's 1 MB.

/// Annotations GitHub shows per step, for each of errors and warnings (notices likewise).
pub const ANNOTATIONS_PER_LEVEL: usize = 10;

/// Characters of an annotation's message GitHub keeps.
pub const ANNOTATION_CHARS: usize = 4096;

/// GitLab's default limits on a dotenv report (`dotenv_size`, `dotenv_variables`).
pub const DOTENV_BYTES: usize = 5120;
pub const DOTENV_VARIABLES: usize = 20;

/// The largest output value written: GitHub takes 1 MB a value, and a job's outputs share a
/// limit too, so a value this large is a runaway, not a result.
pub const OUTPUT_VALUE_BYTES: usize = 64 * 1024;

/// A message that fits [`ANNOTATION_CHARS`]: as it is, or its start and its end (where the
/// remedy is) around a note that says how much was cut and that the log has it whole.
pub fn fit_message(message: &str) -> Option<String> {
    let chars = message.chars().count();
    if chars <= ANNOTATION_CHARS {
        return None;
    }
    let (head, tail) = (ANNOTATION_CHARS / 2, ANNOTATION_CHARS * 2 / 5);
    let cut = chars - head - tail;
    let start: String = message.chars().take(head).collect();
    let end: String = message.chars().skip(chars - tail).collect();
    Some(format!(
        "{start} … [{cut} characters cut here: GitHub keeps {ANNOTATION_CHARS} of a message; the log has it whole] … {end}"
    ))
}

/// Our dotenv lines fitted to what the file already holds (`present`, another step's or an
/// earlier run's lines): while the whole is over either limit (bytes, or distinct names), the
/// longest of our lines is left out. Returns the file's new part and the names left out, with
/// their lines' sizes.
pub fn fit_dotenv(lines: &[(String, String)], present: &str) -> (String, Vec<(String, usize)>) {
    let mut kept: Vec<&(String, String)> = lines.iter().collect();
    let mut left_out = Vec::new();
    let names = dotenv_names(present);
    let over = |kept: &[&(String, String)]| {
        let bytes: usize = kept.iter().map(|(_, line)| line.len()).sum();
        let mut all = names.clone();
        all.extend(kept.iter().filter_map(|(_, line)| dotenv_name(line)));
        present.len() + bytes > DOTENV_BYTES || all.len() > DOTENV_VARIABLES
    };
    while over(&kept) {
        let Some(longest) = (0..kept.len()).max_by_key(|&i| kept[i].1.len()) else {
            break;
        };
        let (name, line) = kept.remove(longest);
        left_out.push((name.clone(), line.len()));
    }
    let text = kept.iter().map(|(_, line)| line.as_str()).collect();
    (text, left_out)
}

/// The distinct variable names of a dotenv text.
pub fn dotenv_names(text: &str) -> std::collections::BTreeSet<String> {
    text.lines().filter_map(dotenv_name).collect()
}

fn dotenv_name(line: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    line.split_once('=')
        .map(|(name, _)| name.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_keeps_its_start_and_its_end() {
        assert_eq!(fit_message(&"a".repeat(ANNOTATION_CHARS)), None);
        let long = format!("{}{}REMEDY", "s".repeat(3000), "m".repeat(5000));
        let fitted = fit_message(&long).unwrap();
        assert!(
            fitted.chars().count() <= ANNOTATION_CHARS,
            "{}",
            fitted.len()
        );
        assert!(fitted.starts_with("sss") && fitted.ends_with("mmmREMEDY"));
        assert!(fitted.contains("characters cut here"));
        // Characters, not bytes.
        let wide = "é".repeat(ANNOTATION_CHARS + 1);
        assert!(fit_message(&wide).unwrap().chars().count() <= ANNOTATION_CHARS);
    }

    fn line(name: &str, bytes: usize) -> (String, String) {
        let value = "x".repeat(bytes - name.len() - 2);
        (name.to_string(), format!("{name}={value}\n"))
    }

    #[test]
    fn the_dotenv_report_leaves_out_the_longest_lines_until_it_fits() {
        let lines = vec![line("A", 100), line("DELETED", 5200), line("B", 100)];
        let (text, out) = fit_dotenv(&lines, "");
        assert_eq!(out, [("DELETED".to_string(), 5200)]);
        assert_eq!((text.len(), dotenv_names(&text).len()), (200, 2));
        // What the file held already counts.
        let present = line("OTHER", 5000).1;
        let (_, out) = fit_dotenv(&[line("A", 100), line("B", 200)], &present);
        assert_eq!(out, [("B".to_string(), 200)]);
        let many: Vec<_> = (0..25).map(|i| line(&format!("V{i:02}"), 10)).collect();
        let (text, out) = fit_dotenv(&many, "X=1\n");
        assert_eq!((dotenv_names(&text).len(), out.len()), (19, 6));
        // An earlier run's lines of the same names are the same variables.
        let earlier: String = many[..19].iter().map(|(_, l)| l.as_str()).collect();
        let (_, out) = fit_dotenv(&many[..19], &earlier);
        assert!(out.is_empty());
    }
}
