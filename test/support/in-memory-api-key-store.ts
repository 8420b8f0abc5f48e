import type { ApiKeyRecord, ApiKeyStore } from '../../src/security';

/** An ApiKeyStore in memory, in creation order. */
export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly records = new Map<string, ApiKeyRecord>();

  async create(record: ApiKeyRecord) {
    this.records.set(record.id, record);
  }

  async get(id: string) {
    return this.records.get(id);
  }

  async list(tenant?: string) {
    return [...this.records.values()].filter((r) => tenant === undefined || r.tenant === tenant);
  }

  async delete(id: string) {
    const existing = this.records.get(id);
    this.records.delete(id);
    return existing;
  }
}
