// meshsim's service worker: keeps the page working with the network gone.
// scripts/postbuild.mjs fills in the version and the list of files of this build.
// Every file of the build is cached on install and served from the cache first;
// requests to other origins are never made by the page, and are left alone here.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = "meshsim-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("meshsim-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  // The cluster page (cluster/) is a separate bundle with its own service worker.
  const own = new URL("./cluster/", self.location).pathname;
  if (self.location.pathname !== own + "sw.js" && new URL(request.url).pathname.startsWith(own)) {
    return;
  }
  // Any page of the scope is the app: hash routes never reach the server.
  const key = request.mode === "navigate" ? "./index.html" : request;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(key, { ignoreSearch: request.mode === "navigate" }).then((hit) => hit || fetch(request))
    )
  );
});
