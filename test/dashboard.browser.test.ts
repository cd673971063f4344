import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { msToOrigin, stringifyEdgex } from '@hvac-edge/shared';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeAddEventRequest,
  makeTempDir,
  type ServiceProcess,
  spawnService,
  waitFor,
} from './support/index.js';

// A real headless Chromium (Debian's chromium package; browser downloads are not possible here) against a gateway
// process running the demo's pipeline: embedded sink, simulated weather, closed loop, tokens required.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../test-results/dashboard/', import.meta.url));
const TOKEN = 'dashboard-reader-token';
const CREDENTIAL = 'dashboard-monitoring-credential';
const DEVICE = 'room-101';

let dir: string;
let base: string;
let gateway: ServiceProcess;
let browser: Browser;

async function post(temperature: number, originMs = Date.now()): Promise<void> {
  const origin = msToOrigin(originMs);
  const req = makeAddEventRequest({ deviceName: DEVICE, originNs: origin, temperature });
  // As the agent sends it: the applied set-point as a reading, the quality verdict and the location as tags.
  req.event.readings.push({ ...req.event.readings[0], resourceName: 'setpoint', value: '24.0', units: '°C' } as never);
  req.event.tags = { quality: 'good', location: 'server-room' };
  const res = await fetch(`${base}/api/v3/event/hvac-edge-agent/dht22/${DEVICE}/climate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: stringifyEdgex(req),
  });
  expect(res.status).toBe(201);
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** A signed-in tab that records every console error and uncaught exception. */
async function signedIn(
  viewport = { width: 1100, height: 900 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(
    `sessionStorage.setItem('hvac-edge-token', ${JSON.stringify(TOKEN)});` +
      `sessionStorage.setItem('hvac-edge-credential', ${JSON.stringify(CREDENTIAL)})`,
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

beforeAll(async () => {
  dir = await makeTempDir('dashboard');
  await mkdir(ARTIFACTS, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = spawnService('gateway', {
    GATEWAY_HTTP_HOST: '127.0.0.1',
    GATEWAY_HTTP_PORT: String(port),
    GATEWAY_AUTH_TOKENS: TOKEN,
    GATEWAY_STORE_PATH: join(dir, 'gateway.db'),
    GATEWAY_LOG_LEVEL: 'warn',
    GATEWAY_WEATHER_PROVIDER: 'simulated',
    GATEWAY_EMBEDDED_SINK_ENABLED: 'true',
    GATEWAY_EMBEDDED_SINK_POINTS_PATH: join(dir, 'points.db'),
    GATEWAY_EMBEDDED_SINK_INFERENCE_SAMPLE_SPACING_SECONDS: '0',
    GATEWAY_EMBEDDED_SINK_CLOSED_LOOP_ENABLED: 'true',
    GATEWAY_MONITORING_CREDENTIALS: CREDENTIAL,
  });
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'gateway ready', 60_000);
  // Three hours of history, a reading every 2 min, for the chart; then six recent readings fill the model's window:
  // a recommendation, and the closed loop's command.
  const now = Date.now();
  // Between 80 and 60 readings ago the sensor repeats itself (40 minutes): the sink's room watch calls it stuck.
  for (let i = 90; i > 0; i--) await post(i <= 80 && i > 60 ? 26 : 25 + 2 * Math.sin(i / 12), now - i * 120_000);
  for (let i = 0; i < 8; i++) await post(24 + i * 0.1, now - (8 - i) * 1000);
  await waitFor(
    async () =>
      (
        (await (
          await fetch(`${base}/api/v3/command/recent`, { headers: { authorization: `Bearer ${TOKEN}` } })
        ).json()) as { commands: unknown[] }
      ).commands.length > 0,
    'a closed-loop command',
    30_000,
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the dashboard in a real Chromium', () => {
  it('without a token it shows the sign-in prompt, not a blank page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.locator('#auth-needed').waitFor();
    expect(await page.locator('dialog#signin').getAttribute('open')).not.toBeNull();
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in.png') });
    // Signing in through the prompt shows the data.
    await page.fill('#token', TOKEN);
    await page.click('dialog#signin button[type=submit]');
    await page.locator(`tr[data-device="${DEVICE}"]`).waitFor();
    await context.close();
  });

  it('lists the device with a chart that has points, and a reading posted now appears within seconds', async () => {
    const { context, page, errors } = await signedIn();
    await page.goto(`${base}/dashboard/#devices`);
    const row = page.locator(`tr[data-device="${DEVICE}"]`);
    await row.waitFor();
    await page.locator('#device-chart canvas').waitFor();
    expect(Number(await page.locator('#device-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    // The stuck stretch, marked on the chart.
    expect(Number(await page.locator('#device-chart').getAttribute('data-anomalies'))).toBeGreaterThan(0);
    await post(31.7);
    await expect.poll(() => row.textContent(), { timeout: 15_000, interval: 250 }).toContain('31.7');
    await page.screenshot({ path: join(ARTIFACTS, 'devices.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the closed loop’s command on the commands page, and the pipeline page', async () => {
    const { context, page, errors } = await signedIn();
    await page.goto(`${base}/dashboard/#commands`);
    await expect
      .poll(() => page.locator('#commands-table tbody').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`${DEVICE}.*embedded:`));
    await page.screenshot({ path: join(ARTIFACTS, 'commands.png'), fullPage: true });
    await page.goto(`${base}/dashboard/#pipeline`);
    await expect.poll(() => page.locator('main').textContent(), { timeout: 10_000 }).toMatch(/pending backlog/);
    expect(await page.locator('main').textContent()).toMatch(/http.*accepted/);
    await page.screenshot({ path: join(ARTIFACTS, 'pipeline.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the monitoring targets with their figures, and fits a phone screen', async () => {
    const { context, page, errors } = await signedIn({ width: 390, height: 844 });
    await page.goto(`${base}/dashboard/#monitoring`);
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 20_000, interval: 500 })
      .toMatch(/host \(host\)cpu_usage\d+\.\dmem_usage\d+\.\d/);
    // The runway tiles: the disk's days to 90 % and the buffer's to its budget (a fresh gateway is still learning).
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 20_000, interval: 500 })
      .toMatch(/disk 90 %(learning|> 1 year|\d+\.\d d).*buffer full(learning|> 1 year|\d+\.\d d)/);
    await page.screenshot({ path: join(ARTIFACTS, 'monitoring-phone.png'), fullPage: true });
    await page.goto(`${base}/dashboard/#devices`);
    await page.locator(`tr[data-device="${DEVICE}"]`).waitFor();
    // Wide tables scroll inside their section; the page itself does not scroll sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'devices-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('costs the gateway no more than a few MB of memory while open', async () => {
    const pid = gateway.proc.pid as number;
    const { context, page } = await signedIn();
    await page.goto(`${base}/dashboard/#devices`);
    await page.locator(`tr[data-device="${DEVICE}"]`).waitFor();
    const before = rssKb(pid);
    // Six refreshes of the devices page (series, summary, commands, events), as an open tab makes them.
    let renders = 0;
    await page.exposeFunction('rendered', () => renders++);
    // In the page: every change of the status line ("updated hh:mm:ss") is one render.
    await page.evaluate(`new MutationObserver(() => window.rendered()).observe(document.getElementById('status'), {
      childList: true, characterData: true, subtree: true })`);
    await expect.poll(() => renders, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(6);
    const growthMb = (rssKb(pid) - before) / 1024;
    expect(growthMb).toBeLessThan(8);
    await context.close();
  }, 90_000);
});
