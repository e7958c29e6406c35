/** Log capture and Lambda's START / END / REPORT lines. */

/** Keeps at most `limit` characters (the first ones: Lambda truncates a flood, it does not rotate). */
export class LogBuffer {
  private chunks: string[] = [];
  private size = 0;
  constructor(private readonly limit = 1_048_576) {}

  append(text: string): void {
    if (this.size >= this.limit || text === '') return;
    const piece = text.length > this.limit - this.size ? text.slice(0, this.limit - this.size) : text;
    this.chunks.push(piece);
    this.size += piece.length;
  }

  prepend(text: string): void {
    this.chunks.unshift(text);
    this.size += text.length;
  }

  take(): string {
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    return text;
  }
}

export interface InvocationLogFacts {
  readonly requestId: string;
  readonly version: string;
  readonly body: string;
  readonly durationMs: number;
  readonly memoryMB: number;
  readonly maxMemoryUsedMB?: number;
  /** Set on a cold start. */
  readonly initDurationMs?: number;
  /** Extra text after END (e.g. Lambda's "Task timed out" line precedes END in the real log). */
  readonly status?: string;
}

/** The log of one invocation as Lambda writes it to CloudWatch Logs. */
export function formatInvocationLog(f: InvocationLogFacts): string {
  const body = f.body === '' || f.body.endsWith('\n') ? f.body : `${f.body}\n`;
  const report = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(f.durationMs + (f.initDurationMs ?? 0)))} ms`,
    `Memory Size: ${f.memoryMB} MB`,
    `Max Memory Used: ${f.maxMemoryUsedMB ?? 0} MB`,
    ...(f.initDurationMs !== undefined ? [`Init Duration: ${f.initDurationMs.toFixed(2)} ms`] : []),
    ...(f.status !== undefined ? [`Status: ${f.status}`] : []),
  ].join('\t');
  return `START RequestId: ${f.requestId} Version: ${f.version}\n${body}END RequestId: ${f.requestId}\n${report}\t\n`;
}
