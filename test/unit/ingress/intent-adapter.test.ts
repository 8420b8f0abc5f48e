import { adaptIntentPayload, interventionEventId } from '../../../src/ingress';
import { AppError } from '../../../src/errors';
import { intentWebhookItem, interventionSeed } from '../../fixtures/seed-events';

const options = { timeZone: 'Europe/Paris' };

describe('adaptIntentPayload', () => {
  it('turns the five seed interventions into five distinct CloudEvents', () => {
    const events = adaptIntentPayload(interventionSeed, options);
    expect(events.map((e) => e.type)).toEqual([
      'intent.intervention.planned',
      'intent.intervention.occupant_absent',
      'intent.intervention.replanned',
      'intent.intervention.occupant_absent',
      'intent.intervention.formal_notice',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      source: '/contracts/contract1/interventions/PREV_2019',
      subject: 'PREV_2019',
      time: '2019-03-14T17:10:00.000+01:00',
      datacontenttype: 'application/json',
      data: interventionSeed[0],
    });
    expect(events[1]?.time).toBe('2019-08-02T10:30:00.000+02:00');
  });

  it('gives the same id to the same intervention event every time', () => {
    const first = adaptIntentPayload(interventionSeed[1], options)[0];
    const again = adaptIntentPayload({ ...interventionSeed[1] }, options)[0];
    expect(first?.id).toBe(again?.id);
    expect(first?.id).toBe(interventionEventId(interventionSeed[1]!));
  });

  it('uses the webhook id of intent envelopes and keeps operation_url in data', () => {
    const items = interventionSeed.map((body, i) =>
      intentWebhookItem(body, `c9a1e0b4-0000-4000-8000-00000000000${i}`),
    );
    const events = adaptIntentPayload(items, options);
    expect(events.map((e) => e.id)).toEqual(items.map((item) => item.id));
    expect((events[4]?.data as { operation_url: string }).operation_url).toMatch(
      /^https:\/\/api\.intent\.example\/operations\//,
    );
  });

  it('percent-encodes references in the source', () => {
    const [event] = adaptIntentPayload(
      { ...interventionSeed[0], reference: 'A B/1', contractReference: 'c#1' },
      options,
    );
    expect(event?.source).toBe('/contracts/c%231/interventions/A%20B%2F1');
    expect(event?.subject).toBe('A B/1');
  });

  it('keeps a logDate that already has an offset', () => {
    const [event] = adaptIntentPayload({ ...interventionSeed[0], logDate: '2019-03-14T17:10:00Z' }, options);
    expect(event?.time).toBe('2019-03-14T17:10:00Z');
  });

  it('rejects the whole payload, listing each problem by position', () => {
    const bad = [
      interventionSeed[0],
      { ...interventionSeed[1], reference: undefined },
      { ...interventionSeed[2], logDate: 'soon' },
    ];
    let error: AppError | undefined;
    try {
      adaptIntentPayload(bad, options);
    } catch (e) {
      error = e as AppError;
    }
    expect(error?.status).toBe(400);
    expect(error?.problems).toEqual([
      { attribute: '[1].reference', detail: 'is required' },
      { attribute: '[2].logDate', detail: 'must be a date-time such as 2019-08-02T10:30:00.000' },
    ]);
  });

  it('rejects envelopes of another type', () => {
    const item = { ...intentWebhookItem(interventionSeed[0]!, 'x'), type: 'operations:contract:update' };
    expect(() => adaptIntentPayload([item], options)).toThrow(AppError);
  });
});
