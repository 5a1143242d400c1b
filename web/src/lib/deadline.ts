// Which clock a case is on and how close it is: the response clock until it is accepted,
// then the resolution clock, then the follow-up clock (product.md "SLA clocks").
import type { Case } from '@/api/types';

export type Urgency = 'ok' | 'warning' | 'overdue';

export interface Deadline {
  kind: 'response' | 'resolve' | 'followUp';
  label: string;
  due: number;    // ms since epoch
  start?: number; // when the window opened, when the case says so
}

// warn_at's default: the server fires SLA_WARNING at 75 % of a window (deploy/gridcare.toml).
export const WARN_AT = 0.75;
// The escalated response window's default, for a window whose start the case does not carry.
const DEFAULT_WINDOW_MS = 24 * 3600_000;

const ms = (iso?: string) => (iso ? Date.parse(iso) : NaN);

export function deadlineOf(c: Case): Deadline | null {
  switch (c.state) {
    case 'REPORTED':
    case 'ASSIGNED': {
      const due = ms(c.responseDueTime);
      if (Number.isNaN(due)) return null;
      // After an escalation the window restarted at a moment the case does not record.
      const start = c.escalations === 0 ? ms(c.createTime) : undefined;
      return { kind: 'response', label: c.state === 'REPORTED' ? '核实/响应时限' : '受理时限', due, start };
    }
    case 'IN_PROGRESS': {
      const due = ms(c.resolveDueTime);
      return Number.isNaN(due) ? null : { kind: 'resolve', label: '办结时限', due, start: ms(c.respondTime) || undefined };
    }
    case 'RESOLVED': {
      const due = ms(c.followUpDueTime);
      return Number.isNaN(due) ? null : { kind: 'followUp', label: '回访时限', due, start: ms(c.resolveTime) || undefined };
    }
    default:
      return null;
  }
}

export function urgencyAt(d: Deadline, now: number): Urgency {
  if (now >= d.due) return 'overdue';
  const start = d.start !== undefined && !Number.isNaN(d.start) ? d.start : d.due - DEFAULT_WINDOW_MS;
  return now >= start + (d.due - start) * WARN_AT ? 'warning' : 'ok';
}

// Soonest deadline first; cases with no clock running last, newest first among them.
export function byDeadline(a: Case, b: Case): number {
  const da = deadlineOf(a)?.due ?? Infinity;
  const db = deadlineOf(b)?.due ?? Infinity;
  if (da !== db) return da - db;
  return ms(b.createTime) - ms(a.createTime);
}
