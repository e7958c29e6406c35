import { useEffect, useState } from 'react';
import { useLiveConnected } from './api/live-events.js';
import { consoleAdmitted } from './api/sfn-client.js';
import { ApprovalsPage } from './pages/approvals-page.js';
import { ExecutionPage } from './pages/execution-page.js';
import { ExecutionsPage } from './pages/executions-page.js';
import { FunctionsPage } from './pages/functions-page.js';
import { MachinePage } from './pages/machine-page.js';
import { MachinesPage } from './pages/machines-page.js';
import { href, useRoute } from './router.js';

type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('stepwright.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** What a server started with --auth shows a browser that has no (or a stale) console token. */
function TokenRequired({ message }: { message?: string }) {
  return (
    <main id="main" className="page" data-testid="token-required">
      <h1>This Stepwright server needs its console token</h1>
      <p>{message ?? 'The server runs with --auth.'}</p>
      <p>
        Open the console with the address the server printed when it started, the one that ends in <code>#token=…</code>. The token stays in this browser, for
        this address only; a restarted server prints a new one unless <code>STEPWRIGHT_CONSOLE_TOKEN</code> is set.
      </p>
    </main>
  );
}

export function App() {
  const [admission, setAdmission] = useState<{ admitted: boolean; message?: string } | undefined>();
  useEffect(() => {
    consoleAdmitted().then(setAdmission, () => setAdmission({ admitted: true }));
  }, []);
  if (admission === undefined) return null;
  if (!admission.admitted) return <TokenRequired message={admission.message} />;
  return <AdmittedApp />;
}

function AdmittedApp() {
  const route = useRoute();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const live = useLiveConnected();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('stepwright.theme', theme);
  }, [theme]);
  const [section, id] = route.path;
  const dark = theme === 'dark';
  let page;
  if (section === 'machines' && id === 'new') page = <MachinePage key="new" dark={dark} query={route.query} />;
  else if (section === 'machines' && id !== undefined) page = <MachinePage key={id} arn={id} dark={dark} query={route.query} />;
  else if (section === 'executions' && id !== undefined) page = <ExecutionPage key={id} arn={id} dark={dark} />;
  else if (section === 'executions') page = <ExecutionsPage query={route.query} />;
  else if (section === 'functions') page = <FunctionsPage />;
  else if (section === 'approvals') page = <ApprovalsPage />;
  else page = <MachinesPage />;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href.machines()}>
          <img src="/favicon.svg" alt="" width="22" height="22" /> Stepwright
        </a>
        <nav aria-label="Main">
          <a href={href.machines()} aria-current={section === undefined || section === 'machines' ? 'page' : undefined}>
            State machines
          </a>
          <a href={href.executions()} aria-current={section === 'executions' ? 'page' : undefined}>
            Executions
          </a>
          <a href={href.approvals()} aria-current={section === 'approvals' ? 'page' : undefined} data-testid="nav-approvals">
            Approvals
          </a>
          <a href="#/functions" aria-current={section === 'functions' ? 'page' : undefined}>
            Functions
          </a>
        </nav>
        <span className={`live ${live ? 'on' : 'off'}`} title={live ? 'Live updates connected' : 'Live updates reconnecting'} data-testid="live">
          {live ? '● live' : '○ offline'}
        </span>
        <button type="button" className="small" onClick={() => setTheme(dark ? 'light' : 'dark')} aria-label={`Switch to ${dark ? 'light' : 'dark'} theme`}>
          {dark ? '☀ Light' : '☾ Dark'}
        </button>
      </header>
      <main id="main">{page}</main>
    </div>
  );
}
