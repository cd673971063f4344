import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort, makeTempDir, type ProcessServer, startProcessServer, tcpReachable } from '../process-server.js';

/** The pinned versions scripts/ensure-real-servers.mjs installs. */
export const REAL_SERVER_VERSIONS = JSON.parse(readFileSync(new URL('./versions.json', import.meta.url), 'utf8')) as {
  kafka: string;
  ferretdb: string;
  influxdb: string;
  schemathesis: string;
};

const CACHE =
  process.env.HVAC_EDGE_SERVER_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hvac-edge', 'servers');

function installed(dir: string, what: string): string {
  if (!existsSync(join(dir, '.complete'))) {
    throw new Error(
      `${what} is not installed in ${dir}: the test command installs it (node scripts/ensure-real-servers.mjs); ` +
        'HVAC_EDGE_REAL_SERVERS=off skipped that',
    );
  }
  return dir;
}

export interface RealKafka extends ProcessServer {
  brokers: string[];
  version: string;
  /** Where it keeps its data and listens: startApacheKafka(restartable) brings it back there, data intact. */
  restartable: { dir: string; port: number; controller: number };
}

/**
 * Apache Kafka in KRaft mode, one combined broker and controller on random loopback ports, its storage formatted in
 * a temp dir, a small heap; replication factors of one so that consumer groups and idempotent producers work.
 */
export async function startApacheKafka(
  at: { dir: string; port: number; controller: number } | undefined = undefined,
): Promise<RealKafka> {
  const version = REAL_SERVER_VERSIONS.kafka;
  const home = installed(join(CACHE, `kafka-${version}`), `Apache Kafka ${version}`);
  const dir = at?.dir ?? (await makeTempDir('apache-kafka'));
  const port = at?.port ?? (await freePort());
  const controller = at?.controller ?? (await freePort());
  const config = join(dir, 'server.properties');
  const classpath = `${join(home, 'libs')}/*`;
  if (!existsSync(config)) {
    writeFileSync(
      config,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        `controller.quorum.bootstrap.servers=127.0.0.1:${controller}`,
        `log.dirs=${join(dir, 'data')}`,
        'num.partitions=3',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=3',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=true',
        '',
      ].join('\n'),
    );
    execFileSync(
      'java',
      ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId(), '-c', config],
      { stdio: 'ignore' },
    );
  }
  const server = await startProcessServer({
    name: `Apache Kafka ${version}`,
    command: 'java',
    args: ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-cp', classpath, 'kafka.Kafka', config],
    port,
    dir,
    ready: () => tcpReachable(port),
    readyTimeoutMs: 60_000,
    keepDir: at !== undefined,
  });
  return { ...server, brokers: [`127.0.0.1:${port}`], version, restartable: { dir, port, controller } };
}

export interface RealMongo extends ProcessServer {
  url: string;
  version: string;
  /** Where it keeps its data and listens: startFerretDb(restartable) brings it back there, data intact. */
  restartable: { dir: string; port: number };
}

/** FerretDB with its embedded SQLite backend on a random loopback port (a MongoDB-wire-compatible server). */
export async function startFerretDb(at: { dir: string; port: number } | undefined = undefined): Promise<RealMongo> {
  const version = REAL_SERVER_VERSIONS.ferretdb;
  const home = installed(join(CACHE, `ferretdb-${version}`), `FerretDB ${version}`);
  const dir = at?.dir ?? (await makeTempDir('ferretdb'));
  const port = at?.port ?? (await freePort());
  const server = await startProcessServer({
    name: `FerretDB ${version}`,
    command: join(home, 'bin', 'ferretdb'),
    args: [
      `--listen-addr=127.0.0.1:${port}`,
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      '--telemetry=disable',
      '--log-level=warn',
      '--debug-addr=-',
    ],
    port,
    dir,
    ready: () => tcpReachable(port),
    readyTimeoutMs: 30_000,
    keepDir: at !== undefined,
  });
  return { ...server, url: `mongodb://127.0.0.1:${port}/`, version, restartable: { dir, port } };
}

/** The `st` command of the schemathesis the test command installed from PyPI. */
export function schemathesisCommand(): string {
  const version = REAL_SERVER_VERSIONS.schemathesis;
  return join(installed(join(CACHE, `schemathesis-${version}`), `schemathesis ${version}`), 'venv', 'bin', 'st');
}

export interface RealInflux extends ProcessServer {
  url: string;
  version: string;
}

/**
 * InfluxDB OSS 1.x on random loopback ports (HTTP API and its RPC bind address), data in a temp dir, no auth, no
 * usage reporting, Flux enabled; the sink writes to its v2-compatible write API.
 */
export async function startInfluxDb(): Promise<RealInflux> {
  const version = REAL_SERVER_VERSIONS.influxdb;
  const home = installed(join(CACHE, `influxdb-${version}`), `InfluxDB ${version}`);
  const dir = await makeTempDir('influxdb');
  const [port, rpc] = [await freePort(), await freePort()];
  const config = join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpc}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${port}"`,
      '  log-enabled = false',
      '  flux-enabled = true',
      '[monitor]',
      '  store-enabled = false',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcessServer({
    name: `InfluxDB ${version}`,
    command: join(home, 'bin', 'influxd'),
    args: ['-config', config],
    port,
    dir,
    ready: async () => (await fetch(`${url}/ping`)).status === 204,
    readyTimeoutMs: 60_000,
  });
  return { ...server, url, version };
}

/**
 * A random cluster id as Kafka makes them: 16 bytes, base64url, never starting with '-' (the storage tool would
 * read it as an option: one start in 64 failed that way).
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
