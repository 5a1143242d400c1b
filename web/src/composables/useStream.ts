// One live connection to GET /v1/stream per page, shared by every component that listens.
// Reconnects with back-off (1 s doubling to 30 s); after a reconnect listeners are told to
// reload, since changes made while disconnected were not streamed.
import { onScopeDispose, ref } from 'vue';
import { openStream } from '@/api/client';
import { ApiError } from '@/api/errors';
import type { StreamEvent } from '@/api/types';

export interface StreamListener {
  onEvent(e: StreamEvent): void;
  onResync?(): void;
}

const listeners = new Set<StreamListener>();
export const streamConnected = ref(false);
export const streamEventsSeen = ref(0);
let controller: AbortController | null = null;

function dispatch(block: string) {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event !== 'case' || data.length === 0) return;
  let parsed: StreamEvent;
  try {
    parsed = JSON.parse(data.join('\n')) as StreamEvent;
  } catch {
    return;
  }
  streamEventsSeen.value++;
  for (const l of [...listeners]) l.onEvent(parsed);
}

async function run(signal: AbortSignal) {
  let backoff = 1000;
  let first = true;
  while (!signal.aborted) {
    try {
      const response = await openStream(signal);
      streamConnected.value = true;
      backoff = 1000;
      if (!first) for (const l of [...listeners]) l.onResync?.();
      first = false;
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (err) {
      if (err instanceof ApiError && err.httpStatus === 401) break;  // signed out: stop
    }
    streamConnected.value = false;
    if (signal.aborted) break;
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 30_000);
    first = false;
  }
  streamConnected.value = false;
}

export function stopStream() {
  controller?.abort();
  controller = null;
}

// Listen for the lifetime of the calling component.
export function useStream(listener: StreamListener) {
  listeners.add(listener);
  if (!controller) {
    controller = new AbortController();
    void run(controller.signal);
  }
  onScopeDispose(() => {
    listeners.delete(listener);
    if (listeners.size === 0) stopStream();
  });
  return { connected: streamConnected, seen: streamEventsSeen };
}
