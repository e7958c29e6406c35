// Who may import whom (docs/architecture.md explains each room). test/architecture/imports.test.ts
// fails when an import breaks these rules or closes a circle.
/** room → the rooms it may import (besides itself). */
const ROOMS = {
  language: [],
  engine: ['language'],
  functions: ['language'],
  integrations: ['language', 'functions', 'engine'],
  store: ['language', 'engine'],
  scheduler: ['language', 'engine', 'store', 'integrations'],
  service: ['language', 'engine', 'store', 'scheduler', 'integrations'],
  api: ['language', 'engine', 'functions', 'integrations', 'store', 'service'],
  app: ['language', 'engine', 'functions', 'integrations', 'store', 'scheduler', 'service', 'api'],
  cli: ['language', 'engine', 'functions', 'integrations', 'store', 'scheduler', 'service', 'api', 'app'],
};

/**
 * Imports allowed across the table while a move is under way: file → the files it may import anyway.
 * Each names the change that removes it.
 */
const EXCEPTIONS = {
  // TestState runs the in-memory driver (src/scheduler/in-memory.ts); TestState moves into src/service
  // (issue #16, change 2), which may import the scheduler: this line goes at that merge.
  'src/api/sfn/test-state.ts': ['src/scheduler/in-memory.ts'],
};
const escapeDots = (file) => file.replace(/[.]/g, '\\.');
const exceptionFiles = Object.keys(EXCEPTIONS).map((f) => `^${escapeDots(f)}$`);

const others = (room) => Object.keys(ROOMS).filter((r) => r !== room && !ROOMS[room].includes(r));

module.exports = {
  ROOMS,
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules may not import each other in a circle', from: { path: '^src/' }, to: { circular: true } },
    ...Object.keys(ROOMS).map((room) => ({
      name: `${room}-imports`,
      severity: 'error',
      comment: `src/${room} may import only ${ROOMS[room].map((r) => `src/${r}`).join(', ') || 'its own modules'}`,
      from: { path: `^src/${room}/`, pathNot: exceptionFiles },
      to: { path: `^src/(${others(room).join('|')})(/|\\.ts$)` },
    })),
    ...Object.entries(EXCEPTIONS).map(([file, allowed]) => {
      const room = file.split('/')[1];
      return {
        name: `${room}-imports`,
        severity: 'error',
        comment: `${file} may import only what src/${room} may, and ${allowed.join(', ')}`,
        from: { path: `^${escapeDots(file)}$` },
        to: { path: `^src/(${others(room).join('|')})(/|\\.ts$)`, pathNot: allowed.map((f) => `^${escapeDots(f)}$`) },
      };
    }),
    {
      name: 'rooms-only',
      severity: 'error',
      comment: 'every module of src/ lives in one of the rooms (no loose files beside them)',
      from: { path: '^src/' },
      // src/stepwright.ts is the facade the service layer (issue #16) replaces; it goes with it.
      to: { path: `^src/(?!(${Object.keys(ROOMS).join('|')})/|stepwright\\.ts$)` },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
  },
};
