// The console's size and speed, measured in Debian's Chromium against the real server:
//   [1] what each group's pages weigh (JavaScript + CSS, gzip as served);
//   [2] the report page on an emulated slow 3G connection (WebPageTest's "3G Slow":
//       400 kbit/s each way, 400 ms round trip), first visit with nothing cached;
//   [3] the same page from the offline cache, with no network at all;
//   [4] the supervisors' board fed 50 changes a second on the stream: how far behind it falls.
// Prints figures; asserts nothing (docs/performance.md holds the targets and the readings).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DESK, PHONE, PASSWORD, apiAs, launchBrowser, signIn, startServer, waitFor, webDir,
} from '../../web/tests/browser/harness.mjs';

const dist = join(webDir, 'dist');
const RATE = Number(process.env.BOARD_RATE ?? 50);
const SECONDS = Number(process.env.BOARD_SECONDS ?? 20);
const RUNS = Number(process.env.RUNS ?? 3);

const gz = (file) => {
  const p = join(dist, file);
  return existsSync(p + '.gz') ? statSync(p + '.gz').size : statSync(p).size;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sizes() {
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const phone = JSON.parse(sw.match(/const PRECACHE = (\[.*\]);/)[1])
    .filter((f) => /\.(js|css)$/.test(f)).map((f) => f.slice(1));
  const assets = readdirSync(join(dist, 'assets')).filter((f) => /\.(js|css)$/.test(f)).map((f) => `assets/${f}`);
  const phoneBytes = phone.reduce((s, f) => s + gz(f), 0);
  const allBytes = assets.reduce((s, f) => s + gz(f), 0);
  console.log('[1] JavaScript + CSS, gzip as served');
  console.log(`    phone app (sign-in, report, my reports, case; precached for offline): ${kb(phoneBytes)} in ${phone.length} files (target <= 250 KB)`);
  console.log(`    whole console (adds the desk's Element Plus and the board's ECharts): ${kb(allBytes)} in ${assets.length} files`);
  return phoneBytes;
}

// A phone that signed in before but has nothing of the app cached: a first visit.
async function signedInContext(browser, base, username) {
  const r = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }) });
  const session = await r.json();
  const ctx = await browser.newContext(PHONE);
  await ctx.addInitScript((s) => {
    if (!localStorage.getItem('gridcare.session')) localStorage.setItem('gridcare.session', s);
  }, JSON.stringify(session));
  return ctx;
}

// Milliseconds from navigation start until the report form can be filled and sent.
async function timeToReportForm(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  return page.evaluate(() => new Promise((resolve) => {
    const check = () => {
      const title = document.querySelector('#r-title');
      const submit = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === '提交');
      if (title && submit && !submit.disabled) resolve(performance.now());
      else requestAnimationFrame(check);
    };
    check();
  }));
}

async function slow3g(browser, base) {
  const first = [];
  const offline = [];
  for (let i = 0; i < RUNS; i++) {
    const ctx = await signedInContext(browser, base, 'gridworker');
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8,
    });
    first.push(await timeToReportForm(page, `${base}/#/phone/report`));
    await waitFor('the service worker', () =>
      page.evaluate(() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)), 60_000);
    await page.close();
    await ctx.setOffline(true);
    const again = await ctx.newPage();
    offline.push(await timeToReportForm(again, `${base}/#/phone/report`));
    await ctx.close();
  }
  console.log('[2] report page usable, first visit, slow 3G (400 kbit/s, 400 ms RTT), nothing cached');
  console.log(`    runs: ${first.map((x) => Math.round(x)).join(', ')} ms; median ${Math.round(median(first))} ms (target <= 3000)`);
  console.log('[3] report page usable from the offline cache, no network');
  console.log(`    runs: ${offline.map((x) => Math.round(x)).join(', ')} ms; median ${Math.round(median(offline))} ms (target <= 1000)`);
  return { first: median(first), offline: median(offline) };
}

async function board(browser, base) {
  const ctx = await browser.newContext(DESK);
  const page = await ctx.newPage();
  await signIn(page, base, 'city_supervisor');
  await page.getByRole('heading', { name: '各单位情况' }).waitFor();
  const live = page.locator('.board__live');
  await waitFor('the stream', async () => (await live.textContent()).includes('已接收') &&
    !(await live.textContent()).includes('重连'));
  const seen = async () => Number(await live.getAttribute('data-events'));
  const start = await seen();

  const staff = await apiAs(base, 'city_staff');
  const list = await staff.call('GET', '/v1/cases?view=ALL&pageSize=50');
  const ids = list.body.cases.map((c) => c.id);
  const total = RATE * SECONDS;
  const sentAt = [];
  const shownAt = [];
  let failures = 0;
  const t0 = Date.now();
  const sending = (async () => {
    const inflight = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sentAt.push(Date.now());
      inflight.push(staff.call('POST', `/v1/cases/${ids[i % ids.length]}:comment`, { note: `压测评论 ${i}` })
        .then((r) => { if (r.status !== 200) failures++; }));
    }
    await Promise.all(inflight);
  })();
  // Sample what the board has shown every 25 ms until it has everything.
  let maxBacklog = 0;
  for (;;) {
    const now = Date.now();
    const n = (await seen()) - start;
    while (shownAt.length < Math.min(n, total)) shownAt.push(now);
    maxBacklog = Math.max(maxBacklog, sentAt.length - n);
    if (n >= total || now - t0 > (SECONDS + 30) * 1000) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await sending;
  const lags = shownAt.map((t, i) => t - sentAt[i]);
  const p = (q) => [...lags].sort((a, b) => a - b)[Math.min(lags.length - 1, Math.floor(q * lags.length))];
  console.log(`[4] board fed ${RATE} changes/s for ${SECONDS} s (comments by city_staff, ${failures} failed)`);
  console.log(`    shown ${shownAt.length} of ${total}; lag from send to shown: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${Math.max(...lags)} ms; largest backlog ${maxBacklog} changes`);
  await ctx.close();
  return { shown: shownAt.length, total, p99: p(0.99) };
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const phoneBytes = sizes();
  const times = await slow3g(browser, server.base);
  const b = await board(browser, server.base);
  console.log(`phone_kb=${(phoneBytes / 1024).toFixed(1)} slow3g_first_ms=${Math.round(times.first)} offline_ms=${Math.round(times.offline)} board_shown=${b.shown}/${b.total} board_lag_p99_ms=${b.p99}`);
} finally {
  await browser.close();
  await server.stop();
}
