// The promoter's service worker, served at /promo/sw.js (scope /promo/) by promoters.views.service_worker.
// It keeps the pages under /promo/ (the network first, the last copy when there is none) and the page's files (kept
// first) so that the lead form opens and works at a fair without a network; the leads themselves wait in IndexedDB
// (static/promoters/lead.js). Its version is the digest of those files (?v=), so a change installs a new worker
// that drops the old cache.
"use strict";

const VERSION = new URL(self.location.href).searchParams.get("v") || "0";
const CACHE = "promo-" + VERSION;
const ASSETS = [
  "/static/promoters/lead.css",
  "/static/promoters/lead.js",
  "/static/promoters/manifest.webmanifest",
  "/static/promoters/icon.svg",
  "/static/promoters/icon-192.png",
  "/static/promoters/icon-512.png",
];
const NOT_KEPT = ["/promo/sw.js", "/promo/login/", "/promo/logout/"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.startsWith("promo-") && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function page(request, url) {
  const key = new Request(url.origin + url.pathname);
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key, { ignoreSearch: true, ignoreVary: true }).then(function (kept) {
      return kept || caches.match(new Request(url.origin + "/promo/"), { ignoreVary: true });
    }).then(function (kept) {
      return kept || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  });
}

function asset(request) {
  return caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(function (kept) {
    return kept || fetch(request).then(function (response) {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("/static/promoters/")) {
    event.respondWith(asset(request));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/promo/") && !NOT_KEPT.includes(url.pathname)) {
    event.respondWith(page(request, url));
  }
});
