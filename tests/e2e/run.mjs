// Runs the end-to-end tests: serves dist/ on 127.0.0.1, drives Debian's Chromium with
// playwright-core, compares with target/release/meshsim. Usage: node tests/e2e/run.mjs [FILTER]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { launch, run, ROOT } from "./harness.mjs";
import { serve } from "../../scripts/serve.mjs";
import "./inject.test.mjs";
import "./offline.test.mjs";
import "./cluster.test.mjs";

for (const needed of ["dist/index.html", "dist/cluster/index.html", "dist/meshsim-inject.html", process.env.MESHSIM_CLI || "target/release/meshsim"]) {
  if (!existsSync(join(ROOT, needed)) && !existsSync(needed)) {
    console.error(`e2e: ${needed} is missing (make test-e2e builds it)`);
    process.exit(1);
  }
}
const server = await serve(join(ROOT, "dist"), 0);
const baseUrl = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();
let ok = false;
try {
  ok = await run({ browser, baseUrl, filter: process.argv[2] });
} finally {
  await browser.close();
  server.close();
}
process.exit(ok ? 0 : 1);
