import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, makeTempDir, type ProcessServer, startProcessServer, tcpReachable } from './process-server.js';
import { findSystemBinary } from './system-binaries.js';
import { makeTestCertificates, type TestCertificates } from './tls.js';

const SETUP = new URL('../../deploy/mosquitto/setup.sh', import.meta.url).pathname;

export interface ShippedMosquitto extends ProcessServer {
  /** The loopback listener (the gateway's). */
  plain: string;
  /** The TLS listener (the devices'). */
  tls: string;
  certs: TestCertificates;
  passwords: Record<string, string>;
}

/**
 * A real Mosquitto with deploy/mosquitto/mosquitto.conf as deploy/mosquitto/setup.sh renders it, its users made by
 * setup.sh (the gateway's and one per device named), throwaway certificates; only ports and paths differ.
 */
export async function startShippedMosquitto(devices: string[]): Promise<ShippedMosquitto> {
  const dir = await makeTempDir('mosquitto-shipped');
  const certs = makeTestCertificates(dir);
  const [plainPort, tlsPort] = await Promise.all([freePort(), freePort()]);
  const env = { ...process.env, CONF_DIR: dir, STATE_DIR: dir, MQTT_PORT: String(plainPort) };
  const setup = (...args: string[]) => execFileSync(SETUP, args, { env, encoding: 'utf8', stdio: 'pipe' });
  setup('init');
  const conf = readFileSync(join(dir, 'hvac-edge.conf'), 'utf8')
    .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${plainPort} 127.0.0.1`)
    .replace(/^listener 8883$/m, `listener ${tlsPort} 127.0.0.1`)
    .replace(/^certfile .*$/m, `certfile ${certs.cert}`)
    .replace(/^keyfile .*$/m, `keyfile ${certs.key}`);
  // As whoever runs the tests (as root, Mosquitto would switch to its own user, who cannot read the temp dir).
  writeFileSync(join(dir, 'hvac-edge.conf'), `${conf}\nlog_dest stdout\nuser ${userInfo().username}\n`);
  const server = await startProcessServer({
    name: 'mosquitto',
    command: findSystemBinary('mosquitto'),
    args: ['-c', join(dir, 'hvac-edge.conf')],
    port: plainPort,
    dir,
    ready: async () => (await tcpReachable(plainPort)) && tcpReachable(tlsPort),
  });
  const passwords: Record<string, string> = { 'hvac-edge-gateway': 'gateway-password-0001' };
  for (const d of devices) passwords[d] = `${d}-password-0001`;
  for (const [user, password] of Object.entries(passwords)) {
    writeFileSync(join(dir, `${user}.pw`), `${password}\n`, { mode: 0o600 });
    if (user === 'hvac-edge-gateway') setup('gateway', join(dir, `${user}.pw`));
    else setup('device', user, join(dir, `${user}.pw`));
  }
  return { ...server, plain: `mqtt://127.0.0.1:${plainPort}`, tls: `mqtts://127.0.0.1:${tlsPort}`, certs, passwords };
}
