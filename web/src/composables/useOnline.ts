// Whether the device believes it has a network: a hint for what to show, never a reason
// not to try sending.
import { onScopeDispose, ref } from 'vue';

export function useOnline() {
  const online = ref(navigator.onLine);
  const update = () => { online.value = navigator.onLine; };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onScopeDispose(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return online;
}
