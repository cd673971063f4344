import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { type AddEventRequest, createLogger, stringifyEdgex } from '@hvac-edge/shared';
import { makeTempDir, uniqueTopic } from '@hvac-edge/test/support';
import { createGateway, type Gateway } from '../src/app.js';
import { loadGatewayConfig } from '../src/config.js';
import { LocalDatabase } from '../src/local/local-database.js';
import { SqliteEventStore, type SqliteStoreOptions } from '../src/store/sqlite/sqlite-event-store.js';

/**
 * The embedded event store in a LocalDatabase of its own at `path`, as a gateway opens it (synchronous=full); its
 * close() closes the database too. For tests that look at a gateway's file after the gateway stopped or died.
 */
export async function openSqliteStore(
  path: string,
  now?: () => number,
  options: Pick<SqliteStoreOptions, 'commitWindowMs' | 'onCommit' | 'seqSaveIntervalMs'> = {},
): Promise<SqliteEventStore> {
  const local = new LocalDatabase({ path, synchronous: 'full', eventTables: true });
  local.open();
  const store = new SqliteEventStore(local, { ...options, ...(now ? { now } : {}) });
  await store.open();
  const closeStore = store.close.bind(store);
  store.close = async () => {
    await closeStore();
    local.close();
  };
  return store;
}

/** Posts an AddEventRequest to the v3 route of the device it names, as an agent would; the caller checks the answer. */
export function injectEvent(gw: Gateway, body: AddEventRequest) {
  return gw.server.inject({
    method: 'POST',
    url: `/api/v3/event/svc/dht22/${body.event.deviceName}/climate`,
    payload: stringifyEdgex(body),
    headers: { 'content-type': 'application/json' },
  });
}

export interface TestGateway extends Gateway {
  dir: string;
  /** Stops the gateway and removes its data. */
  dispose(): Promise<void>;
}

/** The admin token every test gateway accepts (deletes, set-point commands and /api/v3/config need one). */
export const ADMIN_TOKEN = 'test-admin-token-000000000001';
export const AS_ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * A gateway on a temp-dir store (open, its routes ready for inject) that listens on 127.0.0.1 port 0 once started,
 * configured by dotted overrides (e.g. { 'auth.tokens': [...] }). Background features run only after `start()`.
 */
export async function startTestGateway(
  overrides: Record<string, unknown> = {},
  options: { now?: () => number } = {},
): Promise<TestGateway> {
  const dir = await makeTempDir('gw');
  const config = loadGatewayConfig(
    {},
    {
      'http.host': '127.0.0.1',
      'http.port': 0,
      'store.path': `${dir}/gateway.db`,
      'auth.adminTokens': [ADMIN_TOKEN],
      // Its own id, so its command relay has its own consumer group: on a real Kafka shared by the whole run, a group
      // one test's gateway left behind makes the next joiner wait out the session timeout.
      gatewayId: uniqueTopic('gw'),
      ...overrides,
    },
  );
  const log = createLogger('gateway', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const gw = await createGateway(config, log, { defaultMetrics: false, ...options });
  await gw.server.ready();
  return Object.assign(gw, {
    dir,
    async dispose() {
      await gw.stop();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

export interface GatewayProcess {
  proc: ChildProcess;
  exited: Promise<number | null>;
}

/** The gateway as its own process (from sources), configured by GATEWAY_* variables; for crash and restart tests. */
export function spawnGateway(
  port: number,
  dbPath: string,
  env: Record<string, string> = {},
  output: 'inherit' | 'pipe' = 'inherit',
): GatewayProcess {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(port),
      GATEWAY_STORE_PATH: dbPath,
      GATEWAY_LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', output, output],
  });
  return { proc, exited: new Promise((r) => proc.once('exit', (code) => r(code))) };
}
