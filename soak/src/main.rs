//! The fault soak: the real binary, run RUNS times as the Actions runner runs the Docker action, each time against a fresh stand-in with random faults (connection resets, 5xx, throttling, slow answers, lost publish answers, a rollout stuck or rolled back), each run checked against the stand-in's own record; then one table of figures. `esa-soak [RUNS] [--seed N] [--binary PATH]`; exit 1 on any duplicate publish, outcome mismatch, secret in an output, or run past its bound.

mod run;

use std::path::PathBuf;
use std::time::Duration;

use run::{Checked, Plan, FAULT_KINDS};

/// A small deterministic generator (xorshift64*), so that a seed replays a soak.
pub struct Rng(u64);

impl Rng {
    pub fn draw(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.draw() % n.max(1)
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

struct Args {
    runs: usize,
    seed: u64,
    binary: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        runs: 300,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64 | 1),
        binary: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/debug/esa-publish"),
    };
    let mut given = std::env::args().skip(1);
    while let Some(arg) = given.next() {
        match arg.as_str() {
            "--seed" => args.seed = number(given.next())?.max(1),
            "--binary" => args.binary = given.next().ok_or("--binary needs a path")?.into(),
            runs => args.runs = number(Some(runs.to_string()))? as usize,
        }
    }
    Ok(args)
}

fn number(value: Option<String>) -> Result<u64, String> {
    let value = value.ok_or("a number is missing")?;
    value
        .parse()
        .map_err(|_| format!("`{value}` is not a number"))
}

/// The figures of the whole soak.
#[derive(Default)]
struct Totals {
    runs: usize,
    faults: [usize; FAULT_KINDS.len()],
    publishes: usize,
    duplicates: usize,
    mismatches: usize,
    secrets: usize,
    past_bound: usize,
    results: std::collections::BTreeMap<String, usize>,
    longest: (Duration, Duration, usize),
}

impl Totals {
    fn add(&mut self, n: usize, plan: &Plan, c: &Checked) {
        self.runs += 1;
        for (count, kind) in self.faults.iter_mut().zip(0..) {
            *count += plan.faults.iter().filter(|f| f.kind() == kind).count();
        }
        self.publishes += c.publishes;
        self.duplicates += c.duplicates;
        self.mismatches += usize::from(c.mismatch.is_some());
        self.secrets += usize::from(c.secret_shown);
        self.past_bound += usize::from(c.took > plan.bound());
        *self.results.entry(c.result.clone()).or_default() += 1;
        if c.took > self.longest.0 {
            self.longest = (c.took, plan.bound(), n);
        }
    }

    fn failed(&self) -> bool {
        self.duplicates + self.mismatches + self.secrets + self.past_bound > 0
    }

    fn print(&self, seed: u64) {
        println!("| fault soak (seed {seed}) | |\n|---|---|");
        println!("| runs | {} |", self.runs);
        for (kind, count) in FAULT_KINDS.iter().zip(self.faults) {
            println!("| faults: {kind} | {count} |");
        }
        println!("| publishes applied | {} |", self.publishes);
        println!("| duplicate publishes | {} |", self.duplicates);
        println!("| outcome mismatches | {} |", self.mismatches);
        println!("| secrets in an output | {} |", self.secrets);
        let results: Vec<String> = self
            .results
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        println!("| results | {} |", results.join(", "));
        let (took, bound, run) = self.longest;
        println!(
            "| longest run (its bound) | {:.1} s (bound {} s), run {run} |",
            took.as_secs_f64(),
            bound.as_secs()
        );
        println!("| runs past their bound | {} |", self.past_bound);
    }
}

fn main() {
    let args = match args() {
        Ok(args) => args,
        Err(why) => {
            eprintln!("esa-soak: {why}\nusage: esa-soak [RUNS] [--seed N] [--binary PATH]");
            std::process::exit(2);
        }
    };
    if !args.binary.exists() {
        eprintln!(
            "esa-soak: no binary at {} (cargo build first)",
            args.binary.display()
        );
        std::process::exit(2);
    }
    let mut rng = Rng(args.seed);
    let mut totals = Totals::default();
    for n in 1..=args.runs {
        let plan = Plan::random(&mut rng);
        let checked = run::run(&args.binary, &plan);
        if let Some(why) = &checked.mismatch {
            println!("run {n}: MISMATCH {why}\n  plan: {plan:?}");
        }
        if checked.duplicates > 0 || checked.secret_shown || checked.took > plan.bound() {
            println!("run {n}: {checked:?}\n  plan: {plan:?}");
        }
        totals.add(n, &plan, &checked);
    }
    totals.print(args.seed);
    std::process::exit(i32::from(totals.failed()));
}
