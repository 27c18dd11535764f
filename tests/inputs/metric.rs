//! The metric gate's inputs: what `metric-gate`, `metric-failures` and `metric-gate-mode` may be, each bad line refused with its number and why, and the settings that act only with a gate.

use esa_engine::deploy::checks::metric::{GateMode, Op};
use esa_engine::esa::stats::Field;

use crate::{ok, rejected};

const FOLLOWED: (&str, &str) = ("INPUT_WAIT", "true");

/// The problems of a run with this gate, as `(input, message)`.
fn problems(gate: &str, extra: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut vars = vec![FOLLOWED, ("INPUT_METRIC-GATE", gate)];
    vars.extend_from_slice(extra);
    rejected(&vars)
        .errors
        .into_iter()
        .map(|p| (p.input, p.message))
        .collect()
}

#[test]
fn a_gate_of_several_lines_is_read_in_order_blank_lines_skipped() {
    let c = ok(&[
        FOLLOWED,
        (
            "INPUT_METRIC-GATE",
            "pod_ready_rate >= 99\n\n  container_memory_rss_quota_rate < 90.5  \ncontainer_cpu_usage_seconds_quota_rate <= 0.8\ncontainer_fs_writes_bytes_avg > -1",
        ),
        ("INPUT_METRIC-FAILURES", "5"),
        ("INPUT_METRIC-GATE-MODE", "observe"),
    ]);
    let gate = c.metric.expect("a gate");
    let read: Vec<(Field, Op, f64)> = gate
        .conditions
        .iter()
        .map(|c| (c.field, c.op, c.threshold))
        .collect();
    assert_eq!(
        read,
        [
            (Field::PodReadyRate, Op::AtLeast, 99.0),
            (Field::MemoryQuotaRate, Op::Below, 90.5),
            (Field::CpuQuotaRate, Op::AtMost, 0.8),
            (Field::FsWrites, Op::Above, -1.0),
        ]
    );
    assert_eq!((gate.failures, gate.mode), (5, GateMode::Observe));
    // The defaults: three readings in a row, enforced; the plan carries the gate as a check.
    let c = ok(&[FOLLOWED, ("INPUT_METRIC-GATE", "pod_ready_rate >= 99")]);
    let gate = c.metric.clone().unwrap();
    assert_eq!((gate.failures, gate.mode), (3, GateMode::Enforce));
    assert_eq!(
        c.plan(esa_engine::deploy::plan::Mode::Deploy).metric(),
        Some(&gate)
    );
}

#[test]
fn each_bad_line_is_refused_with_its_number_and_why() {
    let found = problems(
        "pod_ready >= 99\npod_ready_rate => 99\npod_ready_rate >= lots\npod_ready_rate >= NaN\npod_ready_rate >= 99 %\npod_ready_rate>=99",
        &[],
    );
    let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert!(
        found.iter().all(|(input, _)| *input == "metric-gate"),
        "{found:?}"
    );
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(
        messages[0].contains("line 1") && messages[0].contains("did you mean `pod_ready_rate`?")
    );
    assert!(
        messages[0].ends_with(
            "The fields: pod_ready_rate, container_cpu_usage_seconds_quota_rate, \
             container_cpu_usage_seconds_total, container_memory_rss, \
             container_memory_rss_quota_rate, container_fs_reads_bytes_avg, \
             container_fs_writes_bytes_avg"
        ),
        "an unknown field lists every field: {}",
        messages[0]
    );
    assert!(messages[1].contains("line 2") && messages[1].contains("`=>` is no comparison"));
    assert!(messages[2].contains("line 3") && messages[2].contains("`lots` is not a number"));
    assert!(messages[3].contains("line 4") && messages[3].contains("`NaN` is not a number"));
    assert!(messages[4].contains("line 5") && messages[4].contains("is not `FIELD OP NUMBER`"));
    assert!(messages[5].contains("line 6") && messages[5].contains("is not `FIELD OP NUMBER`"));
}

#[test]
fn a_gate_needs_a_followed_rollout() {
    let found = rejected(&[
        ("INPUT_WAIT", "false"),
        ("INPUT_METRIC-GATE", "pod_ready_rate >= 99"),
    ]);
    assert_eq!(found.errors.len(), 1, "{found:?}");
    assert_eq!(found.errors[0].input, "metric-gate");
    assert!(found.errors[0].message.contains("add `wait: true`"));
    // Steps are followed.
    ok(&[
        ("INPUT_PERCENTAGE-STEPS", "50,100"),
        ("INPUT_METRIC-GATE", "pod_ready_rate >= 99"),
    ]);
}

#[test]
fn the_limit_and_the_mode_hold_on_both_sides() {
    let gate = "pod_ready_rate >= 99";
    for good in ["1", "100"] {
        ok(&[
            FOLLOWED,
            ("INPUT_METRIC-GATE", gate),
            ("INPUT_METRIC-FAILURES", good),
        ]);
    }
    for bad in ["0", "101", "three"] {
        let found = problems(gate, &[("INPUT_METRIC-FAILURES", bad)]);
        assert_eq!(
            found.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            ["metric-failures"],
            "{bad}"
        );
    }
    for bad in ["warn", "Observe", "off"] {
        let found = problems(gate, &[("INPUT_METRIC-GATE-MODE", bad)]);
        assert_eq!(
            found.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            ["metric-gate-mode"],
            "{bad}"
        );
    }
}

#[test]
fn the_gate_s_settings_without_a_gate_are_refused_and_their_defaults_are_not() {
    // The runner passes each default as if written: the defaults alone are no choice.
    ok(&[
        ("INPUT_METRIC-FAILURES", "3"),
        ("INPUT_METRIC-GATE-MODE", "enforce"),
    ]);
    for (var, value, input) in [
        ("INPUT_METRIC-FAILURES", "5", "metric-failures"),
        ("INPUT_METRIC-GATE-MODE", "observe", "metric-gate-mode"),
    ] {
        let found = rejected(&[(var, value)]);
        assert_eq!(found.errors.len(), 1, "{found:?}");
        assert_eq!(found.errors[0].input, input);
        assert!(
            found.errors[0]
                .message
                .contains("acts only with `metric-gate`"),
            "{found:?}"
        );
    }
}
