#!/usr/bin/env node
// Installs the real servers the test suite runs its Kafka and MongoDB integration tests against, each pinned to an
// exact version, built once per machine into a cache folder keyed by that version (outside the repository):
//   Apache Kafka  — the broker's jars and their runtime dependencies from Maven Central (mvn, from a small pom);
//   FerretDB      — a MongoDB-wire-compatible server with an embedded SQLite backend (its source from the Go module
//                   proxy, go build);
//   InfluxDB      — OSS 1.x, built from its module on the Go module proxy with its Rust Flux library (cargo);
//   schemathesis  — the OpenAPI fuzzer the suite runs against the gateway's /openapi.json (PyPI, in a venv).
// Runs before vitest, after scripts/ensure-system-deps.mjs. HVAC_EDGE_REAL_SERVERS=off skips it (quick local runs;
// the real-server projects then stop the run with a message saying so, nothing is skipped silently).
// Exit codes: 0 ready, 1 an install failed (its output above).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const VERSIONS = JSON.parse(
  readFileSync(new URL('../test/support/real-servers/versions.json', import.meta.url), 'utf8'),
);
const CACHE =
  process.env.HVAC_EDGE_SERVER_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hvac-edge', 'servers');

if (process.env.HVAC_EDGE_REAL_SERVERS === 'off') process.exit(0);

for (const [tool, why] of [
  ['java', 'Apache Kafka runs on Java 17+'],
  ['mvn', 'Maven fetches Apache Kafka from Maven Central'],
  ['go', 'Go builds FerretDB from the Go module proxy'],
  ['python3', 'schemathesis comes from PyPI'],
  ['cargo', "InfluxDB's Flux library is Rust"],
]) {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
  } catch (err) {
    if (err.code === 'ENOENT') {
      console.error(
        `ensure-real-servers: ${tool} is not installed (${why}); HVAC_EDGE_REAL_SERVERS=off runs without them`,
      );
      process.exit(1);
    }
  }
}

function install(name, dir, build) {
  const done = join(dir, '.complete');
  if (existsSync(done)) return;
  console.log(`installing ${name} into ${dir} (once per machine) ...`);
  const t0 = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    build();
  } catch (err) {
    console.error(`${name}: install failed (${err.message.split('\n')[0]})`);
    process.exit(1);
  }
  writeFileSync(done, `${new Date().toISOString()}\n`);
  console.log(`${name} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

const kafka = VERSIONS.kafka;
install(`Apache Kafka ${kafka}`, join(CACHE, `kafka-${kafka}`), () => {
  const dir = join(CACHE, `kafka-${kafka}`);
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hvac-edge.test</groupId>
  <artifactId>apache-kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${kafka}</version></dependency>
  </dependencies>
</project>
`,
  );
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(dir, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(dir, 'libs')}`,
      '-DincludeScope=runtime',
    ],
    { stdio: 'inherit' },
  );
});

/** A Go module's source from the Go module proxy, copied writable into `dir`/src (its cache copy is read-only). */
function goModuleSource(module, version, dir, env) {
  const mod = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], { env, encoding: 'utf8' }),
  );
  const src = join(dir, 'src');
  cpSync(mod.Dir, src, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', src]);
  return src;
}

const ferretdb = VERSIONS.ferretdb;
install(`FerretDB ${ferretdb}`, join(CACHE, `ferretdb-${ferretdb}`), () => {
  // Not `go install …@version`: FerretDB embeds build/version/version.txt, which its release process generates and
  // the module leaves as a placeholder (the binary panics at start). So: the module's source from the Go module
  // proxy, that file written with the version, then go build.
  const dir = join(CACHE, `ferretdb-${ferretdb}`);
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  const src = goModuleSource('github.com/FerretDB/FerretDB', ferretdb, dir, env);
  writeFileSync(join(src, 'build', 'version', 'version.txt'), `${ferretdb}\n`);
  execFileSync('go', ['build', '-o', join(dir, 'bin', 'ferretdb'), './cmd/ferretdb'], {
    cwd: src,
    env,
    stdio: 'inherit',
  });
  rmSync(src, { recursive: true, force: true });
});

const influxdb = VERSIONS.influxdb;
install(`InfluxDB ${influxdb}`, join(CACHE, `influxdb-${influxdb}`), () => {
  // InfluxDB OSS 1.x from its module on the Go module proxy; its Flux library is Rust (libflux), which the build
  // compiles with cargo through InfluxData's pkg-config wrapper (the module's pkg-config.sh), crates from crates.io.
  // The 1.x line serves the v2 write API the sink uses (/api/v2/write, bucket = database/retention policy).
  const dir = join(CACHE, `influxdb-${influxdb}`);
  const env = { ...process.env, GOFLAGS: '-mod=mod', RUSTUP_TOOLCHAIN: process.env.RUSTUP_TOOLCHAIN ?? 'stable' };
  const src = goModuleSource('github.com/influxdata/influxdb', influxdb, dir, env);
  execFileSync('chmod', ['+x', join(src, 'pkg-config.sh')]);
  execFileSync(
    'go',
    [
      'build',
      '-ldflags',
      `-X main.version=${influxdb.replace(/^v/, '')}`,
      '-o',
      join(dir, 'bin', 'influxd'),
      './cmd/influxd',
    ],
    { cwd: src, env: { ...env, PKG_CONFIG: join(src, 'pkg-config.sh') }, stdio: 'inherit' },
  );
  rmSync(src, { recursive: true, force: true });
});

const schemathesis = VERSIONS.schemathesis;
install(`schemathesis ${schemathesis}`, join(CACHE, `schemathesis-${schemathesis}`), () => {
  // From PyPI into a virtual environment of its own (python3 -m venv, pip).
  const dir = join(CACHE, `schemathesis-${schemathesis}`);
  execFileSync('python3', ['-m', 'venv', join(dir, 'venv')], { stdio: 'inherit' });
  execFileSync(
    join(dir, 'venv', 'bin', 'pip'),
    ['install', '-q', '--disable-pip-version-check', `schemathesis==${schemathesis}`],
    {
      stdio: 'inherit',
    },
  );
});
