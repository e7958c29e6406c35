import { useEffect, useRef, useState } from 'react';
import { tokenHeaders } from './console-token.js';

export interface ExecutionChange {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly lastEventId: number;
}

export type LiveEvent = { readonly kind: 'execution'; readonly change: ExecutionChange } | { readonly kind: 'machines' } | { readonly kind: 'reconnected' };

type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();
let started = false;
let connected = false;
const statusListeners = new Set<(c: boolean) => void>();

function setConnected(c: boolean): void {
  if (c === connected) return;
  connected = c;
  for (const l of statusListeners) l(c);
}

function dispatch(event: string, data: string, opened: boolean): void {
  if (event === 'hello') {
    // A second hello is a reconnect: whatever happened meanwhile was not announced, so pages refetch.
    if (opened) for (const l of listeners) l({ kind: 'reconnected' });
    setConnected(true);
  } else if (event === 'execution') {
    const change = JSON.parse(data) as ExecutionChange;
    for (const l of listeners) l({ kind: 'execution', change });
  } else if (event === 'machines') {
    for (const l of listeners) l({ kind: 'machines' });
  }
}

/**
 * Server-sent events read with fetch rather than EventSource, which cannot send the console token
 * header (`--auth`). Reconnects after a second when the stream ends or fails, as EventSource would.
 */
function ensureSource(): void {
  if (started) return;
  started = true;
  let opened = false;
  const connect = async (): Promise<void> => {
    try {
      const res = await fetch('/console/api/events', { headers: { accept: 'text/event-stream', ...tokenHeaders() } });
      if (!res.ok || res.body === null) throw new Error(`live events: ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          dispatch(event, data.join('\n'), opened);
          if (event === 'hello') opened = true;
        }
      }
    } catch {
      // fall through to reconnect
    }
    setConnected(false);
    setTimeout(() => void connect(), 1000);
  };
  void connect();
}

/** Calls `onEvent` for every live event while the component is mounted (one shared EventSource). */
export function useLiveEvents(onEvent: Listener): void {
  const ref = useRef(onEvent);
  ref.current = onEvent;
  useEffect(() => {
    ensureSource();
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}

export function useLiveConnected(): boolean {
  const [c, setC] = useState(connected);
  useEffect(() => {
    ensureSource();
    statusListeners.add(setC);
    return () => void statusListeners.delete(setC);
  }, []);
  return c;
}
