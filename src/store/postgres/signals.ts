import pg from 'pg';
import { SignalHub, type SignalKind, type StoreSignals } from '../signals.js';

/** The channel every Stepwright process sharing a database listens on. */
export const CHANNEL = 'stepwright';
/** NOTIFY payloads must stay under 8000 bytes; signals are packed into payloads below this. */
const PAYLOAD_LIMIT = 7000;
const KINDS: ReadonlySet<string> = new Set<SignalKind>(['executionFinished', 'workAvailable', 'activityTaskAvailable', 'activityDeleted', 'activityCreated']);

/**
 * Signals across processes with LISTEN/NOTIFY. The process that raises a signal delivers it to its
 * own listeners at once and NOTIFYs the others; a payload names its origin, so the origin skips
 * its own. A dedicated connection listens (a pooled one would be handed to queries); when it
 * breaks it reconnects, and signals lost meanwhile cost the others a poll, not correctness.
 */
export class PgSignals implements StoreSignals {
  private readonly hub = new SignalHub((e) => console.error('stepwright store: a signal listener failed:', e));
  private listener: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly pool: pg.Pool,
    private readonly origin: string,
  ) {}

  on(kind: SignalKind, key: string | undefined, listener: (key: string) => void): () => void {
    return this.hub.on(kind, key, listener);
  }

  publish(kind: SignalKind, key: string): void {
    this.hub.publish(kind, key);
    for (const payload of this.payloads([[kind, key]]))
      this.pool.query('select pg_notify($1, $2)', [CHANNEL, payload]).catch((e: unknown) => console.error('stepwright store: NOTIFY failed:', e));
  }

  /** This process's listeners hear a committed signal at once. */
  raiseHere(kind: SignalKind, key: string): void {
    this.hub.publish(kind, key);
  }

  /** The payloads that carry `signals` to the other processes (sent inside the commit: NOTIFY is transactional). */
  payloads(signals: readonly (readonly [SignalKind, string])[]): string[] {
    const out: string[] = [];
    let cur = this.origin;
    for (const [kind, key] of signals) {
      const line = `\n${kind} ${key}`;
      if (cur.length + line.length > PAYLOAD_LIMIT && cur !== this.origin) {
        out.push(cur);
        cur = this.origin;
      }
      cur += line;
    }
    if (cur !== this.origin) out.push(cur);
    return out;
  }

  async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    client.on('notification', (m) => this.received(m.payload));
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.listener = client;
  }

  private reconnect(client: pg.Client): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen().catch(() => this.retryLater());
    }, 1000);
    this.retry.unref();
  }

  private retryLater(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen().catch(() => this.retryLater());
    }, 1000);
    this.retry.unref();
  }

  private received(payload: string | undefined): void {
    if (payload === undefined) return;
    const lines = payload.split('\n');
    if (lines[0] === this.origin) return;
    for (let i = 1; i < lines.length; i++) {
      const space = lines[i].indexOf(' ');
      const kind = lines[i].slice(0, space);
      if (space > 0 && KINDS.has(kind)) this.hub.publish(kind as SignalKind, lines[i].slice(space + 1));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry !== undefined) clearTimeout(this.retry);
    const l = this.listener;
    this.listener = undefined;
    if (l !== undefined) await l.end().catch(() => undefined);
  }
}
