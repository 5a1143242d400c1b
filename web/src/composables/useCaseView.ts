// Loads one case with its timeline and the actions the caller may take, keeps them current
// from the live stream, and reloads when an action finds the case changed by someone else.
import { ref } from 'vue';
import { api } from '@/api/client';
import { ApiError } from '@/api/errors';
import type { Case, CaseEvent } from '@/api/types';
import { useStream } from '@/composables/useStream';

export function useCaseView(id: () => string, fallback?: () => Case | undefined) {
  const c = ref<Case | null>(null);
  const events = ref<CaseEvent[]>([]);
  const allowed = ref<string[]>([]);
  const error = ref('');
  const notice = ref('');
  const offlineCopy = ref(false);

  async function load() {
    try {
      const [kase, ev, actions] = await Promise.all([
        api.getCase(id()), api.events(id()), api.allowedActions(id()),
      ]);
      c.value = kase;
      events.value = ev.events;
      allowed.value = actions.actions;
      error.value = '';
      offlineCopy.value = false;
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', String(e));
      const copy = err.offline ? fallback?.() : undefined;
      if (copy) {
        c.value = copy;
        allowed.value = [];  // nothing can be done offline: actions need the current version
        offlineCopy.value = true;
      }
      error.value = err.userMessage;
    }
  }

  useStream({
    onEvent(e) {
      if (e.caseId === id()) void load();
    },
    onResync: () => void load(),
  });

  async function stale() {
    notice.value = '该案件刚被其他人更新，已为您重新加载，请确认后再操作';
    await load();
  }

  async function done(updated: Case, label: string) {
    c.value = updated;
    notice.value = `已${label}`;
    await load();
  }

  return { c, events, allowed, error, notice, offlineCopy, load, stale, done };
}
