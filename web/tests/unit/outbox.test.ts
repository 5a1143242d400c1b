// The offline queue's promises: a report is on the device before anything is sent; every
// attempt carries the same requestId; no signal, a busy server or an expired token keep it
// waiting; only a refusal for good stops it; the queue survives the page going away.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError as FirstApiError } from '@/api/errors';

// What the server answers, in order; with nothing queued the network is down.
// Errors are made with the ApiError of the modules under test (they are re-imported for
// every simulated page, and `instanceof` must hold).
let ApiError = FirstApiError;
const replies: (() => Promise<unknown>)[] = [];
const createCase = vi.fn((_request: unknown) =>
  (replies.shift() ?? (() => Promise.reject(new ApiError(0, 'NETWORK', 'no signal'))))());
const fail = (e: FirstApiError) => replies.push(() => Promise.reject(e));
const answer = (v: unknown) => replies.push(() => Promise.resolve(v));
vi.mock('@/api/client', () => ({ api: { createCase: (r: unknown) => createCase(r) } }));

// The bits of a browser the queue touches.
const listeners: Record<string, () => void> = {};
Object.assign(globalThis, {
  window: { addEventListener: (n: string, f: () => void) => { listeners[n] = f; } },
  document: { addEventListener: () => undefined, visibilityState: 'visible', createElement: () => ({}) },
  localStorage: { getItem: () => null, setItem: () => undefined, removeItem: () => undefined },
});
Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true });

const session = { token: 't', expireTime: '2999-01-01T00:00:00Z',
  user: { id: 'u1', username: 'gw', displayName: 'gw', role: 'GRID_WORKER', orgUnitId: 'g' } };

async function freshModules() {
  vi.resetModules();
  const { remember } = await import('@/lib/session');
  remember(session as never);
  ApiError = (await import('@/api/errors')).ApiError;
  const { useOutbox } = await import('@/composables/useOutbox');
  return useOutbox();
}

const report = { channel: 'GRID_PATROL', category: 'OTHER', priority: 'ROUTINE', gridId: '', title: '标题',
  description: '', address: '', subjects: [] } as never;

describe('outbox', () => {
  beforeEach(async () => {
    createCase.mockClear();
    replies.length = 0;
    // A new, empty IndexedDB per test: the previous test's page may still hold its own open.
    globalThis.indexedDB = new IDBFactory();
  });

  it('keeps a report offline and sends it later with the same requestId, once acknowledged', async () => {
    let outbox = await freshModules();
    const entry = await outbox.submit(report);
    await vi.waitFor(() => expect(createCase).toHaveBeenCalledTimes(1));
    await vi.waitFor(() => expect(outbox.entries.value[0]?.attempts).toBe(1));
    expect(outbox.entries.value[0].status).toBe('pending');

    // The page goes away; a new one finds the report still waiting.
    outbox = await freshModules();
    await outbox.reload();
    expect(outbox.entries.value.map((e) => e.status)).toEqual(['pending']);

    // The server took it but the answer was lost: the retry carries the same requestId.
    fail(new ApiError(0, 'NETWORK', 'reset'));
    await outbox.flush();
    answer({ id: '7', number: 'NA-7', state: 'REPORTED' });
    await outbox.flush();
    const ids = createCase.mock.calls.map((c) => (c[0] as { requestId: string }).requestId);
    expect(new Set(ids)).toEqual(new Set([entry.requestId]));
    expect(outbox.entries.value[0]).toMatchObject({ status: 'sent', caseId: '7', caseState: 'REPORTED' });

    // Acknowledged reports are never sent again.
    await outbox.flush();
    expect(createCase).toHaveBeenCalledTimes(ids.length);
  });

  it('an expired token or a busy server keep the report; a refusal for good marks it', async () => {
    const outbox = await freshModules();
    fail(new ApiError(401, 'UNAUTHENTICATED', 'expired'));
    await outbox.submit(report);
    await vi.waitFor(() => expect(outbox.entries.value[0]?.attempts).toBe(1));
    expect(outbox.entries.value[0].status).toBe('pending');

    fail(new ApiError(503, 'UNAVAILABLE', 'disk full'));
    await outbox.flush();
    expect(outbox.entries.value[0].status).toBe('pending');

    fail(new ApiError(400, 'INVALID_ARGUMENT', 'title: required'));
    await outbox.flush();
    expect(outbox.entries.value[0]).toMatchObject({ status: 'refused', lastError: '请填写标题' });
    await outbox.flush();
    expect(createCase).toHaveBeenCalledTimes(3);
  });

  it('sends only the signed-in user\'s reports', async () => {
    const outbox = await freshModules();
    await outbox.submit(report);
    const { remember } = await import('@/lib/session');
    remember({ ...session, user: { ...session.user, id: 'u2' } } as never);
    await outbox.reload();
    expect(outbox.entries.value).toEqual([]);
  });
});
