import { describe, expect, it } from 'vitest';
import type { UnitStats } from '@/api/types';
import { rankUnits } from '@/lib/ranking';

const unit = (id: string, onTime: number, late: number, closed = 0): UnitStats => ({
  unitId: id, name: id, total: onTime + late, open: 0, overdue: late, respondedOnTime: onTime,
  respondedLate: late, onTimeRate: onTime + late ? onTime / (onTime + late) : 0, avgResponseSeconds: 0, closed,
});

describe('ranking', () => {
  it('ties share a rank and the next rank skips (1, 2, 2, 4); units with nothing come last unranked', () => {
    const ranked = rankUnits([unit('e', 0, 0), unit('a', 9, 1), unit('b', 1, 1), unit('c', 1, 1), unit('d', 1, 3)]);
    expect(ranked.map((r) => [r.stats.unitId, r.rank])).toEqual([
      ['a', 1], ['b', 2], ['c', 2], ['d', 4], ['e', undefined],
    ]);
  });
});
