//! One soak run: a random plan and its faults, the real binary run against a fresh stand-in, and what came of it checked against the stand-in's own record.

use std::path::Path;
use std::time::{Duration, Instant};

use esa_hosts::{Host, Step};
use esa_standin::{
    Config, Fault, Rollout, StandIn, DEMO_ACCESS_KEY_ID, DEMO_APP_ID, INITIAL_VERSION,
};

use crate::Rng;

/// The kinds of fault, in the table's order.
pub const FAULT_KINDS: &[&str] = &[
    "connection reset",
    "5xx",
    "throttling",
    "slow answer (no answer within the call's timeout)",
    "lost publish answer",
    "rollout stuck",
    "rollout rolled back by the service",
];

/// The version published, one of the stand-in's.
const OURS: &str = "ver-879626371616510001";

/// The calls a connection fault may hit.
const ACTIONS: &[&str] = &[
    "GetEdgeContainerAppStatus",
    "PublishEdgeContainerAppVersion",
    "RollbackEdgeContainerAppVersion",
    "GetEdgeContainerApp",
    "GetEdgeContainerStagingDeployStatus",
];

/// Each call's deadline, the rollout's wait and the bake, in the inputs and the bound.
const TIMEOUT: u64 = 3;
const WAIT_TIMEOUT: u64 = 4;
const STEP_WAIT_MS: u64 = 200;

/// One fault: its kind (an index of [`FAULT_KINDS`]), the call, and how many of that call
/// pass first.
#[derive(Debug, Clone)]
pub enum Injected {
    Call {
        kind: usize,
        action: &'static str,
        skip: usize,
    },
    Rollout {
        kind: usize,
        publish: usize,
        rollout: Rollout,
    },
}

impl Injected {
    pub fn kind(&self) -> usize {
        match self {
            Injected::Call { kind, .. } | Injected::Rollout { kind, .. } => *kind,
        }
    }
}

/// What one run asks for, and the faults it meets.
#[derive(Debug, Clone)]
pub struct Plan {
    pub staging: bool,
    pub steps: Vec<u8>,
    pub wait: bool,
    pub rollback: bool,
    pub faults: Vec<Injected>,
}

impl Plan {
    pub fn random(rng: &mut Rng) -> Plan {
        let steps = match rng.below(3) {
            0 => vec![],
            1 => vec![10, 100],
            _ => vec![20, 50, 100],
        };
        let publishes = steps.len().max(1) as u64;
        let faults = (0..1 + rng.below(4))
            .map(|_| fault(rng, publishes))
            .collect();
        Plan {
            staging: rng.one_in(3),
            wait: !steps.is_empty() || !rng.one_in(6),
            steps,
            rollback: rng.one_in(2),
            faults,
        }
    }

    /// Whether the service rolls a rollout back by itself in this plan.
    fn service_rolls_back(&self) -> bool {
        self.faults.iter().any(|f| {
            matches!(
                f,
                Injected::Rollout {
                    rollout: Rollout::RollbackAfter(_),
                    ..
                }
            )
        })
    }

    /// How many publishes the plan makes.
    pub fn publishes(&self) -> usize {
        self.steps.len().max(1)
    }

    /// The README's bound: `(12 + 3n)·T + (2 + n)·W + (n − 1)·B + (15 + 15n) s`.
    pub fn bound(&self) -> Duration {
        let n = self.publishes() as u64;
        Duration::from_secs((12 + 3 * n) * TIMEOUT + (2 + n) * WAIT_TIMEOUT + 15 + 15 * n)
            + Duration::from_millis((n - 1) * STEP_WAIT_MS)
    }

    fn inputs(&self, endpoint: &str) -> Vec<(&'static str, String)> {
        let mut inputs = vec![
            ("app-id", DEMO_APP_ID.to_string()),
            ("access-key-id", DEMO_ACCESS_KEY_ID.into()),
            ("access-key-secret", SECRET.into()),
            ("endpoint", endpoint.into()),
            ("version-id", OURS.into()),
            (
                "publish-env",
                if self.staging { "staging" } else { "prod" }.into(),
            ),
            ("wait", self.wait.to_string()),
            ("rollback-on-failure", self.rollback.to_string()),
            ("poll-interval", "100ms".into()),
            ("timeout", format!("{TIMEOUT}s")),
            ("wait-timeout", format!("{WAIT_TIMEOUT}s")),
            ("step-wait", format!("{STEP_WAIT_MS}ms")),
        ];
        if !self.steps.is_empty() {
            let steps: Vec<String> = self.steps.iter().map(u8::to_string).collect();
            inputs.push(("percentage-steps", steps.join(",")));
        }
        inputs
    }

