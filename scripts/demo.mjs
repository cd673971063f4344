#!/usr/bin/env node
// The main job on embedded defaults: the gateway (built, from dist) with its SQLite store under .data/, fed by a
// SIMULATED device that posts DHT22-style readings through the EdgeX v3 API every 2 s. Prints what to look at and a
// status line every 10 s. Ctrl-C stops both; the data stays in .data/ for the next run.
//
// The device agent and cloud sink arrive with their own issues; until then this script stands in for the device.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.DEMO_PORT ?? 59880);
const base = `http://127.0.0.1:${port}`;
const device = 'demo-room-1';

const gateway = spawn(process.execPath, ['gateway/dist/main.js'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  // Its own process group: Ctrl-C reaches only this script, which forwards one SIGTERM (graceful shutdown).
  detached: true,
  env: {
    GATEWAY_HTTP_HOST: '127.0.0.1',
    GATEWAY_HTTP_PORT: String(port),
    GATEWAY_STORE_PATH: '.data/gateway.db',
    GATEWAY_LOG_LEVEL: 'warn',
    // The monitoring API needs a credential; the demo's is printed below. Production: GATEWAY_MONITORING_CREDENTIALS_FILE.
    GATEWAY_MONITORING_CREDENTIALS: 'demo-credential',
    ...process.env,
  },
});
gateway.on('exit', (code) => {
  console.log(`gateway exited (${code})`);
  process.exit(code ?? 1);
});

async function waitReady() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gateway did not become ready');
}

async function register() {
  const post = (path, key, item) =>
    fetch(`${base}/api/v3/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ apiVersion: 'v3', [key]: item }]),
    });
  await post('deviceservice', 'service', { name: 'demo-simulated-agent', baseAddress: 'simulated' });
  await post('deviceprofile', 'profile', {
    name: 'dht22',
    deviceResources: [{ name: 'temperature' }, { name: 'humidity' }],
  });
  await post('device', 'device', { name: device, serviceName: 'demo-simulated-agent', profileName: 'dht22' });
}

let t = 0;
async function postReading() {
  t += 1;
  // A server room warming with its IT load and cooled back: a slow sine plus sensor noise.
  const temperature = 24 + 2.5 * Math.sin(t / 30) + (Math.random() - 0.5) * 0.4;
  const humidity = 45 + 5 * Math.cos(t / 45) + (Math.random() - 0.5) * 2;
  const origin = Date.now() * 1_000_000;
  const reading = (resourceName, value, units) => ({
    id: randomUUID(),
    origin,
    deviceName: device,
    resourceName,
    profileName: 'dht22',
    valueType: 'Float64',
    value: value.toFixed(2),
    units,
  });
  const body = {
    apiVersion: 'v3',
    event: {
      apiVersion: 'v3',
      id: randomUUID(),
      deviceName: device,
      profileName: 'dht22',
      sourceName: 'climate',
      origin,
      readings: [reading('temperature', temperature, '°C'), reading('humidity', humidity, '%RH')],
      tags: { simulated: true },
    },
  };
  const res = await fetch(`${base}/api/v3/event/demo-simulated-agent/dht22/${device}/climate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) console.log(`post failed: ${res.status} ${await res.text()}`);
}

await waitReady();
await register();
console.log(`
hvac-edge demo running (SIMULATED device "${device}", no GPIO used)
  gateway API      ${base}/api/v3/ping
  latest events    ${base}/api/v3/event/device/name/${device}?limit=5
  readings         ${base}/api/v3/reading/resourceName/temperature?limit=5
  metrics          ${base}/metrics
  OpenAPI          ${base}/openapi.json
  host monitoring  curl -H 'credential: demo-credential' ${base}/infra/cloudServices/host/monitoring/cpu_usage
Ctrl-C to stop.
`);
const poster = setInterval(() => void postReading().catch((err) => console.log(`post error: ${err.message}`)), 2000);
const status = setInterval(async () => {
  try {
    const count = await (await fetch(`${base}/api/v3/event/count/device/name/${device}`)).json();
    const latest = await (await fetch(`${base}/api/v3/reading/device/name/${device}?limit=2`)).json();
    const values = latest.readings.map((r) => `${r.resourceName}=${r.value}${r.units ?? ''}`).join(' ');
    console.log(`${new Date().toISOString()}  events stored: ${count.count}  latest: ${values}`);
  } catch (err) {
    console.log(`status error: ${err.message}`);
  }
}, 10_000);
void postReading();

const stop = () => {
  clearInterval(poster);
  clearInterval(status);
  gateway.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
