export type SendResult =
  | { outcome: 'acked'; status: number }
  | { outcome: 'rejected'; status: number; message: string }
  | { outcome: 'retry'; status: number | undefined; message: string; retryAfterMs: number | undefined };

export interface HttpTransportOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return s * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Talks to the gateway's EdgeX v3 API. 201 and 409 (already stored: an earlier attempt landed) acknowledge;
 * 400/404/413 reject for good (the reading can never be accepted); everything else is retried, honouring
 * Retry-After.
 */
export class HttpTransport {
  constructor(private readonly o: HttpTransportOptions) {}

  private headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}),
    };
  }

  async request(
    method: string,
    path: string,
    body?: string,
    signal?: AbortSignal,
    timeoutMs = this.o.timeoutMs,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(`${this.o.baseUrl}${path}`, {
      method,
      headers: { ...this.headers(), ...headers },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      ...(body === undefined ? {} : { body }),
    });
  }

  async sendEvent(path: string, body: string): Promise<SendResult> {
    let res: Response;
    try {
      res = await this.request('POST', path, body);
    } catch (err) {
      return { outcome: 'retry', status: undefined, message: (err as Error).message, retryAfterMs: undefined };
    }
    const text = await res.text().catch(() => '');
    if (res.status === 201 || res.status === 409) return { outcome: 'acked', status: res.status };
    if (res.status === 400 || res.status === 404 || res.status === 413) {
      return { outcome: 'rejected', status: res.status, message: text.slice(0, 300) };
    }
    return {
      outcome: 'retry',
      status: res.status,
      message: text.slice(0, 300),
      retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
    };
  }
}