    fn standin(&self) -> StandIn {
        let mut config = Config {
            accounts: vec![esa_standin::Account {
                access_key_id: DEMO_ACCESS_KEY_ID.into(),
                access_key_secret: SECRET.into(),
                security_token: None,
            }],
            ..Config::default()
        };
        for fault in &self.faults {
            if let Injected::Rollout {
                publish, rollout, ..
            } = fault
            {
                while config.rollouts.len() <= *publish {
                    config.rollouts.push(Rollout::Normal);
                }
                config.rollouts[*publish] = rollout.clone();
            }
        }
        let s = StandIn::start(config).expect("the stand-in starts");
        for fault in &self.faults {
            if let Injected::Call { kind, action, skip } = fault {
                s.push_faults_on_after(action, *skip, call_fault(*kind), 1);
            }
        }
        s
    }
}

fn fault(rng: &mut Rng, publishes: u64) -> Injected {
    let kind = rng.below(FAULT_KINDS.len() as u64) as usize;
    let publish = rng.below(publishes) as usize;
    match kind {
        5 => Injected::Rollout {
            kind,
            publish,
            rollout: Rollout::Stuck,
        },
        6 => Injected::Rollout {
            kind,
            publish,
            rollout: Rollout::RollbackAfter(1 + rng.below(3) as u32),
        },
        4 => Injected::Call {
            kind,
            action: "PublishEdgeContainerAppVersion",
            skip: publish,
        },
        3 => Injected::Call {
            kind,
            action: "GetEdgeContainerAppStatus",
            skip: rng.below(4) as usize,
        },
        _ => Injected::Call {
            kind,
            action: ACTIONS[rng.below(ACTIONS.len() as u64) as usize],
            skip: rng.below(3) as usize,
        },
    }
}

fn call_fault(kind: usize) -> Fault {
    match kind {
        0 => Fault::Reset,
        1 => Fault::api_error(503, "ServiceUnavailable", "The service is not available."),
        2 => Fault::api_error(
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
        ),
        3 => Fault::Hang,
        _ => Fault::CutOff,
    }
}

/// What one run came to, as checked.
#[derive(Debug, Default)]
pub struct Checked {
    pub result: String,
    pub publishes: usize,
    pub duplicates: usize,
    pub mismatch: Option<String>,
    pub secret_shown: bool,
    pub took: Duration,
}

/// The soak's AccessKey secret: characters that every encoding changes (URL, JSON, base64),
/// so that a secret printed in any of them is found.
pub const SECRET: &str = "soak secret/+&=\"ü";

/// Runs the binary for `plan` and checks it.
pub fn run(binary: &Path, plan: &Plan) -> Checked {
    let s = plan.standin();
    let step = plan
        .inputs(&s.url())
        .into_iter()
        .fold(Step::on(Host::Docker), |step, (k, v)| step.with(k, &v));
    let started = Instant::now();
    let run = step.run(binary);
    let took = started.elapsed();
    let outputs = run.outputs();
    let result = outputs.get("result").cloned().unwrap_or_default();
    let publishes = s.applied_publishes();
    let everything = run.everything();
    Checked {
        mismatch: mismatch(plan, &s, run.code, &outputs, publishes),
        duplicates: publishes.saturating_sub(plan.publishes()),
        secret_shown: encodings(SECRET)
            .iter()
            .any(|e| everything.contains(e.as_str())),
        result,
        publishes,
        took,
    }
}

/// The secret as it could be printed: raw, URL-encoded (with `%20` or `+`), inside a JSON
/// string (non-ASCII raw or escaped), and in base64 (standard and URL-safe).
pub fn encodings(secret: &str) -> Vec<String> {
    let url: String = secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect();
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    // JSON with every non-ASCII character escaped, as many encoders write it.
    let json_ascii: String = json
        .chars()
        .map(|c| match c.is_ascii() {
            true => c.to_string(),
            false => c
                .encode_utf16(&mut [0; 2])
                .iter()
                .map(|u| format!("\\u{u:04x}"))
                .collect(),
        })
        .collect();
    let standard = base64::engine::general_purpose::STANDARD;
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    vec![
        secret.to_string(),
        url.replace("%20", "+"),
        url,
        json,
        json_ascii,
        base64::Engine::encode(&standard, secret)
            .trim_end_matches('=')
            .to_string(),
        base64::Engine::encode(&url_safe, secret),
    ]
}

