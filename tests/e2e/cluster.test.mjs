// The simulated cluster's page (cluster/): the workshop's Exercise 6 typed into the terminal must
// print exactly what `meshsim shell --echo` prints for the same commands and seed.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test, assert, assertSameText, ROOT, RESULTS } from "./harness.mjs";

const EXERCISE_6 = [
  "kubectl label namespace default istio-injection=enabled",
  "kubectl get namespace -L istio-injection",
  "kubectl apply -f kubernetes/",
  "sleep 120",
  "kubectl get pods",
  "kubectl get deployment",
  "kubectl describe pods helloworld-service-v1",
];

function cliTranscript(lines, seed) {
  const cli = process.env.MESHSIM_CLI || join(ROOT, "target/release/meshsim");
  const run = spawnSync(cli, ["shell", "--seed", String(seed), "--echo"], { input: lines.join("\n") + "\n", encoding: "utf8" });
  assert(run.status === 0, `meshsim shell failed: ${run.stderr}`);
  return run.stdout;
}

async function typeLines(page, lines) {
  const input = page.getByTestId("terminal-input");
  for (const line of lines) {
    await input.fill(line);
    await input.press("Enter");
  }
}

async function terminalText(page) {
  const text = await page.getByTestId("terminal-output").textContent();
  // The first lines are the page's greeting; the transcript starts at the first prompt.
  return text.slice(text.indexOf("$ "));
}

test("cluster: Exercise 6 in the terminal matches meshsim shell", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "cluster/?seed=1&paused=1#/cluster");
  await page.getByTestId("terminal-input").waitFor();
  const started = Date.now();
  await typeLines(page, EXERCISE_6);
  const perCommand = (Date.now() - started) / EXERCISE_6.length;
  const text = await terminalText(page);
  assertSameText(text, cliTranscript(EXERCISE_6, 1), "terminal vs meshsim shell");
  assert((text.match(/2\/2 +Running/g) || []).length === 5, "five pods 2/2 Running");
  assert(text.includes("Init Containers:") && text.includes("istio-init:") && text.includes("istio-proxy:"), "describe shows the injected containers");
  const panel = await page.getByTestId("pods-panel").textContent();
  assert(panel.includes("istio-init") && panel.includes("istio-proxy"), "the pods panel draws init containers and sidecars");
  await page.screenshot({ path: join(RESULTS, "cluster.png"), fullPage: true });
  console.log(`     (${perCommand.toFixed(1)} ms per typed command, including Playwright)`);
  assert(page.errors.length === 0, `page errors: ${page.errors.join("; ")}`);
});

test("cluster: a watch prints as virtual time passes and Ctrl-C ends it", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "cluster/?seed=2&speed=100#/cluster");
  await typeLines(page, ["kubectl apply -f kubernetes/mysql-deployment.yaml", "kubectl get pods -w"]);
  await page.waitForFunction(() => document.querySelector("[data-testid=terminal-output]").textContent.includes("Running"), null, { timeout: 15000 });
  const input = page.getByTestId("terminal-input");
  await input.press("Control+c");
  const text = await page.getByTestId("terminal-output").textContent();
  assert(text.includes("ContainerCreating") || text.includes("Pending"), "the watch showed the pod before it ran");
  assert(text.includes("^C"), "Ctrl-C is echoed");
  assert(page.errors.length === 0, `page errors: ${page.errors.join("; ")}`);
});

