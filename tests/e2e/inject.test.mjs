// End-to-end tests of the injection playground (#/inject) in Chromium, against the meshsim CLI.
import { readFileSync, readdirSync, writeFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test, assert, assertSameText, eventually, cliInject, ROOT, RESULTS } from "./harness.mjs";

const INPUT = "[data-testid=inject-input]";
const OUTPUT = "[data-testid=inject-output]";

/** Every sample file the picker must offer: www/samples/ and the project's guestbook (crates/kubectl/vfs/kubernetes{,-v2}/). */
function sampleFiles() {
  const walk = (dir) => readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return walk(path);
    return name.endsWith(".yaml") ? [path] : [];
  });
  // The guestbook's workloads and services (vfs/istio/ holds Istio routing config, not for injection).
  return [...walk("www/samples"), ...walk("crates/kubectl/vfs/kubernetes"), ...walk("crates/kubectl/vfs/kubernetes-v2")].sort();
}

/** Picks sample `id` in the picker and returns the text of its file. */
export async function pick(page, id) {
  await page.selectOption("[data-testid=inject-sample]", id);
  const path = await page.getAttribute(`[data-testid=inject-sample] option[value='${id}']`, "data-path");
  return readFileSync(join(ROOT, path), "utf8");
}

export async function openInject(newPage, url, options) {
  const page = await newPage(options);
  await page.goto(url + "#/inject");
  await page.waitForSelector(OUTPUT, { state: "attached" });
  return page;
}

const outputOf = (page) => page.locator(OUTPUT).textContent();

/** Waits until the page's output is byte-identical to `expected`. */
export async function expectOutput(page, expected, what) {
  try {
    await eventually(async () => (await outputOf(page)) === expected, `${what}: output never matched`, 4000);
  } catch {
    assertSameText(await outputOf(page), expected, what);
  }
}

test("the shell names Istio 1.30.3, has the inject view and its labelled controls", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  assert((await page.textContent("[data-testid=istio-version]")) === "1.30.3", "header must name Istio 1.30.3");
  assert((await page.getAttribute("nav a[href='#/inject']", "aria-current")) === "page", "the Inject link is current");
  // Every control has an accessible name (label, aria-label or text).
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("button, input, select, textarea")]
      .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80))
  );
  assert(unnamed.length === 0, `controls without a name: ${unnamed.join(", ")}`);
  assert(page.errors.length === 0, `console errors: ${page.errors.join(" | ")}`);
});

test("an unknown route says so and links back to #/inject", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "#/nowhere");
  await page.waitForSelector(".not-found");
  await page.click(".not-found a");
  await page.waitForSelector(OUTPUT, { state: "attached" });
  assert(page.url().endsWith("#/inject"), `the link leads to #/inject, not ${page.url()}`);
});

test("every sample, classic and native, gives exactly what `meshsim inject` prints", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const offered = await page.$$eval("[data-testid=inject-sample] option", (options) => options.filter((o) => o.value).map((o) => [o.value, o.dataset.path]));
  const paths = offered.map(([, path]) => path).sort();
  assert(JSON.stringify(paths) === JSON.stringify(sampleFiles()), `the picker offers ${paths} but the sample files are ${sampleFiles()}`);
  for (const [id] of offered) {
    const text = await pick(page, id);
    assert((await page.inputValue(INPUT)) === text, `${id}: picking the sample puts its text in the editor`);
    const classic = cliInject(text);
    assert(classic.status === 0, `${id}: meshsim inject failed: ${classic.stderr}`);
    await expectOutput(page, classic.stdout, `${id} (classic)`);
    const warnings = classic.stderr.split("\n").map((l) => l.trim()).filter(Boolean);
    const shown = warnings.length ? await page.locator("[data-testid=inject-warnings]").textContent() : "";
    for (const warning of warnings) assert(shown.includes(warning), `${id}: warning not shown: ${warning}`);

    await page.check("[data-testid=inject-native]");
    const native = cliInject(text, ["--native-sidecars=true"]);
    await expectOutput(page, native.stdout, `${id} (native)`);
    await page.uncheck("[data-testid=inject-native]");
    await expectOutput(page, classic.stdout, `${id} (classic again)`);
  }
});

test("hub and tag reach the images as with --hub and --tag", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const text = await pick(page, "guestbook/redis-deployment");
  await page.fill("[data-testid=inject-hub]", "registry.example.com/istio");
  await page.press("[data-testid=inject-hub]", "Enter");
  await page.fill("[data-testid=inject-tag]", "1.30.3-distroless");
  await page.press("[data-testid=inject-tag]", "Enter");
  const expected = cliInject(text, ["--hub", "registry.example.com/istio", "--tag", "1.30.3-distroless"]).stdout;
  assert(expected.includes("registry.example.com/istio/proxyv2:1.30.3-distroless"), "the CLI uses hub and tag");
  await expectOutput(page, expected, "redis with hub and tag");
});

