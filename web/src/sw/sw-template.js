// The console's service worker: keeps the phone app's shell on the device so it opens
// with no signal. The API (/v1/…) is never cached here: queued reports live in IndexedDB
// (see src/lib/outbox-db.ts) and only the page sends them.
const VERSION = __VERSION__;
const PRECACHE = __PRECACHE__;
const SHELL = 'gridcare-shell-' + VERSION;
const ASSETS = 'gridcare-assets';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith('gridcare-shell-') && k !== SHELL).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

async function fromCacheOrNetwork(request, fallbackUrl) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  try {
    const response = await fetch(request);
    // Hashed assets never change, so any fetched one may be kept (desk pages, fonts).
    if (response.ok && new URL(request.url).pathname.startsWith('/assets/')) {
      const copy = response.clone();
      caches.open(ASSETS).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (err) {
    if (fallbackUrl) {
      const shell = await caches.match(fallbackUrl);
      if (shell) return shell;
    }
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/v1/') || url.pathname === '/healthz' || url.pathname === '/metrics') return;
  if (request.mode === 'navigate') {
    // The shell first: it opens at once with or without signal; a new deploy installs a
    // new worker (sw.js is never cached), which replaces this copy for the next visit.
    event.respondWith(fromCacheOrNetwork(new Request('/index.html'), '/index.html'));
    return;
  }
  event.respondWith(fromCacheOrNetwork(request, null));
});
