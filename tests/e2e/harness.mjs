// A small test harness over playwright-core: Debian's Chromium, one browser, a fresh context per
// test, every request recorded. (playwright-core has no test runner of its own.)
import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(new URL("../..", import.meta.url).pathname);
export const RESULTS = join(ROOT, "test-results");
mkdirSync(RESULTS, { recursive: true });

/** The Chromium flags that work as root on these machines, with no background traffic. */
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

const tests = [];
/** Registers a test: `fn(t)` gets { browser, newPage, requests, server, baseUrl }. */
export function test(name, fn) {
  tests.push({ name, fn });
}

/** Every request any page made, across all tests: { url, test }. */
export const requests = [];

export async function run({ browser, baseUrl, filter }) {
  let passed = 0;
  const failed = [];
  for (const { name, fn } of tests) {
    if (filter && !name.includes(filter)) continue;
    const contexts = [];
    const newPage = async (options = {}) => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
      contexts.push(context);
      context.on("request", (request) => requests.push({ url: request.url(), test: name }));
      const page = await context.newPage();
      page.errors = [];
      page.on("pageerror", (error) => page.errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") page.errors.push(message.text());
      });
      return page;
    };
    const started = Date.now();
    try {
      await fn({ browser, newPage, baseUrl });
      passed += 1;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed.push(name);
      console.log(`FAIL ${name}\n     ${String(error.stack || error).split("\n").slice(0, 12).join("\n     ")}`);
    } finally {
      for (const context of contexts) await context.close().catch(() => {});
    }
  }
  console.log(`\n${passed} passed, ${failed.length} failed${failed.length ? ": " + failed.join("; ") : ""}`);
  return failed.length === 0;
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Fails with the first differing line when `actual` is not byte-identical to `expected`. */
export function assertSameText(actual, expected, what) {
  if (actual === expected) return;
  const a = actual.split("\n");
  const e = expected.split("\n");
  const at = a.findIndex((line, i) => line !== e[i]);
  const line = at === -1 ? Math.min(a.length, e.length) : at;
  throw new Error(
    `${what}: not byte-identical (${actual.length} vs ${expected.length} bytes); first difference at line ${line + 1}:\n` +
      `       page: ${JSON.stringify(a[line])}\n       cli:  ${JSON.stringify(e[line])}`
  );
}

/** Polls `probe` until it returns a truthy value, or fails with `message` after `ms`. */
export async function eventually(probe, message, ms = 5000) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    last = await probe();
    if (last) return last;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  throw new Error(`${message} (waited ${ms} ms; last: ${JSON.stringify(last)?.slice(0, 300)})`);
}

const CLI = process.env.MESHSIM_CLI || join(ROOT, "target", "release", "meshsim");

/** Runs `meshsim inject` on `text` with `args`; returns { stdout, stderr, status }. */
export function cliInject(text, args = []) {
  const dir = mkdtempSync(join(tmpdir(), "meshsim-e2e-"));
  const file = join(dir, "input.yaml");
  writeFileSync(file, text);
  const result = spawnSync(CLI, ["inject", "-f", file, ...args], { encoding: "utf8" });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}
