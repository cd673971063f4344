import { readFileSync } from 'node:fs';
import { SinkConfigSchema } from '@hvac-edge/cloud-sink';
import { configLeaves } from '@hvac-edge/shared';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (f: string) => parse(readFileSync(new URL(`../deploy/k8s/${f}`, import.meta.url), 'utf8'));

describe('Kubernetes manifests of the cloud sink', () => {
  it('validate against the Kubernetes schemas', () => {
    expect(() => new Deployment(read('deployment.yaml')).validate()).not.toThrow();
    expect(() => new ConfigMap(read('configmap.yaml')).validate()).not.toThrow();
    expect(() => new HorizontalPodAutoscaler(read('hpa.yaml')).validate()).not.toThrow();
    expect(() => new PodDisruptionBudget(read('pdb.yaml')).validate()).not.toThrow();
    expect(() => new NetworkPolicy(read('networkpolicy.yaml')).validate()).not.toThrow();
  });

  it('mount no service-account token, and a NetworkPolicy limits the pods to DNS, Kafka and InfluxDB', () => {
    const d = read('deployment.yaml');
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
    const np = read('networkpolicy.yaml');
    expect(np.spec.podSelector.matchLabels).toEqual(d.spec.selector.matchLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const egressPorts = np.spec.egress.flatMap((r: { ports: Array<{ port: number }> }) => r.ports.map((p) => p.port));
    expect(egressPorts.sort((a: number, b: number) => a - b)).toEqual([53, 53, 8086, 9092, 9093]);
    const ingressPorts = np.spec.ingress.flatMap((r: { ports: Array<{ port: number }> }) => r.ports.map((p) => p.port));
    expect(ingressPorts).toEqual([8080]);
  });

  it('a broken manifest fails validation (the check can fail)', () => {
    const d = read('deployment.yaml');
    d.spec.replicas = 'two';
    expect(() => new Deployment(d).validate()).toThrow();
  });

  it('are non-root with a read-only root fs, probes on the sink endpoints, and the token from a Secret file', () => {
    const d = read('deployment.yaml');
    const c = d.spec.template.spec.containers[0];
    expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.env).toContainEqual({ name: 'SINK_INFLUX_TOKEN_FILE', value: '/var/run/secrets/hvac-edge/influx-token' });
    const k = read('kustomization.yaml');
    expect(k.resources.sort()).toEqual([
      'configmap.yaml',
      'deployment.yaml',
      'hpa.yaml',
      'networkpolicy.yaml',
      'pdb.yaml',
    ]);
  });

  it("the optional KEDA ScaledObject validates against KEDA's schema and scales the sink's own group and topic", () => {
    const so = read('keda/scaledobject.yaml');
    expect(() => new ScaledObject(so).validate()).not.toThrow();
    const broken = read('keda/scaledobject.yaml');
    broken.spec.maxReplicaCount = 'six';
    expect(() => new ScaledObject(broken).validate()).toThrow();
    const cm = read('configmap.yaml').data;
    const trigger = so.spec.triggers[0];
    expect(trigger.type).toBe('kafka');
    expect(trigger.metadata).toMatchObject({
      consumerGroup: cm.SINK_KAFKA_GROUP_ID,
      topic: cm.SINK_KAFKA_TOPIC,
      bootstrapServers: cm.SINK_KAFKA_BROKERS,
    });
    expect(so.spec.scaleTargetRef.name).toBe(read('deployment.yaml').metadata.name);
    // No more replicas than the HPA allows (the partition count it names).
    expect(so.spec.maxReplicaCount).toBe(read('hpa.yaml').spec.maxReplicas);
    expect(read('keda/kustomization.yaml').resources).not.toContain('../hpa.yaml');
  });

  it('the ConfigMap sets only variables the sink knows', () => {
    const known = new Set(configLeaves(SinkConfigSchema, 'SINK_').map((l) => l.env));
    for (const key of Object.keys(read('configmap.yaml').data)) expect(known.has(key)).toBe(true);
  });
});
