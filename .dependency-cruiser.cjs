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

const others = (room) => Object.keys(ROOMS).filter((r) => r !== room && !ROOMS[room].includes(r));

module.exports = {
  ROOMS,
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'modules may not import each other in a circle', from: { path: '^src/' }, to: { circular: true } },
    ...Object.keys(ROOMS).map((room) => ({
      name: `${room}-imports`,
      severity: 'error',
      comment: `src/${room} may import only ${ROOMS[room].map((r) => `src/${r}`).join(', ') || 'its own modules'}`,
      from: { path: `^src/${room}/` },
      to: { path: `^src/(${others(room).join('|')})(/|\\.ts$)` },
    })),
    {
      name: 'rooms-only',
      severity: 'error',
      comment: 'every module of src/ lives in one of the rooms (no loose files beside them)',
      from: { path: '^src/' },
      to: { path: `^src/(?!(${Object.keys(ROOMS).join('|')})/)` },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
  },
};
