import { useEffect, useRef, useState } from 'react';

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
let source: EventSource | undefined;
let connected = false;
const statusListeners = new Set<(c: boolean) => void>();

function setConnected(c: boolean): void {
  connected = c;
  for (const l of statusListeners) l(c);
}

function ensureSource(): void {
  if (source !== undefined) return;
  source = new EventSource('/console/api/events');
  let opened = false;
  source.addEventListener('hello', () => {
    // A second hello is a reconnect: whatever happened meanwhile was not announced, so pages refetch.
    if (opened) for (const l of listeners) l({ kind: 'reconnected' });
    opened = true;
    setConnected(true);
  });
  source.addEventListener('execution', (e) => {
    const change = JSON.parse((e as MessageEvent<string>).data) as ExecutionChange;
    for (const l of listeners) l({ kind: 'execution', change });
  });
  source.addEventListener('machines', () => {
    for (const l of listeners) l({ kind: 'machines' });
  });
  source.onerror = () => setConnected(false);
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
