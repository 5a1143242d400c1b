// The signed-in user on this device: kept in localStorage so a grid worker signs in once
// and stays signed in until sign-out or the token's expiry. The one piece of shared state
// the pages read; it changes only through signIn / signOut / expire.
import { computed, reactive } from 'vue';
import type { Session, User } from '@/api/types';

const KEY = 'gridcare.session';

function load(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (!s.token || !s.user || !s.expireTime || Date.parse(s.expireTime) <= Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

const state = reactive<{ session: Session | null; expired: boolean }>({
  session: load(),
  expired: false,
});

export const currentUser = computed<User | null>(() => state.session?.user ?? null);
export const sessionExpired = computed(() => state.expired);

export function token(): string | null {
  const s = state.session;
  if (!s) return null;
  if (Date.parse(s.expireTime ?? '') <= Date.now()) {
    expire();
    return null;
  }
  return s.token;
}

export function remember(session: Session) {
  state.session = session;
  state.expired = false;
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function forget() {
  state.session = null;
  localStorage.removeItem(KEY);
}

// The server no longer takes the token: ask for the password again. Queued reports stay.
export function expire() {
  if (state.session) state.expired = true;
  forget();
}
