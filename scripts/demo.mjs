#!/usr/bin/env node
// The main job on embedded defaults, as separate processes built from dist/: the gateway (SQLite store under
// .data/, monitoring on, SIMULATED outdoor weather, the cloud sink embedded: points to .data/points.db, inference
// with the shipped model, closed loop on) and the device agent with its SIMULATED sensor and relay (explicit:
// AGENT_SENSOR_KIND=simulated, AGENT_ACTUATOR_KIND=simulated), starting at the source report's fixed 18 °C.
// Prints what to look at and a status line every 10 s. Ctrl-C stops both gracefully; the data stays in .data/.
//
// Decision: the demo reads every 5 s and windows readings 5 s apart (the model was trained on one-minute
// readings) so the first recommendation comes after half a minute instead of six; production keeps 60 s.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.DEMO_PORT ?? 59880);
const base = `http://127.0.0.1:${port}`;
const device = 'demo-room-1';
const children = [];

function start(name, script, env) {
  const child = spawn(
    process.execPath,
    [
      ...(name === 'agent' ? ['--max-semi-space-size=1', '--lite-mode', '--no-expose-wasm'] : []),
      script,
      ...(name === 'agent' ? ['run'] : []),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      // Own process group: Ctrl-C reaches only this script, which forwards one SIGTERM (graceful shutdown).
      detached: true,
      env: { ...env, ...process.env },
    },
  );
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
  GATEWAY_WEATHER_PROVIDER: 'simulated',
  GATEWAY_WEATHER_SCHEDULE: '* * * * *',
  GATEWAY_EMBEDDED_SINK_ENABLED: 'true',
  GATEWAY_EMBEDDED_SINK_POINTS_PATH: '.data/points.db',
  GATEWAY_EMBEDDED_SINK_INFERENCE_SAMPLE_SPACING_SECONDS: '5',
  GATEWAY_EMBEDDED_SINK_CLOSED_LOOP_ENABLED: 'true',
  GATEWAY_EMBEDDED_SINK_CLOSED_LOOP_INTERVAL_SECONDS: '60',
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
  AGENT_SENSOR_PERIOD_SECONDS: '5',
  AGENT_ACTUATOR_KIND: 'simulated',
  AGENT_ACTUATOR_INITIAL_SETPOINT_C: '18',
  AGENT_GATEWAY_URL: base,
  AGENT_OUTBOX_PATH: '.data/agent-outbox.db',
  AGENT_LOG_LEVEL: 'warn',
});
console.log(`
  dashboard        ${base}/   (open it in a browser; the Monitoring page takes the credential demo-credential)

hvac-edge demo running: device agent (SIMULATED sensor and relay, "${device}", no GPIO used) -> gateway
(durable store, SIMULATED weather) -> embedded cloud sink (points, set-point model, closed loop back to the agent)
  pipeline summary ${base}/api/v3/sink/summary
  gateway API      ${base}/api/v3/ping
  latest events    ${base}/api/v3/event/device/name/${device}?limit=5
  readings         ${base}/api/v3/reading/resourceName/temperature?limit=5
  metrics          ${base}/metrics
  OpenAPI          ${base}/openapi.json
  host monitoring  curl -H 'credential: demo-credential' ${base}/infra/cloudServices/host/monitoring/cpu_usage
Ctrl-C to stop.
`);

const f = (v, unit = '', digits = 1) => (typeof v === 'number' ? `${v.toFixed(digits)}${unit}` : '-');
const startedAt = Date.now();
console.log(
  `${new Date().toISOString().slice(11, 19)}  waiting for the first readings (every 5 s) and the first recommendation (after about 30 s); a status line every 10 s`,
);
const status = setInterval(async () => {
  try {
    const s = await (await fetch(`${base}/api/v3/sink/summary`)).json();
    const d = s.devices.find((x) => x.device === device) ?? {};
    // .data/ keeps earlier runs: figures older than this run say so.
    const old = (at) => (at && Date.parse(at) < startedAt ? ' (from an earlier run)' : '');
    if (!d.at) {
      console.log(`${new Date().toISOString().slice(11, 19)}  waiting for the first reading of ${device}`);
      return;
    }
    console.log(
      `${new Date().toISOString().slice(11, 19)}  room ${f(d.temperature, ' °C')} ${f(d.humidity, ' %RH', 0)}${old(d.at)}` +
        ` | outdoor ${f(d.ext_temperature, ' °C')} ${f(d.ext_humidity, ' %', 0)} status ${d.weather_stat ?? '-'}` +
        ` | set-point ${f(d.aircon_setpoint, ' °C')} -> recommended ${d.recommended_setpoint === undefined ? '(waiting for the first)' : f(d.recommended_setpoint, ' °C', 2)}${d.recommendedBy ? ` by the ${d.recommendedBy}` : ''}${old(d.recommendedAt)}` +
        ` (${s.model ?? 'no model'}, ${s.backend ?? '-'})` +
        ` | this run: ${s.events} events, ${s.commandsSent} commands | stored: ${s.climatePoints} climate + ${s.recommendationPoints} recommendation points`,
    );
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
