import type { MonitoringConfig } from './config.js';
import type { MonitoringService } from './monitoring-service.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * Metering and billing as the infrastructure-API spec's OpenStack section names them, for the VMs listed in
 * `monitoring.metering.servers`: running time is the time the VM's target was observed reporting (gaps longer than
 * the stale limit do not count), billing = hours × the flavour's hourly price.
 */
export function meterServers(monitoring: MonitoringService, config: Readonly<MonitoringConfig['metering']>) {
  return config.servers.map((s) => {
    const t = monitoring.targets.get(s.target);
    const seconds = Math.round((t?.runningMs ?? 0) / 1000);
    return {
      id: `${s.instanceId}:${t?.firstSampleAt ?? 0}`,
      credentialId: config.credentialId,
      cloudType: config.cloudType,
      cloudName: config.cloudName,
      projectId: s.projectId ?? null,
      instanceId: s.instanceId,
      instanceName: s.instanceName ?? s.target,
      ImageId: s.imageId ?? null,
      flavorId: s.flavor.id,
      flavorName: s.flavor.name,
      flavorVcpu: s.flavor.vcpu,
      flavorRam: s.flavor.ramMb,
      flavordisk: s.flavor.diskGb,
      meterDuration: seconds,
      meterStartTime: iso(t?.firstSampleAt),
      meterEndTime: iso(t?.lastSampleAt),
      createdAt: iso(t?.firstSampleAt),
      updatedAt: iso(t?.lastSampleAt),
      cloudTarget: config.cloudTarget || null,
      billing: Math.round((seconds / 3600) * s.flavor.pricePerHour * 100) / 100,
      state: !t || monitoring.isStale(t) ? 'SHUTOFF' : 'ACTIVE',
    };
  });
}

export function billingView(rows: ReturnType<typeof meterServers>) {
  return rows.map((r) => ({
    id: r.id,
    instanceId: r.instanceId,
    instanceName: r.instanceName,
    flavorName: r.flavorName,
    flavorVcpu: r.flavorVcpu,
    flavorRam: r.flavorRam,
    flavordisk: r.flavordisk,
    meterDuration: r.meterDuration,
    billing: r.billing,
  }));
}