test("cluster: pasting a here-document with YAML creates the file, line by line", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "cluster/?seed=5&paused=1#/cluster");
  await page.getByTestId("terminal-input").waitFor();
  const block = [
    "cat <<EOF > web.yaml",
    "apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: web", "spec:",
    "  selector:", "    matchLabels: {app: web}", "  template:", "    metadata:", "      labels: {app: web}",
    "    spec:", "      containers:", "      - name: web", "        image: nginx:1.27",
    "EOF",
    "kubectl apply -f web.yaml",
    "ls",
  ].join("\n") + "\n";
  await page.evaluate((text) => {
    const input = document.querySelector("[data-testid=terminal-input]");
    const data = new DataTransfer();
    data.setData("text", text);
    input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, block);
  await page.waitForFunction(() => document.querySelector("[data-testid=terminal-output]").textContent.includes("deployment.apps/web created"), null, { timeout: 5000 });
  const text = await page.getByTestId("terminal-output").textContent();
  assert(text.includes("> apiVersion: apps/v1"), "the here-document's lines show the > prompt");
  assert(/\bweb\.yaml\b/.test(text.slice(text.lastIndexOf("$ ls"))), "ls lists the new file");
  assert((await page.getByTestId("terminal-input").inputValue()) === "", "nothing is left in the input");
});

test("cluster: history, Tab completion and the speed control", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "cluster/?seed=3&paused=1#/cluster");
  const input = page.getByTestId("terminal-input");
  await typeLines(page, ["kubectl version"]);
  await input.press("ArrowUp");
  assert((await input.inputValue()) === "kubectl version", "ArrowUp recalls the last command");
  await input.fill("kubectl desc");
  await input.press("Tab");
  assert((await input.inputValue()) === "kubectl describe ", `Tab completes a command (got ${await input.inputValue()})`);
  await page.getByTestId("time-speed").selectOption("100");
  assert((await page.getByTestId("time-speed").inputValue()) === "100", "the speed control is set");
});

test("cluster: each command of Exercise 6 answers within a frame (16 ms)", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  const loaded = Date.now();
  await page.goto(baseUrl + "cluster/?seed=1&paused=1#/cluster");
  await page.getByTestId("terminal-input").waitFor();
  // The page warms its code up in a throwaway session right after the first frame.
  await page.waitForSelector("section.cluster[data-warm=true]", { timeout: 20000 });
  console.log(`     warm ${Date.now() - loaded} ms after navigation`);
  const timings = [];
  for (const line of EXERCISE_6) {
    // From the Enter key to the command's output being in the DOM.
    const ms = await page.evaluate(async (line) => {
      const input = document.querySelector("[data-testid=terminal-input]");
      const out = document.querySelector("[data-testid=terminal-output]");
      input.value = line;
      const before = out.textContent.length;
      const done = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (out.textContent.length !== before) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(out, { childList: true, characterData: true, subtree: true });
      });
      const start = performance.now();
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      const end = await done;
      return [end - start, Number(out.dataset.runMs)];
    }, line);
    timings.push([line, ms[0], ms[1]]);
  }
  const sorted = timings.map(([, ms]) => ms).sort((a, b) => a - b);
  console.log(`     command → output in the DOM: median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`);
  for (const [line, ms, run] of timings) console.log(`       ${ms.toFixed(1).padStart(6)} ms (shell ${run.toFixed(1)} ms)  ${line}`);
  // The shell's own time is the budget every command must meet; the time until the DOM shows the
  // answer also includes Yew's render and the browser's layout, and must meet it on the median.
  const slow = timings.filter(([, , run]) => run > 16);
  assert(slow.length === 0, `shell over 16 ms: ${slow.map(([l, , run]) => `${l} (${run.toFixed(1)} ms)`).join(", ")}`);
  const median = sorted[Math.floor(sorted.length / 2)];
  assert(median <= 16, `median command → DOM ${median.toFixed(1)} ms is over 16 ms`);
});

