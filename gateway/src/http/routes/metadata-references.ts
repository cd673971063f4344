import type { MetadataKind, MetadataStore } from '../../metadata/metadata-store.js';

/** The services and profiles an item names, which must exist (edgex-go answers 404 otherwise). */
export async function missingReferences(
  metadata: MetadataStore,
  kind: MetadataKind,
  item: Record<string, unknown>,
): Promise<string[]> {
  const wanted: Array<[MetadataKind, string, unknown]> = [];
  if (kind === 'device') {
    wanted.push(
      ['deviceservice', 'device service', item.serviceName],
      ['deviceprofile', 'device profile', item.profileName],
    );
  }
  if (kind === 'provisionwatcher') {
    wanted.push(['deviceservice', 'device service', item.serviceName]);
    const profile = (item.discoveredDevice as { profileName?: unknown } | undefined)?.profileName;
    if (profile) wanted.push(['deviceprofile', 'device profile', profile]);
  }
  const missing: string[] = [];
  for (const [k, label, name] of wanted) {
    if (typeof name === 'string' && !(await metadata.get(k, name))) missing.push(`${label} ${name} not found`);
  }
  return missing;
}

/** Who still uses a service or profile: devices and provision watchers, by name (a delete answers 409 then). */
export async function findReferences(metadata: MetadataStore, kind: MetadataKind, name: string): Promise<string[]> {
  const field = kind === 'deviceservice' ? 'serviceName' : kind === 'deviceprofile' ? 'profileName' : undefined;
  if (!field) return [];
  const watcherField = kind === 'deviceservice' ? 'serviceName' : 'discoveredDevice.profileName';
  const devices = await metadata.list('device', 0, 5, [{ field, value: name }]);
  const watchers = await metadata.list('provisionwatcher', 0, 5, [{ field: watcherField, value: name }]);
  return [
    ...(devices.totalCount ? [`${devices.totalCount} device(s): ${devices.items.map((i) => i.name).join(', ')}`] : []),
    ...(watchers.totalCount
      ? [`${watchers.totalCount} provision watcher(s): ${watchers.items.map((i) => i.name).join(', ')}`]
      : []),
  ];
}
