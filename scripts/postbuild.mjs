// Trunk post_build hook (see Trunk.toml): finishes dist/ in Trunk's staging folder.
// 1. Trunk writes its loader as an inline <script type="module">; the page's Content-Security-Policy
//    allows scripts from 'self' only, so the hash of each inline script is added to script-src.
// 2. www/sw.js gets the build's file list and a version, so the service worker caches this build.
// 0. Before both: the wasm's imports get short names and the JS glue is minified (scripts/glue.mjs),
//    and the glue's integrity hash in index.html is updated.
import { createHash } from "node:crypto";
import { renameImports, shrinkGlue } from "./glue.mjs";
import { minify } from "terser";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("postbuild: TRUNK_STAGING_DIR is not set (run through trunk build)");
  process.exit(1);
}
const source = process.env.TRUNK_SOURCE_DIR || process.cwd();

const sha256 = (text) => "'sha256-" + createHash("sha256").update(text, "utf8").digest("base64") + "'";

const htmlPath = join(staging, "index.html");
let html = readFileSync(htmlPath, "utf8");

for (const wasmName of readdirSync(staging).filter((name) => name.endsWith("_bg.wasm"))) {
  const jsName = wasmName.replace(/_bg\.wasm$/, ".js");
  const wasmPath = join(staging, wasmName);
  const jsPath = join(staging, jsName);
  const original = readFileSync(wasmPath);
  // The module name wasm-bindgen gave the glue, before Trunk added its file hash.
  const glueModule = new TextDecoder().decode(original).match(/\.\/[\w.-]+_bg\.js/)?.[0];
  if (!glueModule) {
    console.error(`postbuild: ${wasmName} imports nothing from a wasm-bindgen glue module`);
    process.exit(1);
  }
  const { wasm, renames } = renameImports(original, glueModule);
  const js = await shrinkGlue(readFileSync(jsPath, "utf8"), glueModule, renames);
  writeFileSync(wasmPath, wasm);
  writeFileSync(jsPath, js);
  // Trunk's <link rel=modulepreload> carries the glue's sha384: it must match the new text.
  const integrity = "sha384-" + createHash("sha384").update(js, "utf8").digest("base64");
  html = html.replace(/<link\b[^>]*>/g, (tag) =>
    tag.includes(jsName) ? tag.replace(/integrity=("[^"]*"|[^\s>]+)/, `integrity=${integrity}`) : tag);
  console.log(`postbuild: ${renames.size} import and export names shortened in ${wasmName} (${original.length} -> ${wasm.length} B), ${jsName} minified to ${js.length} B`);
}
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]));
if (hashes.length === 0) {
  console.error("postbuild: no inline loader script found in index.html");
  process.exit(1);
}
html = html.replace(/script-src 'self'/, "script-src 'self' " + hashes.join(" "));
if (!html.includes(hashes[0])) {
  console.error("postbuild: the Content-Security-Policy has no script-src 'self' to extend");
  process.exit(1);
}
// Chromium ignores (and warns about) integrity on fetch preloads: drop it there.
// (Trunk's minified HTML may leave attributes unquoted, in any order.)
html = html.replace(/<link\b[^>]*>/g, (tag) =>
  /\brel="?preload\b/.test(tag) ? tag.replace(/\s+integrity=("[^"]*"|[^\s>]+)/, "") : tag);
writeFileSync(htmlPath, html);

const files = readdirSync(staging).filter((name) => /\.(html|js|wasm|css)$/.test(name) && name !== "sw.js").sort();
const assets = ["./", ...files.map((name) => "./" + name)];
const version = createHash("sha256").update(files.join("\n") + html).digest("hex").slice(0, 16);
const worker = readFileSync(join(source, "www", "sw.js"), "utf8")
  .replace("__VERSION__", version)
  .replace("__ASSETS__", JSON.stringify(assets));
writeFileSync(join(staging, "sw.js"), (await minify(worker, { compress: true, mangle: true })).code);
console.log(`postbuild: ${hashes.length} inline script hash(es) in the CSP; sw.js caches ${assets.length} entries (version ${version})`);
