import { parseCloudEventsRequest, type BindingMessage } from '../../../src/ingress';
import { AppError } from '../../../src/errors';
import { aoStatusChangedEvent } from '../../fixtures/seed-events';
import { makeEvent } from '../../fixtures/make-event';

function message(headers: Record<string, string>, body: string | Buffer = ''): BindingMessage {
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'b-1',
  'ce-source': '/tenants/1/orders/x',
  'ce-type': 'ao.order.statuschanged',
};

describe('parseCloudEventsRequest', () => {
  describe('structured mode', () => {
    it('accepts the content type with parameters, in any case', () => {
      const parsed = parseCloudEventsRequest(
        message(
          { 'content-type': 'Application/CloudEvents+JSON; charset=UTF-8' },
          JSON.stringify(aoStatusChangedEvent()),
        ),
      );
      expect(parsed).toEqual({ mode: 'structured', events: [aoStatusChangedEvent()] });
    });

    it('rejects a charset other than UTF-8 with 415', () => {
      const error = errorOf(() =>
        parseCloudEventsRequest(
          message({ 'content-type': 'application/cloudevents+json; charset=latin1' }, '{}'),
        ),
      );
      expect(error.status).toBe(415);
    });

    it('answers 400 for a body that is not JSON', () => {
      const error = errorOf(() =>
        parseCloudEventsRequest(message({ 'content-type': 'application/cloudevents+json' }, '{')),
      );
      expect(error).toMatchObject({ status: 400, code: 'invalid_cloudevent' });
      expect(error.problems[0]?.attribute).toBe('(body)');
    });

    it('ignores ce- headers', () => {
      const parsed = parseCloudEventsRequest(
        message(
          { 'content-type': 'application/cloudevents+json', 'ce-id': 'other' },
          JSON.stringify(makeEvent()),
        ),
      );
      expect(parsed.events[0]?.id).toBe('evt-1');
    });
  });

  describe('batched mode', () => {
    it('returns every event of the batch', () => {
      const batch = [makeEvent({ id: 'a' }), makeEvent({ id: 'b' })];
      const parsed = parseCloudEventsRequest(
        message({ 'content-type': 'application/cloudevents-batch+json' }, JSON.stringify(batch)),
      );
      expect(parsed.mode).toBe('batched');
      expect(parsed.events.map((e) => e.id)).toEqual(['a', 'b']);
    });

    it('is all or nothing, naming each bad event by index', () => {
      const batch = [makeEvent(), 'not an object', makeEvent({ id: '' })];
      const error = errorOf(() =>
        parseCloudEventsRequest(
          message({ 'content-type': 'application/cloudevents-batch+json' }, JSON.stringify(batch)),
        ),
      );
      expect(error.problems.map((p) => p.attribute)).toEqual(['[1]', '[2].id']);
    });

    it('requires an array', () => {
      const error = errorOf(() =>
        parseCloudEventsRequest(
          message({ 'content-type': 'application/cloudevents-batch+json' }, JSON.stringify(makeEvent())),
        ),
      );
      expect(error.problems[0]?.detail).toMatch(/JSON array/);
    });
  });

  describe('binary mode', () => {
    it('reads attributes from ce- headers and JSON data from the body', () => {
      const parsed = parseCloudEventsRequest(
        message(
          {
            ...binaryHeaders,
            'content-type': 'application/json',
            'ce-time': '2020-11-06T14:36:00.000+02:00',
          },
          '{"resourceReference":"/x"}',
        ),
      );
      expect(parsed).toEqual({
        mode: 'binary',
        events: [
          {
            specversion: '1.0',
            id: 'b-1',
            source: '/tenants/1/orders/x',
            type: 'ao.order.statuschanged',
            time: '2020-11-06T14:36:00.000+02:00',
            datacontenttype: 'application/json',
            data: { resourceReference: '/x' },
          },
        ],
      });
    });

    it('percent-decodes header values once', () => {
      const parsed = parseCloudEventsRequest(message({ ...binaryHeaders, 'ce-subject': 'Caf%C3%A9%2520' }));
      expect(parsed.events[0]?.subject).toBe('Café%20');
    });

    it('rejects invalid UTF-8 in a header with 400', () => {
      const error = errorOf(() =>
        parseCloudEventsRequest(message({ ...binaryHeaders, 'ce-subject': '%C3%28' })),
      );
      expect(error.problems[0]?.attribute).toBe('subject');
    });

    it('keeps text as a string and other bytes as data_base64', () => {
      const text = parseCloudEventsRequest(
        message({ ...binaryHeaders, 'content-type': 'text/plain' }, 'hello'),
      );
      expect(text.events[0]?.data).toBe('hello');
      const bytes = parseCloudEventsRequest(
        message({ ...binaryHeaders, 'content-type': 'application/octet-stream' }, Buffer.from([0, 255])),
      );
      expect(bytes.events[0]?.data_base64).toBe('AP8=');
    });

    it('reports a missing required attribute instead of inventing it', () => {
      const { 'ce-id': _id, ...withoutId } = binaryHeaders;
      const error = errorOf(() => parseCloudEventsRequest(message(withoutId)));
      expect(error.problems).toEqual([{ attribute: 'id', detail: 'is required' }]);
    });

    it('rejects a JSON content type whose body is not JSON', () => {
      const error = errorOf(() =>
        parseCloudEventsRequest(message({ ...binaryHeaders, 'content-type': 'application/json' }, '{oops')),
      );
      expect(error.problems[0]?.attribute).toBe('data');
    });
  });

  it('answers 415 for a request that is no CloudEvent at all', () => {
    expect(
      errorOf(() => parseCloudEventsRequest(message({ 'content-type': 'application/json' }, '{}'))).status,
    ).toBe(415);
    expect(errorOf(() => parseCloudEventsRequest(message({}, ''))).status).toBe(415);
  });

  it('answers 415 for event formats other than JSON', () => {
    const error = errorOf(() =>
      parseCloudEventsRequest(message({ 'content-type': 'application/cloudevents+avro' }, 'x')),
    );
    expect(error).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });
});
