import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, makeTempDir, type ProcessServer, startProcessServer, tcpReachable } from './process-server.js';
import { findSystemBinary } from './system-binaries.js';

export interface MosquittoServer extends ProcessServer {
  url: string;
}

/**
 * A real Mosquitto on a random loopback port, configured like deploy/mosquitto/mosquitto.conf (no per-subscriber
 * queue count limit) but anonymous and without persistence.
 */
export async function startMosquitto(): Promise<MosquittoServer> {
  const command = findSystemBinary('mosquitto');
  const dir = await makeTempDir('mosquitto');
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'max_queued_messages 0',
      'max_queued_bytes 268435456',
      'max_inflight_messages 100',
      'persistence false',
      'log_dest stdout',
      'log_type error',
      'log_type warning',
      'log_type notice',
      '',
    ].join('\n'),
  );
  const server = await startProcessServer({
    name: 'mosquitto',
    command,
    args: ['-c', conf],
    port,
    dir,
    ready: () => tcpReachable(port),
  });
  return { ...server, url: `mqtt://127.0.0.1:${port}` };
}
