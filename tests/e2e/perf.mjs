// Measures what the page costs: the size of every file it loads (raw, gzip -9, brotli q11),
// first paint of #/inject (navigation start → app mounted, median of 10 cold loads), and the
// output refresh after a keystroke on the largest sample (median of 20).
// Usage: node tests/e2e/perf.mjs [--check]   (--check fails when a budget is missed)
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { join } from "node:path";
import { launch, ROOT, RESULTS } from "./harness.mjs";
import { serve } from "../../scripts/serve.mjs";

const BUDGET = { brotliKB: 150, firstPaintMs: 300, refreshMs: 16 };
const DIST = join(ROOT, "dist");
const check = process.argv.includes("--check");
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kb = (n) => (n / 1024).toFixed(1);

// Sizes of what the page loads.
const loaded = readdirSync(DIST).filter((name) => /\.(html|js|wasm|css)$/.test(name) && name !== "meshsim-inject.html").sort();
const rows = loaded.map((name) => {
  const bytes = readFileSync(join(DIST, name));
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
});
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const single = readFileSync(join(DIST, "meshsim-inject.html"));

const lines = [];
const say = (line = "") => { lines.push(line); console.log(line); };
say("## Sizes (what the page loads from dist/)");
say("| file | raw B | gzip -9 B | brotli q11 B |");
say("| --- | ---: | ---: | ---: |");
for (const r of rows) say(`| ${r.name} | ${r.raw} | ${r.gzip} | ${r.brotli} |`);
say(`| **total** | ${total.raw} (${kb(total.raw)} KB) | ${total.gzip} (${kb(total.gzip)} KB) | ${total.brotli} (${kb(total.brotli)} KB) |`);
say(`single file meshsim-inject.html: ${single.length} B raw, ${gzipSync(single, { level: 9 }).length} B gzip, ${brotliCompressSync(single).length} B brotli`);

