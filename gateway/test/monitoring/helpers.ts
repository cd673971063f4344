import { startTestGateway, type TestGateway } from '../helpers.js';

export const CREDENTIAL = 'monitoring-credential-1';

/** A gateway whose monitoring clock the test drives; collection timers are not started. */
export async function startMonitoringGateway(
  overrides: Record<string, unknown> = {},
): Promise<{ gw: TestGateway; clock: { now: number } }> {
  const clock = { now: Date.UTC(2026, 10, 22, 12, 0, 0) };
  const gw = await startTestGateway({ 'monitoring.credentials': [CREDENTIAL], ...overrides }, { now: () => clock.now });
  return { gw, clock };
}

export const auth = { credential: CREDENTIAL };

/** GET on the monitoring API, with the credential unless other headers are given. */
export const monitoringGet = (gw: TestGateway, url: string, headers: Record<string, string> = auth) =>
  gw.server.inject({ method: 'GET', url, headers });

/** Line protocol pushed to /infra/write, as Telegraf sends it. */
export const pushLines = (gw: TestGateway, body: string, query = 'precision=ns') =>
  gw.server.inject({
    method: 'POST',
    url: `/infra/write?${query}`,
    payload: body,
    headers: { ...auth, 'content-type': 'text/plain; charset=utf-8' },
  });
