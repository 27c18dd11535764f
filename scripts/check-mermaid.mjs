// Parses every ```mermaid block of the given Markdown files with Mermaid's own parser (the npm
// package, under jsdom since it expects a browser), and fails on any syntax error.
// usage: node scripts/check-mermaid.mjs NODE_MODULES_DIR FILE...
import fs from "fs";
import path from "path";
import { pathToFileURL } from "url";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node scripts/check-mermaid.mjs NODE_MODULES_DIR FILE...");
  process.exit(2);
}
const load = (name, entry) => import(pathToFileURL(path.join(modules, name, entry)).href);
const { JSDOM } = await load("jsdom", "lib/api.js");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await load("mermaid", "dist/mermaid.core.mjs");

let blocks = 0;
let bad = 0;
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  for (const m of text.matchAll(/```mermaid\n([\s\S]*?)```/g)) {
    blocks += 1;
    try {
      await mermaid.parse(m[1]);
    } catch (e) {
      bad += 1;
      console.log(`${file}: ${String(e.message || e).split("\n").join(" | ")}`);
    }
  }
}
console.log(`mermaid: ${blocks} diagram(s) in ${files.length} file(s), ${bad} with errors`);
process.exit(bad === 0 && blocks > 0 ? 0 : 1);
