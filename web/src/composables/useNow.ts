// A clock that ticks once a second, shared by every countdown on the page.
import { onScopeDispose, ref } from 'vue';

const now = ref(Date.now());
let timer: ReturnType<typeof setInterval> | null = null;
let users = 0;

export function useNow() {
  users++;
  timer ??= setInterval(() => { now.value = Date.now(); }, 1000);
  onScopeDispose(() => {
    if (--users === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  });
  return now;
}
