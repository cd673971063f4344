#!/usr/bin/env node
// Installs the real servers and tools the test suite uses (Mosquitto, VictoriaMetrics, node_exporter, promtool,
// systemd-analyze, openssl, libgpiod's tools, shellcheck, chromium for the dashboard's browser tests)
// when they are missing.
// Runs before vitest so that a fresh Debian machine needs nothing done by hand.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// binary -> Debian package
const PACKAGES = {
  mosquitto: 'mosquitto',
  'victoria-metrics': 'victoria-metrics',
  'prometheus-node-exporter': 'prometheus-node-exporter',
  promtool: 'prometheus',
  'systemd-analyze': 'systemd',
  openssl: 'openssl',
  gpioset: 'gpiod',
  shellcheck: 'shellcheck',
  chromium: 'chromium',
};
const DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
const missing = Object.entries(PACKAGES)
  .filter(([bin]) => !DIRS.some((d) => existsSync(`${d}/${bin}`)))
  .map(([, pkg]) => pkg);

if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`The test suite needs these Debian packages: ${missing.join(' ')}.`);
  console.error(`Install them with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`installing ${missing.join(', ')} with apt-get ...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
