import { agentClockBehind, agentOffline } from './agent-scenarios.js';
import { bufferFull, gatewayKillMqtt, gatewayKills } from './gateway-scenarios.js';
import { brokerLostState, brokerRestart } from './kafka-scenarios.js';
import type { Outcome, Scale, Scenario } from './scenario.js';
import { sinkKillAndRebalance, tsdbOutage } from './sink-scenarios.js';

/** The fault matrix, in the order of the issue that asked for it. */
export const SCENARIOS: Scenario[] = [
  gatewayKills,
  gatewayKillMqtt,
  brokerRestart,
  brokerLostState,
  sinkKillAndRebalance,
  tsdbOutage,
  agentOffline,
  bufferFull,
  agentClockBehind,
];

export async function runScenario(s: Scenario, scale: Scale): Promise<Outcome> {
  const t0 = performance.now();
  const r = await s.run(scale);
  return { scenario: s.name, ...r, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}
