// The offline report queue: submit() keeps a report on the device, flush() sends what is
// waiting, with the same requestId every time, until the server acknowledges it. One sender
// at a time across tabs (a Web Lock), so the server's idempotency is a second line, not the
// first. Retries: on coming online, on returning to the page, and every 20 s while any wait.
import { computed, ref } from 'vue';
import { api } from '@/api/client';
import { ApiError } from '@/api/errors';
import type { Case, CreateCaseRequest } from '@/api/types';
import { currentUser } from '@/lib/session';
import {
  entriesOf, newRequestId, putEntry, updateEntry, deleteEntry, type OutboxEntry,
} from '@/lib/outbox-db';

const RETRY_MS = 20_000;

const entries = ref<OutboxEntry[]>([]);
const sending = ref(false);
let started = false;
let flushAgain = false;
let running: Promise<void> | null = null;
let localLock: Promise<void> = Promise.resolve();

function withLock(task: () => Promise<void>): Promise<void> {
  if (navigator.locks) return navigator.locks.request('gridcare-outbox', task).then(() => undefined);
  const run = localLock.then(task, task);
  localLock = run.catch(() => undefined);
  return run;
}

async function reload() {
  const user = currentUser.value;
  entries.value = user ? await entriesOf(user.id) : [];
}

async function sendOne(entry: OutboxEntry): Promise<'sent' | 'stop' | 'refused'> {
  try {
    const c = await api.createCase(entry.request);
    await updateEntry(entry.requestId, (e) => ({
      ...e, status: 'sent', attempts: e.attempts + 1, lastError: undefined,
      caseId: c.id, caseNumber: c.number, caseState: c.state,
    }));
    return 'sent';
  } catch (err) {
    const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err));
    // No signal, a busy server, or a token that needs the password again: keep it queued.
    const keep = e.retryable || e.status === 'UNAUTHENTICATED';
    await updateEntry(entry.requestId, (x) => ({
      ...x, attempts: x.attempts + 1, lastError: e.userMessage,
      status: keep ? 'pending' : 'refused',
    }));
    return keep ? 'stop' : 'refused';
  }
}

async function flushOnce(): Promise<void> {
  const user = currentUser.value;
  if (!user) return;
  await withLock(async () => {
    // Oldest first, re-read inside the lock: another tab may have sent some already.
    const waiting = (await entriesOf(user.id)).filter((e) => e.status === 'pending').reverse();
    for (const entry of waiting) {
      if ((await sendOne(entry)) === 'stop') break;
    }
  });
}

// One round at a time; a flush asked for during a round makes the round go again, and
// every caller's promise settles when the queue has been tried with everything in it.
function flush(): Promise<void> {
  if (running) {
    flushAgain = true;
    return running;
  }
  sending.value = true;
  running = (async () => {
    try {
      do {
        flushAgain = false;
        await flushOnce();
        await reload();
      } while (flushAgain);  // no await between this check and `running = null`
    } finally {
      running = null;
      sending.value = false;
    }
  })();
  return running;
}

async function submit(request: Omit<CreateCaseRequest, 'requestId'>): Promise<OutboxEntry> {
  const user = currentUser.value;
  if (!user) throw new ApiError(401, 'UNAUTHENTICATED', 'not signed in');
  const entry: OutboxEntry = {
    requestId: newRequestId(), owner: user.id, request: { ...request, requestId: '' },
    createdAt: Date.now(), status: 'pending', attempts: 0,
  };
  entry.request.requestId = entry.requestId;
  await putEntry(entry);  // on the device before anything is sent
  await reload();
  void flush();
  return entry;
}

// The server's newer view of sent reports (state changes after sending).
async function noteCases(cases: Case[]) {
  const byRequest = new Map(cases.map((c) => [c.requestId, c]));
  let changed = false;
  for (const e of entries.value) {
    const c = byRequest.get(e.requestId);
    if (c && (e.caseState !== c.state || e.status !== 'sent')) {
      changed = true;
      await updateEntry(e.requestId, (x) => ({
        ...x, status: 'sent', caseId: c.id, caseNumber: c.number, caseState: c.state, lastError: undefined,
      }));
    }
  }
  if (changed) await reload();
}

async function discard(requestId: string) {
  await deleteEntry(requestId);
  await reload();
}

function start() {
  if (started) return;
  started = true;
  window.addEventListener('online', () => void flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void flush();
  });
  setInterval(() => {
    if (entries.value.some((e) => e.status === 'pending')) void flush();
  }, RETRY_MS);
}

export function useOutbox() {
  start();
  return {
    entries,
    sending,
    pendingCount: computed(() => entries.value.filter((e) => e.status === 'pending').length),
    reload,
    flush,
    submit,
    noteCases,
    discard,
  };
}
