import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adaptIntentPayload, validateEvent } from '../../../src/ingress';
import { aoStatusChangedEvent, interventionSeed } from '../../fixtures/seed-events';

const read = (name: string): unknown =>
  JSON.parse(readFileSync(join(resolve(__dirname, '../../..'), 'examples', 'events', name), 'utf8'));

describe("the quick start's example events", () => {
  it('are the seed events, and are accepted as they are', () => {
    const ao = read('ao-status-changed.json');
    expect(ao).toEqual(aoStatusChangedEvent());
    expect(validateEvent(ao)).toEqual({ ok: true, event: ao });
    const intent = read('intent-intervention.json');
    expect(intent).toEqual(interventionSeed[0]);
    expect(adaptIntentPayload(intent, { timeZone: 'Europe/Paris' })).toEqual([
      expect.objectContaining({ type: 'intent.intervention.planned' }),
    ]);
  });
});
