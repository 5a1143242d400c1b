// The one typed client of the GridCare API (../shared/api.md). Pages and composables call
// these functions; nothing else in the console calls fetch.
import { ApiError } from './errors';
import type {
  ActionName, Case, CaseActionRequest, CaseEvent, CreateCaseRequest, OrgUnit, Session,
  StatsResponse,
} from './types';
import { expire, token } from '@/lib/session';

export interface CaseQuery {
  view?: 'INBOX' | 'MINE' | 'OVERDUE' | 'ALL';
  state?: string;
  category?: string;
  unitId?: string;
  pageSize?: number;
  pageToken?: string;
}

export interface DailyStats {
  date: string;
  received: number;
  responded: number;
  avgResponseSeconds: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

async function call<T>(method: string, path: string, body?: unknown,
  opts: { timeoutMs?: number; auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.auth !== false) {
    const t = token();
    if (!t) throw new ApiError(401, 'UNAUTHENTICATED', 'not signed in');
    headers.Authorization = `Bearer ${t}`;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal, cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', String(err));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 204) return undefined as T;
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    if (response.ok) throw new ApiError(response.status, 'INTERNAL', 'response is not JSON');
  }
  if (!response.ok) {
    const err = (payload as { error?: { status?: string; message?: string } } | null)?.error;
    const e = new ApiError(response.status, err?.status ?? `HTTP_${response.status}`,
      err?.message ?? response.statusText);
    if (response.status === 401 && opts.auth !== false) expire();
    throw e;
  }
  return payload as T;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  signIn: (username: string, password: string) =>
    call<Session>('POST', '/v1/sessions', { username, password }, { auth: false }),
  signOut: () => call<void>('DELETE', '/v1/sessions/current'),

  createCase: (request: CreateCaseRequest) => call<Case>('POST', '/v1/cases', request),
  getCase: (id: string) => call<Case>('GET', `/v1/cases/${encodeURIComponent(id)}`),
  listCases: (q: CaseQuery) =>
    call<{ cases: Case[]; nextPageToken?: string }>('GET', `/v1/cases${query({ ...q })}`),
  events: (id: string) =>
    call<{ events: CaseEvent[] }>('GET', `/v1/cases/${encodeURIComponent(id)}/events`),
  allowedActions: (id: string) =>
    call<{ actions: ActionName[] }>('GET', `/v1/cases/${encodeURIComponent(id)}/actions`),
  act: (id: string, action: ActionName, request: Partial<CaseActionRequest>) =>
    call<Case>('POST', `/v1/cases/${encodeURIComponent(id)}:${action}`, request),

  orgUnits: () => call<{ units: OrgUnit[] }>('GET', '/v1/orgUnits'),
  stats: (unitId?: string) => call<StatsResponse>('GET', `/v1/stats${query({ unitId })}`),
  dailyStats: (unitId?: string, days = 14) =>
    call<{ days: DailyStats[] }>('GET', `/v1/stats:daily${query({ unitId, days })}`),
};

// Every page of a list, up to `max` cases: inboxes and boards sort what they owe by deadline,
// which the server's newest-first order cannot give page by page.
export async function listAll(q: CaseQuery, max = 1000): Promise<Case[]> {
  const out: Case[] = [];
  let pageToken: string | undefined;
  do {
    const page = await api.listCases({ ...q, pageSize: 200, pageToken });
    out.push(...page.cases);
    pageToken = page.nextPageToken || undefined;
  } while (pageToken && out.length < max);
  return out;
}

// The stream is read with fetch, not EventSource, because EventSource cannot send the
// Authorization header and a token must never travel in a URL.
export async function openStream(signal: AbortSignal): Promise<Response> {
  const t = token();
  if (!t) throw new ApiError(401, 'UNAUTHENTICATED', 'not signed in');
  let response: Response;
  try {
    response = await fetch('/v1/stream', {
      headers: { Authorization: `Bearer ${t}`, Accept: 'text/event-stream' },
      signal, cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', String(err));
  }
  if (response.status === 401) {
    expire();
    throw new ApiError(401, 'UNAUTHENTICATED', 'stream refused the token');
  }
  if (!response.ok || !response.body) throw new ApiError(response.status, 'UNAVAILABLE', 'stream refused');
  return response;
}
