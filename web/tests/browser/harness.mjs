// Runs the real server on a fresh demo store and Debian's Chromium through playwright-core,
// for the console's browser tests and the console bench. Nothing is mocked: the pages talk
// to `gridcare serve` exactly as a phone or a desk would.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const webDir = resolve(here, '..', '..');
export const repoDir = resolve(webDir, '..');
export const screenshotDir = join(webDir, 'test-results', 'screenshots');
export const PASSWORD = 'gridcare-demo';

export async function waitFor(what, check, timeoutMs = 15_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// A server on a fresh demo city. `stop()` kills it and removes its files.
export async function startServer({ extraArgs = [] } = {}) {
  const bin = process.env.GRIDCARE_BIN ?? join(repoDir, 'build', 'app', 'gridcare');
  const dir = mkdtempSync(join(tmpdir(), 'gridcare-web-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve', '--demo', '--db', join(dir, 'demo.db'), '--listen', `127.0.0.1:${port}`,
    '--console', join(webDir, 'dist'), ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    await waitFor('the server to answer /healthz', async () => (await fetch(`${base}/healthz`)).ok, 30_000);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${e.message}\n--- server log ---\n${log}`);
  }
  return {
    base,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Without these Chromium keeps calling Google's hosts, which this network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
}

export const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true,
  deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
export const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

// Fails the test on any request to a host other than the server, and on page errors.
export function guard(page, base, problems) {
  const origin = new URL(base).origin;
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`request to ${u}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

export async function shot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

export async function signIn(page, base, username) {
  await page.goto(base + '/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
}

// The API as a test sees it, to check what the pages did.
export async function apiAs(base, username) {
  const r = await fetch(`${base}/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }) });
  if (!r.ok) throw new Error(`sign-in of ${username} failed: ${r.status}`);
  const { token, user } = await r.json();
  const call = async (method, path, body) => {
    const res = await fetch(base + path, { method, headers: { Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return { user, call };
}

// One fresh server and one browser for a test file: registers node:test's before/after
// hooks and returns an object whose `server` and `browser` are set once they are up.
export function serverAndBrowser(before, after) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

// A new browser context signed in as `username`, its page guarded (other hosts, page errors).
export async function openAs(env, username, device, problems) {
  const ctx = await env.browser.newContext(device);
  const page = await ctx.newPage();
  guard(page, env.server.base, problems);
  await signIn(page, env.server.base, username);
  return page;
}