test("native sidecars toggle shows restartPolicy: Always on istio-proxy", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  await pick(page, "guestbook/guestbook-deployment");
  await eventually(async () => (await outputOf(page)).includes("name: istio-proxy"), "the sidecar is injected");
  assert(!(await outputOf(page)).includes("restartPolicy: Always"), "classic layout by default");
  await page.check("[data-testid=inject-native]");
  await eventually(async () => (await outputOf(page)).includes("restartPolicy: Always"), "native sidecar has restartPolicy: Always");
  const explain = await page.textContent("[data-testid=inject-explain]");
  assert(explain.includes("native sidecar"), "the istio-proxy entry says it is a native sidecar");
});

test("a broken line shows the error with its line number while typing, and the last good output stays", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const good = await pick(page, "guestbook/mysql-deployment");
  await expectOutput(page, cliInject(good).stdout, "mysql");
  assert(await page.locator("[data-testid=inject-error]").isHidden(), "no error for a good manifest");

  await page.click(INPUT);
  await page.keyboard.press("Control+End");
  await page.keyboard.type("  oops: x: y", { delay: 20 });
  const text = await page.inputValue(INPUT);
  const line = text.split("\n").findIndex((l) => l.includes("oops")) + 1;
  const cli = cliInject(text);
  assert(cli.status !== 0, "the CLI rejects the broken manifest");
  const message = cli.stderr.trim().replace(/^Error: /, "").split("\n")[0];
  const error = page.locator("[data-testid=inject-error]");
  await error.waitFor({ state: "visible" });
  const shown = await error.textContent();
  assert(shown.includes(`Line ${line}:`), `the error names line ${line}: ${shown}`);
  assert(shown.includes(message), `the error carries the CLI's message "${message}": ${shown}`);
  assert((await page.textContent("mark.error-line")).trim() === String(line), "the gutter marks the line");
  await expectOutput(page, cliInject(good).stdout, "the last good output stays");
  assert(await page.locator(".stale").isVisible(), "the output is marked as the last good one");

  await page.click(`[data-testid=inject-error] button`);
  const selected = await page.evaluate(() => {
    const area = document.querySelector("[data-testid=inject-input]");
    return area.value.slice(area.selectionStart, area.selectionEnd);
  });
  assert(selected === "  oops: x: y", `"go to line" selects the line, got ${JSON.stringify(selected)}`);
  await page.keyboard.press("Backspace");
  await error.waitFor({ state: "hidden" });
});

test("Tab inserts two spaces and Escape then Tab leaves the editor", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  await page.fill(INPUT, "a:\nb");
  await page.click(INPUT);
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Home");
  await page.keyboard.press("Tab");
  assert((await page.inputValue(INPUT)) === "a:\n  b", "Tab inserted two spaces at the caret");
  assert(await page.evaluate(() => document.activeElement.dataset.testid === "inject-input"), "focus stays in the editor");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert(await page.evaluate(() => document.activeElement.dataset.testid !== "inject-input"), "Escape, Tab moves focus on");
});

test("the editor text and the options survive a reload", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  await pick(page, "cronjob");
  await page.click(INPUT);
  await page.keyboard.press("Control+Home");
  await page.keyboard.type("# my own note\n");
  await page.check("[data-testid=inject-native]");
  const before = await page.inputValue(INPUT);
  await page.reload();
  await page.waitForSelector(OUTPUT, { state: "attached" });
  assert((await page.inputValue(INPUT)) === before, "the editor text is kept");
  assert(await page.isChecked("[data-testid=inject-native]"), "native sidecars stay on");
  await expectOutput(page, cliInject(before, ["--native-sidecars=true"]).stdout, "output after reload");
});

test("annotation toggles edit the YAML, and the output follows", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  await pick(page, "guestbook/guestbook-ui-deployment");
  const original = await page.inputValue(INPUT);
  const toggle = "[data-testid=inject-annotation][data-key='traffic.sidecar.istio.io/excludeOutboundPorts']";
  await page.check(toggle);
  const edited = await page.inputValue(INPUT);
  assert(edited.includes('traffic.sidecar.istio.io/excludeOutboundPorts: "3306"'), "the annotation appears in the YAML");
  const expected = cliInject(edited).stdout;
  assert(/- -o\n\s+- "3306"/.test(expected), "the CLI adds -o 3306 to istio-init");
  await expectOutput(page, expected, "with excludeOutboundPorts");
  await page.uncheck(toggle);
  assert((await page.inputValue(INPUT)) === original, "unchecking restores the text");
  await page.check("[data-testid=inject-annotation][data-key='sidecar.istio.io/proxyCPU']");
  assert((await page.inputValue(INPUT)) !== original, "the proxyCPU toggle edits the text");
  await page.click("text=Restore");
  assert((await page.inputValue(INPUT)) === original, "Restore puts the sample's text back");

  const optOut = "[data-testid=inject-annotation][data-key='sidecar.istio.io/inject']";
  await page.check(optOut);
  const skipped = cliInject(await page.inputValue(INPUT));
  await expectOutput(page, skipped.stdout, "opted out");
  assert(!skipped.stdout.includes("istio-proxy"), "an opted-out workload gets no sidecar");
});

