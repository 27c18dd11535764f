//! The deploy engine's scenarios: the whole deployment (version × lock × settle × steps × rollback × cancel) driven against an in-memory service on virtual time. Each scenario is a test of its own (`cargo test scenario_`): a `Plan` built from typed knobs, a starting world and what must come of it; each runs in milliseconds, however long the virtual waits.

mod aftercare;
mod answer;
mod app;
mod clock;
mod fake;
mod found;
mod harness;
mod health;
mod lock;
mod metric;
mod property;
mod resume;
mod rollout;
mod settle;
mod setup;
mod version;