test("cluster: simulation throughput in the browser (wasm)", async ({ newPage, baseUrl }) => {
  const page = await newPage();
  await page.goto(baseUrl + "cluster/?seed=1&paused=1#/cluster");
  await page.waitForSelector("section.cluster[data-warm=true]", { timeout: 20000 });
  const run = async (line) => page.evaluate((line) => {
    const input = document.querySelector("[data-testid=terminal-input]");
    const out = document.querySelector("[data-testid=terminal-output]");
    const steps = Number(out.dataset.simSteps);
    input.value = line;
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    return new Promise((resolve) => requestAnimationFrame(() => resolve([Number(out.dataset.simSteps) - steps, Number(out.dataset.runMs)])));
  }, line);
  await run("kubectl label namespace default istio-injection=enabled");
  await run("kubectl apply -f kubernetes/");
  const [hourEvents, hourMs] = await run("sleep 3600");
  await run("kubectl scale deployment helloworld-service-v1 --replicas=100");
  const [scaleEvents, scaleMs] = await run("sleep 600");
  const rate = (e, ms) => Math.round(e / (ms / 1000));
  console.log(`     guestbook, 1 h of virtual time: ${hourEvents} events in ${hourMs.toFixed(1)} ms = ${rate(hourEvents, hourMs)} events/s`);
  console.log(`     helloworld scaled to 100 replicas, 10 min: ${scaleEvents} events in ${scaleMs.toFixed(1)} ms = ${rate(scaleEvents, scaleMs)} events/s`);
  assert(hourEvents > 0 && scaleEvents > 0, "the simulation advanced");
});

test("cluster: 200 Deployments × 5 replicas, scale-up and rolling update, in the browser (wasm)", async ({ newPage, baseUrl }) => {
  // The native benchmark's scenario (crates/kubectl/benches/cluster.rs): twelve workers, 1,000 pods.
  const page = await newPage();
  await page.goto(baseUrl + "cluster/?seed=4&paused=1&nodes=12#/cluster");
  await page.waitForSelector("section.cluster[data-warm=true]", { timeout: 20000 });
  const N = 200;
  const lines = ["cat <<EOF > many.yaml"];
  for (let i = 0; i < N; i++) {
    lines.push("apiVersion: apps/v1", "kind: Deployment", "metadata:", `  name: app-${i}`, "spec:", "  replicas: 1",
      "  selector:", `    matchLabels: {app: app-${i}}`, "  template:", "    metadata:", `      labels: {app: app-${i}}`,
      "    spec:", "      containers:", "      - name: app", "        image: nginx:1.27",
      "        resources: {requests: {cpu: 1m, memory: 4Mi}}", "---");
  }
  lines.push("EOF");
  // Types lines into the terminal; with `measure`, waits for each answer to be drawn and returns the
  // simulation events and the shell's time (the page publishes both on the terminal element).
  const run = (lines, measure) => page.evaluate(async ([lines, measure]) => {
    const input = document.querySelector("[data-testid=terminal-input]");
    const out = document.querySelector("[data-testid=terminal-output]");
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    let events = 0, ms = 0;
    for (const line of lines) {
      const before = Number(out.dataset.simSteps);
      input.value = line;
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      if (!measure) continue;
      await frame();
      events += Number(out.dataset.simSteps) - before;
      ms += Number(out.dataset.runMs);
    }
    return [events, ms];
  }, [lines, measure]);
  await run(lines, false);
  const phases = [
    ["200 Deployments created, 2 min", ["kubectl apply -f many.yaml", "sleep 120"]],
    ["scale-up to 200 × 5 = 1,000 pods, 3 min", [...Array.from({ length: N }, (_, i) => `kubectl scale deployment app-${i} --replicas=5`), "sleep 180"]],
    ["rolling update of all 200, 10 min", [...Array.from({ length: N }, (_, i) => `kubectl set image deployment/app-${i} app=nginx:1.28`), "sleep 600"]],
  ];
  let total = 0;
  for (const [name, commands] of phases) {
    const [events, ms] = await run(commands, true);
    total += events;
    console.log(`     ${name}: ${events} events in ${ms.toFixed(1)} ms = ${Math.round(events / (ms / 1000))} events/s`);
  }
  const drawn = await page.evaluate(() => document.querySelectorAll("[data-testid=pods-panel] .pod").length);
  console.log(`     pods drawn in the panel: ${drawn}`);
  assert(total > 10000 && drawn >= 1000, `the scenario ran (${total} events, ${drawn} pods drawn)`);
});
