// Ranks units by on-time response rate, then by how many they closed; equal figures share
// a rank (1, 2, 2, 4) and units with nothing to rank yet come last without one.
import type { UnitStats } from '@/api/types';

export interface Ranked { rank?: number; stats: UnitStats }

export function rankUnits(units: UnitStats[]): Ranked[] {
  const responded = (u: UnitStats) => u.respondedOnTime + u.respondedLate;
  const active = units.filter((u) => responded(u) > 0)
    .sort((a, b) => b.onTimeRate - a.onTimeRate || b.closed - a.closed);
  const out: Ranked[] = [];
  active.forEach((u, i) => {
    const prev = out[i - 1];
    const tie = prev && prev.stats.onTimeRate === u.onTimeRate && prev.stats.closed === u.closed;
    out.push({ rank: tie ? prev.rank : i + 1, stats: u });
  });
  for (const u of units) if (responded(u) === 0) out.push({ stats: u });
  return out;
}
