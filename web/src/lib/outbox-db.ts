// The phone's outbox: every report the grid worker submits is written here first and stays
// until the server has acknowledged it, so a report survives no signal, a closed page and a
// restarted phone. Sending lives in composables/useOutbox.ts; this file is storage only.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CreateCaseRequest } from '@/api/types';

export type OutboxStatus = 'pending' | 'sent' | 'refused';

export interface OutboxEntry {
  requestId: string;         // the idempotency key: the same on every attempt
  owner: string;             // user id: a report is only ever sent as the one who wrote it
  request: CreateCaseRequest;
  createdAt: number;
  status: OutboxStatus;
  attempts: number;
  lastError?: string;        // Chinese, for the person
  caseId?: string;
  caseNumber?: string;
  caseState?: string;
}

interface OutboxSchema extends DBSchema {
  outbox: { key: string; value: OutboxEntry; indexes: { byOwner: string } };
}

const DB_NAME = 'gridcare';

let db: Promise<IDBPDatabase<OutboxSchema>> | null = null;

function open() {
  db ??= openDB<OutboxSchema>(DB_NAME, 1, {
    upgrade(database) {
      const store = database.createObjectStore('outbox', { keyPath: 'requestId' });
      store.createIndex('byOwner', 'owner');
    },
  });
  return db;
}

export async function putEntry(entry: OutboxEntry): Promise<void> {
  // Resolves only once the transaction is durable in IndexedDB.
  await (await open()).put('outbox', entry);
}

export async function entriesOf(owner: string): Promise<OutboxEntry[]> {
  const all = await (await open()).getAllFromIndex('outbox', 'byOwner', owner);
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getEntry(requestId: string): Promise<OutboxEntry | undefined> {
  return (await open()).get('outbox', requestId);
}

export async function deleteEntry(requestId: string): Promise<void> {
  await (await open()).delete('outbox', requestId);
}

// Read-modify-write in one transaction, so two tabs never undo each other's update.
export async function updateEntry(requestId: string,
  change: (e: OutboxEntry) => OutboxEntry | null): Promise<OutboxEntry | undefined> {
  const tx = (await open()).transaction('outbox', 'readwrite');
  const current = await tx.store.get(requestId);
  if (!current) { await tx.done; return undefined; }
  const next = change(current);
  if (next) await tx.store.put(next);
  await tx.done;
  return next ?? current;
}

// Random enough never to collide between the phones of one user: 128 bits.
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