test("the diff marks every added or changed line and is a true diff of input and output", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const input = await pick(page, "pod-probes");
  const output = cliInject(input).stdout;
  await expectOutput(page, output, "pod-probes");
  await page.click("#tab-diff");
  const diff = page.locator("[data-testid=inject-diff]");
  await diff.waitFor({ state: "visible" });
  const spans = await diff.locator("span").evaluateAll((spans) => spans.map((s) => [s.className, s.textContent]));
  const strip = (text, sign) => text.split("\n").slice(0, -1).map((l) => { if (!l.startsWith(sign)) throw new Error(`line without ${sign}: ${l}`); return l.slice(2); });
  let rebuiltOut = "", rebuiltIn = "";
  for (const [kind, text] of spans) {
    const sign = { "diff-added": "+ ", "diff-removed": "- ", "diff-kept": "  " }[kind];
    const lines = strip(text, sign).map((l) => l + "\n").join("");
    if (kind !== "diff-removed") rebuiltOut += lines;
    if (kind !== "diff-added") rebuiltIn += lines;
  }
  assertSameText(rebuiltOut, output, "kept + added lines rebuild the output");
  assertSameText(rebuiltIn, input, "kept + removed lines rebuild the input");
  const inputLines = new Set(input.split("\n"));
  const added = spans.filter(([k]) => k === "diff-added").map(([, t]) => t).join("");
  for (const line of output.split("\n").filter((l) => l && !inputLines.has(l))) {
    assert(added.includes("+ " + line + "\n"), `new line not marked as added: ${line}`);
  }
  // Keyboard: the tabs switch with the arrow keys.
  await page.focus("#tab-diff");
  await page.keyboard.press("ArrowLeft");
  assert(await page.locator("#panel-output").isVisible(), "ArrowLeft goes back to the YAML tab");
});

test("'what was added and why' covers each part and links to its lines", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const output = cliInject(await pick(page, "pod-probes")).stdout;
  await expectOutput(page, output, "pod-probes");
  const entries = page.locator("[data-testid=inject-explain] li");
  const titles = await entries.locator("strong").allTextContents();
  for (const part of ["istio-init", "istio-proxy", "Volumes", "Labels", "Annotations", "Liveness probe of ratings", "Readiness probe of ratings", "Startup probe of ratings"]) {
    assert(titles.includes(part), `an entry for ${part} (have: ${titles.join(", ")})`);
  }
  const init = await entries.filter({ hasText: "istio-init" }).first().textContent();
  assert(init.includes("15001") && init.includes("15006") && init.includes("1337"), "istio-init explains 15001, 15006 and uid 1337");
  const proxy = await entries.filter({ hasText: "istio-proxy" }).first().textContent();
  assert(proxy.includes("15021") && proxy.includes("15090"), "istio-proxy explains 15021 and 15090");
  const lines = output.split("\n");
  for (const title of ["istio-proxy", "istio-init", "Liveness probe of ratings"]) {
    const entry = entries.filter({ has: page.locator("strong", { hasText: new RegExp(`^${title}$`) }) }).first();
    const where = await entry.locator(".where").textContent();
    const [, first, last] = /lines (\d+)–(\d+)/.exec(where).map(Number);
    await entry.locator("button").click();
    const marked = await page.textContent("mark.linked");
    assertSameText(marked, lines.slice(first - 1, last).join("\n") + "\n", `${title}: the marked lines are the entry's lines`);
    const needle = title.startsWith("Liveness") ? "livenessProbe:" : `name: ${title}`;
    assert(marked.includes(needle), `${title}: the marked lines hold ${needle}`);
    assert(await page.locator("mark.linked").isVisible(), `${title}: the marked lines are scrolled into view`);
  }
});

