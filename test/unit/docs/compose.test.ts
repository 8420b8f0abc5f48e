import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { configSchema } from '../../../src/config/config-schema';

const ROOT = resolve(__dirname, '../../..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      ports?: string[];
      healthcheck?: unknown;
      profiles?: string[];
      networks?: Record<string, { ipv4_address: string }> | string[];
      entrypoint?: string[];
    }
  >;
};
const example = readFileSync(join(ROOT, '.env.example'), 'utf8');

describe('docker-compose.yml', () => {
  it('passes the settings the quick start needs, from .env, to the API', () => {
    const api = compose.services.api!;
    for (const name of ['ADMIN_API_KEY', 'ALLOW_SINK_CIDRS', 'RELAY_CONFIG', 'INGEST_TOKENS']) {
      expect(api.environment?.[name]).toBe(`\${${name}:-}`);
      expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    }
    expect(compose.services.worker!.environment?.RELAY_CONFIG).toBe('${RELAY_CONFIG:-}');
  });

  it('publishes ports on 127.0.0.1 unless told otherwise, and health-checks the API and the worker', () => {
    expect(compose.services.api!.ports).toEqual(['${API_BIND:-127.0.0.1}:8080:8080']);
    expect(compose.services.redis!.ports).toEqual(['127.0.0.1:6379:6379']);
    expect(JSON.stringify(compose.services.api!.healthcheck)).toContain('127.0.0.1:8080/readyz');
    const worker = compose.services.worker!;
    expect(JSON.stringify(worker.healthcheck)).toContain(
      `127.0.0.1:${worker.environment?.METRICS_PORT}/readyz`,
    );
  });

  it('sets only variables that ce-relay knows', () => {
    const known = new Set([...Object.keys(configSchema.shape), 'ROLE']);
    for (const service of ['api', 'worker', 'api-cluster', 'worker-cluster']) {
      for (const name of Object.keys(compose.services[service]!.environment ?? {})) {
        expect([service, name, known.has(name)]).toEqual([service, name, true]);
      }
    }
  });

  it('runs ce-relay on the 6-node cluster of its cluster profile, made into a cluster by cluster-init', () => {
    const nodes = Object.entries(compose.services).filter(([name]) => name.startsWith('cluster-node-'));
    expect(nodes).toHaveLength(6);
    const addresses = nodes.map(([, node]) => {
      expect(node.profiles).toEqual(['cluster']);
      return `${(node.networks as Record<string, { ipv4_address: string }>).cluster!.ipv4_address}:6379`;
    });
    const init = compose.services['cluster-init']!.entrypoint!.join(' ');
    expect(init).toContain(`--cluster create ${addresses.join(' ')} --cluster-replicas 1`);
    for (const name of ['api-cluster', 'worker-cluster']) {
      const environment = compose.services[name]!.environment!;
      expect(environment.REDIS_URL).toBe('');
      expect(environment.REDIS_SHARDS).toBe('16');
      for (const address of environment.REDIS_CLUSTER_NODES!.split(',')) expect(addresses).toContain(address);
    }
  });
});
