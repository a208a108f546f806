// A small static file server for dist/ on 127.0.0.1 (`make run`, and the end-to-end tests).
// Usage: node scripts/serve.mjs [DIR] [PORT]   (defaults: dist 8080; PORT 0 picks a free one)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".yaml": "application/yaml; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serves `dir` under the URL prefix `base` (e.g. "/some/path/") and resolves to the server. */
export function serve(dir, port = 0, base = "/") {
  const root = resolve(dir);
  const server = createServer(async (request, response) => {
    try {
      let path = decodeURIComponent(new URL(request.url, "http://x").pathname);
      if (!path.startsWith(base)) {
        response.writeHead(404).end("not found");
        return;
      }
      path = normalize(path.slice(base.length - 1));
      let file = join(root, path);
      if (!file.startsWith(root)) {
        response.writeHead(403).end();
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) {
        file = join(file, "index.html");
      }
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": TYPES[extname(file)] || "application/octet-stream",
        "cache-control": "no-cache",
      });
      response.end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok(server)));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] || "dist";
  const port = Number(process.argv[3] || 8080);
  const server = await serve(dir, port);
  console.log(`serving ${dir} on http://127.0.0.1:${server.address().port}/  (Ctrl+C stops)`);
}
