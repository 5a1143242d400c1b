import { describe, expect, it } from 'vitest';
import type { Case } from '@/api/types';
import { byDeadline, deadlineOf, urgencyAt } from '@/lib/deadline';

const H = 3600_000;
const t0 = Date.parse('2026-12-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function kase(over: Partial<Case>): Case {
  return {
    id: '1', number: 'NA-1', requestId: 'r', channel: 'GRID_PATROL', category: 'OTHER', priority: 'ROUTINE',
    gridId: 'g', title: 't', description: '', address: '', subjects: [], state: 'REPORTED', assignedUnitId: 'v',
    reporterId: 'u', createTime: iso(t0), updateTime: iso(t0), responseDueTime: iso(t0 + 48 * H),
    respondTime: undefined, resolveDueTime: undefined, resolveTime: undefined, closeTime: undefined,
    overdue: false, escalations: 0, version: 1, villageId: 'v', followUpDueTime: undefined,
    resolveOverdue: false, followUpOverdue: false, ...over,
  } as Case;
}

describe('deadlines', () => {
  it('a new report is on its response clock, amber from 75 % of the window, red after it', () => {
    const d = deadlineOf(kase({}))!;
    expect(d.kind).toBe('response');
    expect(urgencyAt(d, t0 + 35 * H)).toBe('ok');
    expect(urgencyAt(d, t0 + 36 * H)).toBe('warning');
    expect(urgencyAt(d, t0 + 48 * H)).toBe('overdue');
  });

  it('an accepted case is on its resolution clock, a resolved one on its follow-up clock', () => {
    expect(deadlineOf(kase({ state: 'IN_PROGRESS', respondTime: iso(t0 + H), resolveDueTime: iso(t0 + 100 * H) }))!.kind)
      .toBe('resolve');
    expect(deadlineOf(kase({ state: 'RESOLVED', resolveTime: iso(t0 + H), followUpDueTime: iso(t0 + 50 * H) }))!.kind)
      .toBe('followUp');
    expect(deadlineOf(kase({ state: 'CLOSED' }))).toBeNull();
  });

  it('an escalated case, whose window start is unknown, warns in the last quarter of a day', () => {
    const d = deadlineOf(kase({ escalations: 1, responseDueTime: iso(t0 + 24 * H) }))!;
    expect(urgencyAt(d, t0 + 17 * H)).toBe('ok');
    expect(urgencyAt(d, t0 + 19 * H)).toBe('warning');
  });

  it('lists sort soonest deadline first, finished cases last', () => {
    const a = kase({ id: 'a', responseDueTime: iso(t0 + 10 * H) });
    const b = kase({ id: 'b', responseDueTime: iso(t0 + 2 * H) });
    const c = kase({ id: 'c', state: 'CLOSED' });
    expect([c, a, b].sort(byDeadline).map((x) => x.id)).toEqual(['b', 'a', 'c']);
  });
});