/// What the stand-in's record says of the run: the calls it received, in order.
struct Record {
    requests: Vec<esa_standin::Received>,
}

impl Record {
    fn of(&self, action: &str) -> impl Iterator<Item = (usize, &esa_standin::Received)> {
        let action = action.to_string();
        self.requests
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.action.as_deref() == Some(action.as_str()))
    }

    /// Whether a call was applied: answered, or its answer lost after it was.
    fn applied(r: &esa_standin::Received) -> bool {
        r.status == 200 && !matches!(r.fault.as_deref(), Some("refused" | "reset"))
    }

    /// Where the first publish that took effect is, if one did.
    fn first_applied_publish(&self) -> Option<usize> {
        self.of("PublishEdgeContainerAppVersion")
            .find(|(_, r)| Record::applied(r))
            .map(|(i, _)| i)
    }

    /// Whether a status read met a fault after a publish had taken effect or had lost its
    /// answer: then, and only then, may the run not know how it ended.
    fn status_fault_after_publish(&self) -> bool {
        // After a publish that took effect, or one whose answer never came (a reset: the run
        // cannot know it was not applied, and a status it cannot read cannot tell it).
        let first = self.first_applied_publish().or_else(|| {
            self.of("PublishEdgeContainerAppVersion")
                .find(|(_, r)| r.fault.is_some())
                .map(|(i, _)| i)
        });
        let Some(first) = first else {
            return false;
        };
        self.of("GetEdgeContainerAppStatus")
            .any(|(i, r)| i > first && r.fault.is_some())
    }

    /// Whether the run's last status reading came after its last publish and answered.
    fn last_reading_answered(&self) -> bool {
        let last_publish = self
            .of("PublishEdgeContainerAppVersion")
            .map(|(i, _)| i)
            .last();
        let last_read = self.of("GetEdgeContainerAppStatus").last();
        match (last_publish, last_read) {
            (Some(p), Some((i, r))) => i > p && r.fault.is_none() && r.status == 200,
            _ => false,
        }
    }

    fn rollback_applied(&self) -> bool {
        self.of("RollbackEdgeContainerAppVersion")
            .any(|(_, r)| Record::applied(r))
    }
}

/// How the run's exit code and outputs disagree with what the stand-in holds and received,
/// if they do. Each result is allowed only where the record makes it true.
fn mismatch(
    plan: &Plan,
    s: &StandIn,
    code: i32,
    outputs: &std::collections::BTreeMap<String, String>,
    publishes: usize,
) -> Option<String> {
    let env = if plan.staging { "staging" } else { "prod" };
    let state = s.app_state(DEMO_APP_ID, env).unwrap_or_default();
    let record = Record {
        requests: s.requests(),
    };
    let result = outputs.get("result").map(String::as_str).unwrap_or("");
    let ours_in_front = state.publishing_version == OURS || state.deployed_version == OURS;
    let last = plan.steps.last().copied().unwrap_or(100);
    let serves_last = state.publish_status == "published"
        && ours_in_front
        && state.publish_percentage == u32::from(last);
    let went_back =
        state.publish_status.starts_with("rollback") && state.deployed_version == INITIAL_VERSION;
    let rolled_back = went_back && record.rollback_applied();
    // A rollback of ours whose answer was lost, met by the service's own, is said as "going
    // back": no reading can tell the two apart, and the app does go back.
    let went_back_by_either = rolled_back || (went_back && plan.service_rolls_back());
    let agrees = match result {
        "published" => plan.wait && serves_last,
        "accepted" => !plan.wait && publishes >= 1 && ours_in_front,
        "rolled-back" => plan.rollback && went_back_by_either,
        "failed" => publishes >= 1 && !serves_last && !rolled_back,
        "not-published" => publishes == 0,
        "unknown" => record.status_fault_after_publish(),
        _ => false,
    };
    let code_agrees = (code == 0) == matches!(result, "published" | "accepted");
    let deployed = outputs.get("deployed-version").filter(|v| !v.is_empty());
    let deployed_agrees = match (deployed, plan.wait && record.last_reading_answered()) {
        (Some(v), _) => *v == state.deployed_version,
        (None, required) => !required,
    };
    match agrees && code_agrees && deployed_agrees {
        true => None,
        false => Some(format!(
            "exit {code}, result `{result}`, deployed-version {deployed:?}, {publishes} publishes applied; the stand-in holds {} {}% publishing `{}` deployed `{}`",
            state.publish_status, state.publish_percentage, state.publishing_version, state.deployed_version
        )),
    }
}
