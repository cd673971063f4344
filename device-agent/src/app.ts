import type { Logger } from '@hvac-edge/shared';
import type { Actuator } from './actuation/actuator.js';
import { CommandLedger } from './actuation/command-ledger.js';
import { CommandPoller } from './actuation/command-poller.js';
import { CoolingController } from './actuation/controller.js';
import { Agent } from './agent.js';
import { type AgentClock, SystemClock } from './clock.js';
import type { AgentConfig } from './config.js';
import { createActuator, createSensor, detectPlatform, type Platform } from './hardware.js';
import { openAgentDatabase } from './local/agent-database.js';
import { Outbox } from './outbox/outbox.js';
import { SelfMetricsReporter } from './self-metrics.js';
import type { Sensor } from './sensor/sensor.js';
import { HttpTransport } from './transport/http-transport.js';

/** The agent's wiring: sensor, outbox, transport, and the downlink (actuator, controller, command poller). */
export function createAgent(
  c: Readonly<AgentConfig>,
  log: Logger,
  sensorOverride?: Sensor,
  actuatorOverride?: Actuator,
  clock: AgentClock & Partial<Pick<SystemClock, 'start' | 'stop'>> = new SystemClock(
    c.clock.trust,
    c.clock.checkSeconds * 1000,
  ),
) {
  // The board is read once, and only if the sensor or the relay is real.
  let platform: Platform | undefined;
  const board = () => {
    platform ??= detectPlatform();
    return platform;
  };
  const actuator = actuatorOverride ?? createActuator(c, log, board);
  // A simulated room is cooled to the set-point this agent applied, so the closed loop shows in its readings.
  const sensor = sensorOverride ?? createSensor(c, log, board, () => controller?.setpoint);
  let agent: Agent | undefined;
  const db = openAgentDatabase(c.outbox.path);
  const ledger = new CommandLedger(db);
  const outbox = new Outbox(db, c.outbox.maxBytes, (n) => {
    if (agent) agent.stats.dropped += n;
    log.error({ dropped: n, maxBytes: c.outbox.maxBytes }, 'outbox over its disk budget: dropped the oldest readings');
  });
  const transport = new HttpTransport({
    baseUrl: c.gateway.url,
    token: c.gateway.token,
    timeoutMs: c.gateway.timeoutMs,
  });
  const guardLog = log.child({ module: 'guard' });
  const controller = actuator
    ? new CoolingController(
        actuator,
        c.actuator,
        ledger,
        () => clock.now(),
        (g) => {
          if (!g.holding) return guardLog.info('local guard released: the commanded set-point applies again');
          if (agent) agent.stats.guardOverrides += 1;
          guardLog.warn(g, 'local guard holds the set-point below the commanded one: room air near the limit');
        },
      )
    : undefined;
  if (controller && c.actuator.initialSetpointC !== null) controller.setpoint = c.actuator.initialSetpointC;
  const poller =
    controller && c.commands.enabled
      ? new CommandPoller(
          transport,
          c.deviceName,
          c.commands.waitSeconds,
          ledger,
          (cmd) => controller.apply(cmd),
          log.child({ module: 'commands' }),
          { minMs: c.gateway.retryMinDelayMs, maxMs: c.gateway.retryMaxDelayMs },
        )
      : undefined;
  agent = new Agent(c, sensor, outbox, transport, log.child({ module: 'agent' }), clock, controller);
  const health = c.selfMetrics.credential
    ? new SelfMetricsReporter(
        transport,
        c.deviceName,
        c.selfMetrics.credential,
        c.selfMetrics.intervalSeconds,
        log.child({ module: 'health' }),
      )
    : undefined;
  return {
    agent,
    outbox,
    transport,
    actuator,
    controller,
    health,
    start() {
      void clock.start?.();
      agent?.start();
      poller?.start();
      health?.start();
    },
    async stop() {
      clock.stop?.();
      health?.stop();
      await poller?.stop();
      await agent?.stop();
      actuator?.close();
      transport.close();
      outbox.flush();
      db.close();
    },
  };
}
