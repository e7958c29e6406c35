import { useEffect, useState } from 'react';
import { sfn, type HistoryEvent } from '../api/sfn-client.js';
import { StatusBadge } from '../components/format.js';
import { href } from '../router.js';

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

interface ChildExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
}

/** How many of a run's child executions the panel lists (ListExecutions' first page, newest first). */
const CHILDREN_SHOWN = 100;

/** A run with its child executions (none for Express children, which AWS keeps no record of). */
interface ShownRun extends MapRun {
  readonly children: readonly ChildExecution[];
  readonly moreChildren: boolean;
}

async function describeRun(mapRunArn: string): Promise<ShownRun> {
  const [run, listed] = await Promise.all([
    sfn<MapRun>('DescribeMapRun', { mapRunArn }),
    sfn<{ executions: ChildExecution[]; nextToken?: string }>('ListExecutions', { mapRunArn, maxResults: CHILDREN_SHOWN }),
  ]);
  return { ...run, children: listed.executions, moreChildren: listed.nextToken !== undefined };
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
 * A distributed Map's runs with their progress (DescribeMapRun) and their child executions
 * (ListExecutions by mapRunArn), each a link to its own execution page. Iterations write nothing to
 * this execution's history, so a run still going is asked again every two seconds.
 */
export function MapRuns({ events }: { readonly events: readonly HistoryEvent[] }) {
  const arns = mapRunArnsOf(events);
  const key = arns.join(' ') + ` ${events.length}`;
  const [runs, setRuns] = useState<ShownRun[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (arns.length === 0) return setRuns([]);
    let current = true;
    Promise.all(arns.map(describeRun))
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
            {r.children.length > 0 && (
              <details className="map-run-children" data-testid="map-run-children">
                <summary>
                  Child executions ({r.moreChildren ? `the newest ${r.children.length}` : r.children.length})
                </summary>
                <ul>
                  {r.children.map((child) => (
                    <li key={child.executionArn}>
                      <a href={href.execution(child.executionArn)} className="mono small-text">
                        {child.name}
                      </a>{' '}
                      <StatusBadge status={child.status} />
                    </li>
                  ))}
                </ul>
              </details>
            )}
          </div>
        );
      })}
    </section>
  );
}