test("copy and download hand over exactly the output", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl, { acceptDownloads: true, permissions: ["clipboard-read", "clipboard-write"] });
  const expected = cliInject(await pick(page, "guestbook/redis-deployment")).stdout;
  await expectOutput(page, expected, "redis");
  await page.click("[data-testid=inject-copy]");
  const copied = await eventually(() => page.evaluate(() => navigator.clipboard.readText()), "clipboard filled");
  assertSameText(copied, expected, "clipboard");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=inject-download]")]);
  assert(download.suggestedFilename() === "redis-deployment.injected.yaml", `file name ${download.suggestedFilename()}`);
  const path = join(RESULTS, "download.yaml");
  await download.saveAs(path);
  assertSameText(readFileSync(path, "utf8"), expected, "downloaded file");
});

test("a Rust panic shows the error banner, whose Reload reloads the page", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "#/debug/panic");
  const banner = page.locator("[data-testid=panic-banner]");
  await banner.waitFor({ state: "visible" });
  assert((await banner.textContent()).includes("panics on purpose"), "the banner shows the panic message");
  await page.evaluate(() => { window.beforeReload = true; });
  await Promise.all([page.waitForEvent("load"), banner.locator("button").click()]);
  assert(await page.evaluate(() => window.beforeReload === undefined), "the page was reloaded");
});

test("light and dark themes follow prefers-color-scheme, and the picker overrides it", async ({ newPage, baseUrl }) => {
  const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await openInject(newPage, baseUrl, { colorScheme: "light" });
  const dark = await openInject(newPage, baseUrl, { colorScheme: "dark" });
  const [l, d] = [await background(light), await background(dark)];
  const luminance = (rgb) => rgb.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
  assert(luminance(l) > 600 && luminance(d) < 150, `light ${l}, dark ${d}`);
  await light.screenshot({ path: join(RESULTS, "inject-light.png") });
  await dark.screenshot({ path: join(RESULTS, "inject-dark.png") });
  await light.selectOption("[data-testid=theme]", "dark");
  assert(luminance(await background(light)) < 150, "the picker switches to dark");
});

test("warnings show under the editor with the line of the workload they name", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const text = await pick(page, "uninjectable");
  const cli = cliInject(text);
  const expectedWarnings = cli.stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  assert(expectedWarnings.length === 2, `the CLI warns twice: ${cli.stderr}`);
  const items = await page.locator("[data-testid=inject-warnings] li").allTextContents();
  const lines = text.split("\n");
  for (const [i, name] of ["node-exporter", "debug-shell"].entries()) {
    const line = lines.findIndex((l) => l === `  name: ${name}`) + 1;
    assert(items[i].startsWith(`Line ${line}: ${expectedWarnings[i]}`), `warning ${i + 1} at line ${line}: ${items[i]}`);
  }
  await page.locator("[data-testid=inject-warnings] li").nth(1).locator("button").click();
  const selected = await page.evaluate(() => {
    const area = document.querySelector("[data-testid=inject-input]");
    return area.value.slice(area.selectionStart, area.selectionEnd);
  });
  assert(selected === "  name: debug-shell", `"go to line" selects the workload's name line: ${JSON.stringify(selected)}`);
});

test("every control is reachable with the keyboard alone", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  // The skip button is the first Tab stop and jumps to the editor.
  await page.keyboard.press("Tab");
  assert(await page.evaluate(() => document.activeElement.classList.contains("skip")), "the first Tab stop is the skip button");
  await page.keyboard.press("Enter");
  assert(await page.evaluate(() => document.activeElement.dataset.testid === "inject-input"), "the skip button moves focus to the editor");
  await page.reload();
  await page.waitForSelector(OUTPUT, { state: "attached" });
  const reached = new Set();
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? el.dataset.testid || el.id || el.getAttribute("role") || el.className || el.tagName : "";
    });
    reached.add(focused);
    if (focused === "inject-input") {
      await page.keyboard.press("Escape");
    }
  }
  for (const control of ["theme", "inject-sample", "inject-input", "inject-native", "inject-hub", "inject-tag", "inject-annotation", "tab-output", "inject-copy", "inject-download", "inject-output", "entry-link"]) {
    assert(reached.has(control), `Tab reaches ${control} (reached: ${[...reached].join(", ")})`);
  }
});

test("an annotation toggle on a manifest without workloads changes nothing and stays off", async ({ newPage, baseUrl }) => {
  const page = await openInject(newPage, baseUrl);
  const text = await pick(page, "guestbook/redis-service");
  const toggle = "[data-testid=inject-annotation][data-key='sidecar.istio.io/proxyCPU']";
  await page.click(toggle);
  assert((await page.inputValue(INPUT)) === text, "a Service has no pod template to annotate");
  assert(!(await page.isChecked(toggle)), "the box stays unchecked, as the text says");
  await expectOutput(page, cliInject(text).stdout, "redis Service passes through");
});