const server = await serve(DIST, 0);
const url = `http://127.0.0.1:${server.address().port}/#/inject`;
const browser = await launch();
try {
  // First paint: a new context each time (no HTTP cache, no service worker).
  const mounted = [], fcp = [], started = [], output = [];
  for (let i = 0; i < 11; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName("app-mounted").length > 0);
    await page.waitForFunction(() => performance.getEntriesByName("first-output").length > 0);
    await page.waitForFunction(() => performance.getEntriesByType("paint").some((e) => e.name === "first-contentful-paint"), null, { timeout: 2000 }).catch(() => {});
    const [m, f, w, o] = await page.evaluate(() => [
      performance.getEntriesByName("app-mounted")[0].startTime,
      performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      performance.getEntriesByName("wasm-started")[0]?.startTime ?? NaN,
      performance.getEntriesByName("first-output")[0]?.startTime ?? NaN,
    ]);
    if (i > 0) { mounted.push(m); fcp.push(f); started.push(w); output.push(o); } // The first load warms the OS and the server; it is not counted.
    await context.close();
  }
  // Warm loads: the same context, served by the service worker.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const warm = [];
  for (let i = 0; i < 10; i += 1) {
    await page.reload();
    await page.waitForFunction(() => performance.getEntriesByName("app-mounted").length > 0);
    warm.push(await page.evaluate(() => performance.getEntriesByName("app-mounted")[0].startTime));
  }

  // Refresh after a keystroke on the largest sample: each keystroke, then the debounced run.
  const options = await page.evaluate(() =>
    [...document.querySelectorAll("[data-testid=inject-sample] option")].filter((o) => o.value).map((o) => [o.value, o.dataset.path]));
  let biggest = null;
  for (const [id, path] of options) {
    const size = readFileSync(join(ROOT, path)).length;
    if (!biggest || size > biggest.size) biggest = { id, size };
  }
  await page.selectOption("[data-testid=inject-sample]", biggest.id);
  await page.click("[data-testid=inject-input]");
  await page.keyboard.press("Control+End");
  await page.evaluate(() => {
    window.__slowEvents = [];
    new PerformanceObserver((list) => window.__slowEvents.push(...list.getEntries().map((e) => [e.name, e.duration])))
      .observe({ type: "event", durationThreshold: 16, buffered: false });
  });
  const refresh = [], keyToOutput = [];
  for (let i = 0; i < 21; i += 1) {
    const before = await page.evaluate(() => performance.getEntriesByName("inject-refresh").length);
    const t0 = Date.now();
    if (i % 2) await page.keyboard.press("Backspace"); else await page.keyboard.type("#");
    const d = await page.evaluate(async (before) => {
      while (performance.getEntriesByName("inject-refresh").length <= before) await new Promise((r) => setTimeout(r, 2));
      return performance.getEntriesByName("inject-refresh").at(-1).duration;
    }, before);
    if (i > 0) { refresh.push(d); keyToOutput.push(Date.now() - t0); }
  }
  const outputLines = (await page.textContent("[data-testid=inject-output]")).split("\n").length;
  const engine = await page.evaluate(() => performance.getEntriesByName("inject-engine").slice(-20).map((e) => e.duration));
  await page.click("#tab-diff");
  await page.waitForSelector("[data-testid=inject-diff]");
  const diffMs = await page.evaluate(() => performance.getEntriesByName("inject-diff").at(-1)?.duration ?? NaN);
  // Event durations run to the next paint and come in steps of 8 ms: one frame reads as 16.
  const slow = (await page.evaluate(() => window.__slowEvents)).filter(([name, duration]) => duration > 16 && /^(key|beforeinput|input)/.test(name));

  say();
  say("## Timings (headless Chromium 2 cores, 127.0.0.1)");
  say(`first paint, navigation start → app mounted, 10 cold loads: median ${median(mounted).toFixed(1)} ms (min ${Math.min(...mounted).toFixed(1)}, max ${Math.max(...mounted).toFixed(1)}); first contentful paint median ${median(fcp).toFixed(1)} ms`);
  say(`  of which navigation start → wasm instantiated (fetch, compile, start): median ${median(started).toFixed(1)} ms; then the first render: ${(median(mounted) - median(started)).toFixed(1)} ms`);
  say(`navigation start → the first injected output on screen (the run waits for the first paint): median ${median(output).toFixed(1)} ms`);
  say(`same, 10 warm loads through the service worker: median ${median(warm).toFixed(1)} ms`);
  say(`output refresh (engine + entries + DOM update; the diff runs only while its tab is open) on the largest sample ${biggest.id} (${biggest.size} B in, ${outputLines} lines out), 20 keystrokes: median ${median(refresh).toFixed(2)} ms, max ${Math.max(...refresh).toFixed(2)} ms`);
  say(`  of which the engine (meshsim_inject::inject): median ${median(engine).toFixed(2)} ms; the diff, computed when the Diff tab opens: ${diffMs.toFixed(2)} ms`);
  say(`keystroke → output on screen, wall clock incl. the ${120} ms debounce: median ${median(keyToOutput)} ms`);
  say(`keyboard and input events longer than one frame (> 16 ms) while typing (Event Timing API): ${slow.length}${slow.length ? " " + JSON.stringify(slow) : ""}`);
  writeFileSync(join(RESULTS, "perf.md"), lines.join("\n") + "\n");

  const misses = [];
  if (total.brotli / 1024 > BUDGET.brotliKB) misses.push(`brotli total ${kb(total.brotli)} KB > ${BUDGET.brotliKB} KB`);
  if (median(mounted) > BUDGET.firstPaintMs) misses.push(`first paint ${median(mounted).toFixed(1)} ms > ${BUDGET.firstPaintMs} ms`);
  if (median(refresh) > BUDGET.refreshMs) misses.push(`refresh ${median(refresh).toFixed(2)} ms > ${BUDGET.refreshMs} ms`);
  say(misses.length ? `budget missed: ${misses.join("; ")}` : "all budgets met");
  if (check && misses.length) process.exitCode = 1;
} finally {
  await browser.close();
  server.close();
}
