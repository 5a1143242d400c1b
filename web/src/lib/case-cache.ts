// The last lists and cases the phone saw, kept for reading with no signal. Small by design:
// a grid worker's own reports and the visits they owe.
import type { Case } from '@/api/types';

const key = (owner: string, name: string) => `gridcare.cache.${owner}.${name}`;

export function saveCases(owner: string, name: string, cases: Case[]) {
  try {
    localStorage.setItem(key(owner, name), JSON.stringify(cases.slice(0, 200)));
  } catch {
    // Storage full: reading offline is a convenience, sending is not affected.
  }
}

export function loadCases(owner: string, name: string): Case[] {
  try {
    return JSON.parse(localStorage.getItem(key(owner, name)) ?? '[]') as Case[];
  } catch {
    return [];
  }
}

export function cachedCase(owner: string, id: string): Case | undefined {
  for (const name of ['mine', 'inbox']) {
    const found = loadCases(owner, name).find((c) => c.id === id);
    if (found) return found;
  }
  return undefined;
}
