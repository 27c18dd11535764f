//! What every handler of the stand-in checks and shares: the request as it came, the refusal it answers with, where each parameter must be, the method, that the app exists, and each app environment's simulated state.

use std::collections::BTreeMap;

use crate::{AppState, State};

/// A request as it came off the socket.
pub struct Incoming {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// An error answer: HTTP status, Code, Message.
pub(crate) struct Refusal(pub u16, pub &'static str, pub String);

pub(crate) fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal(status, code, message.into())
}

/// Every parameter where the official SDK sends it (query or form body), and `required` ones
/// present: the stand-in is stricter than the service here, to catch a misplaced parameter.
pub(crate) fn check_placement(
    query: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    in_query: &[&str],
    in_body: &[&str],
    required: &[&str],
) -> Result<(), Refusal> {
    let misplaced = |k: &String, here: &[&str], there: &[&str], place: &str, other: &str| {
        (!here.contains(&k.as_str())).then(|| {
            let hint = if there.contains(&k.as_str()) {
                format!(" (the official SDK sends it in the {other})")
            } else {
                String::new()
            };
            refuse(
                400,
                "InvalidParameter",
                format!("Unexpected {place} parameter {k}{hint}."),
            )
        })
    };
    for k in query.keys() {
        if let Some(refusal) = misplaced(k, in_query, in_body, "query", "form body") {
            return Err(refusal);
        }
    }
    for k in form.keys() {
        if let Some(refusal) = misplaced(k, in_body, in_query, "form", "query") {
            return Err(refusal);
        }
    }
    match required
        .iter()
        .find(|k| !query.contains_key(**k) && !form.contains_key(**k))
    {
        Some(k) => Err(refuse(
            400,
            "MissingParameter",
            format!("{k} is mandatory for this action."),
        )),
        None => Ok(()),
    }
}

pub(crate) fn check_method(method: &str, want: &str) -> Result<(), Refusal> {
    if method == want {
        Ok(())
    } else {
        Err(refuse(
            400,
            "InvalidParameter",
            format!("This action is called with {want}, as the official SDK does."),
        ))
    }
}

pub(crate) fn known_app(state: &State, app: &str) -> Result<(), Refusal> {
    if state.config.apps.iter().any(|a| a == app) {
        Ok(())
    } else {
        Err(refuse(404, "InvalidApp.NotFound", "The application does not exist. Check whether the application ID you specified is correct and try again."))
    }
}

pub(crate) fn app_key(app: &str, env: &str) -> String {
    format!("{app}/{env}")
}

pub(crate) fn app_entry<'a>(state: &'a mut State, app: &str, env: &str) -> &'a mut AppState {
    let mut initial = state.config.initial.clone();
    if let Some(staging) = initial.staging_version.take().filter(|_| env == "staging") {
        initial.deployed_version = staging;
    }
    state.apps.entry(app_key(app, env)).or_insert_with(|| {
        match (initial.busy, initial.rolling_back) {
            (_, Some(polls)) => AppState {
                publish_status: "rollbacking".into(),
                publish_percentage: 0,
                expect_percentage: 100,
                publishing_version: "ver-444444444444444444".into(),
                deployed_version: initial.deployed_version.clone(),
                baseline_version: initial.deployed_version.clone(),
                base: initial.deployed_version.clone(),
                rollback_time: "2026-01-01T00:00:00.000Z".into(),
                staging_phase: "Running".into(),
                busy_polls_left: Some(polls),
                ..AppState::default()
            },
            (Some((version, polls)), None) => AppState {
                publish_status: "publishing".into(),
                publish_percentage: 10,
                expect_percentage: 100,
                publishing_version: version,
                deployed_version: initial.deployed_version.clone(),
                baseline_version: initial.deployed_version.clone(),
                base: initial.deployed_version.clone(),
                staging_phase: "Running".into(),
                busy_polls_left: Some(polls),
                ..AppState::default()
            },
            (None, None) => AppState {
                publish_status: "published".into(),
                publish_percentage: 100,
                expect_percentage: 100,
                deployed_version: initial.deployed_version.clone(),
                baseline_version: initial.deployed_version,
                staging_phase: "Running".into(),
                ..AppState::default()
            },
        }
    })
}
