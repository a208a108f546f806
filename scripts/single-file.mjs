// Builds one self-contained HTML file from dist/: the CSS inlined, the wasm-bindgen glue inlined
// as a module script, the wasm embedded as base64 and handed to the glue's init function.
// Such a file works from file:// with no browser flags (no fetch, no module import).
// Usage: node scripts/single-file.mjs DIST OUT
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [dist = "dist", out = join(dist, "meshsim-inject.html")] = process.argv.slice(2);
const files = readdirSync(dist);
const pick = (pattern, what) => {
  const found = files.filter((name) => pattern.test(name));
  if (found.length !== 1) {
    console.error(`single-file: expected one ${what} in ${dist}, found ${found.length}`);
    process.exit(1);
  }
  return readFileSync(join(dist, found[0]));
};
const css = pick(/^app-.*\.css$/, "stylesheet").toString("utf8");
const glue = pick(/^meshsim-web-[0-9a-f]+\.js$/, "wasm-bindgen glue").toString("utf8");
const wasm = pick(/^meshsim-web-[0-9a-f]+_bg\.wasm$/, "wasm module");
let html = readFileSync(join(dist, "index.html"), "utf8");

// The glue is an ES module (minified by scripts/glue.mjs): inline, its export list is dropped and
// the function it exports as `default` (wasm-bindgen's __wbg_init) is called with the bytes.
const exportList = /\bexport\s*\{([^}]*)\};?/;
const specifiers = glue.match(exportList)?.[1].split(",").map((s) => s.trim().split(/\s+as\s+/)) ?? [];
const init = specifiers.find(([, exported]) => exported === "default")?.[0];
const exportsRemoved = glue.replace(exportList, "");
if (!init || /\bexport\b[\s{*]/.test(exportsRemoved)) {
  console.error("single-file: the wasm-bindgen glue has an unexpected shape (one export list with a default)");
  process.exit(1);
}
const loader = `${exportsRemoved}
const bytes = Uint8Array.from(atob("${wasm.toString("base64")}"), (c) => c.charCodeAt(0));
await ${init}({ module_or_path: bytes });
`;

const sha256 = (text) => "'sha256-" + createHash("sha256").update(text, "utf8").digest("base64") + "'";
const csp = [
  "default-src 'none'",
  `script-src ${sha256(loader)} 'wasm-unsafe-eval'`,
  `style-src ${sha256(css)}`,
  "img-src data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const count = (re) => (html.match(re) || []).length;
// Trunk's minified HTML may leave attributes unquoted and in any order: match tags loosely.
const stylesheet = /<link\b[^>]*\brel="?stylesheet\b[^>]*>/;
const preloads = /<link\b[^>]*\brel="?(modulepreload|preload)\b[^>]*>/g;
const policy = /<meta\b[^>]*Content-Security-Policy[^>]*>/;
if (count(/<script\b/g) !== 1 || count(new RegExp(stylesheet, "g")) !== 1 || count(new RegExp(policy, "g")) !== 1) {
  console.error("single-file: index.html does not have the shape Trunk writes (one loader, one stylesheet, one policy)");
  process.exit(1);
}
html = html
  .replace(policy, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`)
  .replace(stylesheet, () => `<style>${css}</style>`)
  .replace(preloads, "")
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>/, () => `<script type="module">${loader}</script>`)
  .replace(/<html\b/, "<html data-single-file");
if (!html.includes(sha256(loader).slice(1, 20))) {
  console.error("single-file: index.html has no Content-Security-Policy meta to replace");
  process.exit(1);
}
writeFileSync(out, html);
console.log(`single-file: wrote ${out} (${html.length} bytes)`);
