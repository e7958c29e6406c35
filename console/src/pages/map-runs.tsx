import { useEffect, useState } from 'react';
import { sfn, type HistoryEvent } from '../api/sfn-client.js';
import { StatusBadge } from '../components/format.js';

interface MapRunCounts {
  readonly pending: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly total: number;
}

interface MapRun {
  readonly mapRunArn: string;
  readonly status: string;
  readonly itemCounts: MapRunCounts;
}

/** The Map Runs the history names (distributed Maps), oldest first. */
export function mapRunArnsOf(events: readonly HistoryEvent[]): string[] {
  const arns: string[] = [];
  for (const e of events) {
    const details = e.mapRunStartedEventDetails as { mapRunArn?: unknown } | undefined;
    if (e.type === 'MapRunStarted' && typeof details?.mapRunArn === 'string') arns.push(details.mapRunArn);
  }
  return arns;
}

/** `…:mapRun:MACHINE/LABEL:UUID` → LABEL. */
const labelOf = (arn: string): string => arn.slice(arn.indexOf('/') + 1, arn.lastIndexOf(':'));

/**
 * A distributed Map's runs with their progress (DescribeMapRun). Iterations write nothing to this
 * execution's history, so a run still going is asked again every two seconds.
 */
export function MapRuns({ events }: { readonly events: readonly HistoryEvent[] }) {
  const arns = mapRunArnsOf(events);
  const key = arns.join(' ') + ` ${events.length}`;
  const [runs, setRuns] = useState<MapRun[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (arns.length === 0) return setRuns([]);
    let current = true;
    Promise.all(arns.map((mapRunArn) => sfn<MapRun>('DescribeMapRun', { mapRunArn })))
      .then((r) => current && setRuns(r))
      .catch(() => undefined);
    return () => {
      current = false;
    };
    // Asked again when `key` (the ARNs and the history's length) or `tick` changes.
  }, [key, tick]);
  const going = runs.some((r) => r.status === 'RUNNING');
  useEffect(() => {
    if (!going) return;
    const timer = setInterval(() => setTick((t) => t + 1), 2000);
    return () => clearInterval(timer);
  }, [going]);
  if (runs.length === 0) return null;
  return (
    <section className="panel" aria-label="Map Runs">
      <h2>Map Runs</h2>
      {runs.map((r) => {
        const c = r.itemCounts;
        const done = c.succeeded + c.failed;
        const width = (n: number) => `${c.total > 0 ? (100 * n) / c.total : 0}%`;
        return (
          <div key={r.mapRunArn} className="map-run" data-testid="map-run">
            <p>
              <strong>{labelOf(r.mapRunArn)}</strong> <StatusBadge status={r.status} />{' '}
              <span className="muted small-text" data-testid="map-run-counts">
                {c.total > 0 ? `${done} of ${c.total} done` : 'items not counted'} · {c.succeeded} succeeded · {c.failed} failed · {c.running} running · {c.pending} pending
              </span>
            </p>
            <div className="map-run-bar" role="progressbar" aria-valuemin={0} aria-valuemax={c.total} aria-valuenow={done}>
              <span className="map-run-succeeded" style={{ width: width(c.succeeded) }} />
              <span className="map-run-failed" style={{ width: width(c.failed) }} />
              <span className="map-run-running" style={{ width: width(c.running) }} />
            </div>
            <p className="muted mono small-text">{r.mapRunArn}</p>
          </div>
        );
      })}
    </section>
  );
}
