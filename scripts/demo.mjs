#!/usr/bin/env node
// The main job on embedded defaults, as separate processes built from dist/: the gateway (SQLite store under
// .data/, monitoring on) and the device agent with its SIMULATED sensor (explicit: AGENT_SENSOR_KIND=simulated),
// reading every 2 s. Prints what to look at and a status line every 10 s. Ctrl-C stops both gracefully; the data
// stays in .data/ for the next run. Kafka and the cloud sink join the chain with their own issues.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.DEMO_PORT ?? 59880);
const base = `http://127.0.0.1:${port}`;
const device = 'demo-room-1';
const children = [];

function start(name, script, env) {
  const child = spawn(process.execPath, [script, ...(name === 'agent' ? ['run'] : [])], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches only this script, which forwards one SIGTERM (graceful shutdown).
    detached: true,
    env: { ...env, ...process.env },
  });
  child.on('exit', (code) => {
    console.log(`${name} exited (${code})`);
    if (!stopping) stop(1);
  });
  children.push(child);
  return child;
}

start('gateway', 'gateway/dist/main.js', {
  GATEWAY_HTTP_HOST: '127.0.0.1',
  GATEWAY_HTTP_PORT: String(port),
  GATEWAY_STORE_PATH: '.data/gateway.db',
  GATEWAY_LOG_LEVEL: 'warn',
  // The monitoring API needs a credential; the demo's is printed below. Production: GATEWAY_MONITORING_CREDENTIALS_FILE.
  GATEWAY_MONITORING_CREDENTIALS: 'demo-credential',
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

await waitReady();
start('agent', 'device-agent/dist/main.js', {
  AGENT_DEVICE_NAME: device,
  AGENT_LOCATION: 'demo-server-room',
  AGENT_SENSOR_KIND: 'simulated',
  AGENT_SENSOR_PERIOD_SECONDS: '2',
  AGENT_GATEWAY_URL: base,
  AGENT_OUTBOX_PATH: '.data/agent-outbox.db',
  AGENT_LOG_LEVEL: 'warn',
});
console.log(`
hvac-edge demo running: gateway + device agent with a SIMULATED sensor ("${device}", no GPIO used)
  gateway API      ${base}/api/v3/ping
  latest events    ${base}/api/v3/event/device/name/${device}?limit=5
  readings         ${base}/api/v3/reading/resourceName/temperature?limit=5
  metrics          ${base}/metrics
  OpenAPI          ${base}/openapi.json
  host monitoring  curl -H 'credential: demo-credential' ${base}/infra/cloudServices/host/monitoring/cpu_usage
Ctrl-C to stop.
`);

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

let stopping = false;
function stop(code = 0) {
  stopping = true;
  clearInterval(status);
  // Agent first, so its last readings reach the gateway before the gateway stops.
  const [gateway, agent] = children;
  agent?.kill('SIGTERM');
  const stopGateway = () => gateway?.kill('SIGTERM');
  if (agent && agent.exitCode === null) agent.once('exit', stopGateway);
  else stopGateway();
  gateway?.once('exit', () => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
