import { useEffect, useState } from 'react';

/** Hash routes (`#/executions/<arn>`): the server serves one page at `/` and needs no fallback. */
export interface Route {
  readonly path: string[];
  readonly query: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [p, q = ''] = hash.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => setRoute(current());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = {
  machines: () => '#/',
  newMachine: () => '#/machines/new',
  machine: (arn: string, tab?: string) => `#/machines/${encodeURIComponent(arn)}${tab ? `?tab=${tab}` : ''}`,
  executions: (params: Record<string, string> = {}) => {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
    return `#/executions${q.size > 0 ? `?${q}` : ''}`;
  },
  execution: (arn: string) => `#/executions/${encodeURIComponent(arn)}`,
  approvals: () => '#/approvals',
};

export const navigate = (to: string): void => {
  window.location.hash = to.replace(/^#/, '');
};
