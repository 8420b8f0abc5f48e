import { validateEvent } from '../../../src/ingress';
import { aoStatusChangedEvent } from '../../fixtures/seed-events';
import { makeEvent } from '../../fixtures/make-event';

function problemsOf(input: unknown, path?: string) {
  const result = validateEvent(input, path);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.problems;
}

describe('validateEvent', () => {
  it('accepts the AO seed event unchanged', () => {
    const event = aoStatusChangedEvent();
    expect(validateEvent(event)).toEqual({ ok: true, event });
  });

  it('never invents a missing id or time', () => {
    const { id: _id, ...withoutId } = makeEvent();
    expect(problemsOf(withoutId)).toEqual([{ attribute: 'id', detail: 'is required' }]);
    const result = validateEvent(makeEvent());
    expect(result.ok && 'time' in result.event).toBe(false);
  });

  it('drops null optional attributes', () => {
    const result = validateEvent(makeEvent({ subject: null, time: null }));
    expect(result).toEqual({ ok: true, event: makeEvent() });
  });

  it('lists every problem with the attribute it concerns', () => {
    const problems = problemsOf(
      makeEvent({ specversion: '0.3', time: 'lunchtime', dataschema: '/relative', MyExt: 1, subject: '' }),
    );
    expect(problems.map((p) => p.attribute).sort()).toEqual([
      'MyExt',
      'dataschema',
      'specversion',
      'subject',
      'time',
    ]);
  });

  it('prefixes problems with the batch position', () => {
    expect(problemsOf(makeEvent({ type: '' }), '[3]')).toEqual([
      { attribute: '[3].type', detail: 'must not be empty' },
    ]);
  });

  it('rejects non-string required attributes and non-object events', () => {
    expect(problemsOf(makeEvent({ id: 25 }))[0]).toEqual({ attribute: 'id', detail: 'must be a string' });
    expect(problemsOf('not an event')[0]?.detail).toBe('an event must be a JSON object');
    expect(problemsOf([makeEvent()])[0]?.detail).toBe('an event must be a JSON object');
  });

  it('checks extension values against the type system', () => {
    expect(validateEvent(makeEvent({ extint: 10, extbool: true, extstr: 'x' })).ok).toBe(true);
    expect(problemsOf(makeEvent({ extfloat: 1.5 }))[0]?.attribute).toBe('extfloat');
    expect(problemsOf(makeEvent({ extbig: 2 ** 31 }))[0]?.attribute).toBe('extbig');
    expect(problemsOf(makeEvent({ extobj: { a: 1 } }))[0]?.attribute).toBe('extobj');
  });

  it('rejects data together with data_base64, and data_base64 that is not base64', () => {
    expect(problemsOf(makeEvent({ data: 'x', data_base64: 'eA==' }))).toEqual([
      { attribute: 'data_base64', detail: 'data and data_base64 are exclusive' },
    ]);
    expect(problemsOf(makeEvent({ data_base64: 'not base64!' }))[0]?.attribute).toBe('data_base64');
  });

  it('requires source to be a URI-reference', () => {
    expect(problemsOf(makeEvent({ source: 'has spaces' }))[0]?.attribute).toBe('source');
  });

  it.each([
    ['a control character', { subject: 'line\nbreak' }, 'subject'],
    ['a C1 control character', { type: 'a\u0085b' }, 'type'],
    ['a noncharacter', { id: 'x\uFFFE' }, 'id'],
    ['an unpaired surrogate', { subject: 's\uD800' }, 'subject'],
    ['an unpaired surrogate in an extension', { ext: '\uDC00' }, 'ext'],
  ])('refuses a string attribute with %s', (_label, attributes, attribute) => {
    expect(problemsOf(makeEvent(attributes))).toEqual([
      {
        attribute,
        detail: 'must not contain control characters, Unicode noncharacters or unpaired surrogates',
      },
    ]);
  });

  it('accepts any other Unicode text in strings, astral characters included', () => {
    expect(validateEvent(makeEvent({ subject: 'Café 🚗 \u00A0 \uFEFF 你好' })).ok).toBe(true);
  });

  it.each([
    [{ datacontenttype: 'text/plain', data: { a: 1 } }, /must be a string under datacontenttype text\/plain/],
    [{ datacontenttype: 'application/xml', data: 5 }, /must be a string/],
    [{ datacontenttype: 'text/plain', data: 'a\uD800' }, /well-formed Unicode/],
    [{ datacontenttype: 'text/plain; charset=iso-8859-1', data: 'é' }, /as data_base64/],
  ])('refuses text data it could not relay faithfully: %j', (attributes, detail) => {
    const [problem] = problemsOf(makeEvent(attributes));
    expect(problem).toEqual({ attribute: 'data', detail: expect.stringMatching(detail) });
  });

  it.each([
    { datacontenttype: 'text/plain; charset=utf-8', data: 'grüße' },
    { datacontenttype: 'application/vnd.x+json', data: 5 },
    { data: 'a JSON string' },
    { datacontenttype: 'text/plain', data_base64: 'AAE=' },
  ])('accepts data it can relay: %j', (attributes) => {
    expect(validateEvent(makeEvent(attributes)).ok).toBe(true);
  });

  it('takes __proto__ as an own key, refused like any bad attribute name, never as a prototype', () => {
    const poison = JSON.parse(
      '{"specversion":"1.0","__proto__":{"id":"x","source":"/s","type":"t"}}',
    ) as Record<string, unknown>;
    const attributes = problemsOf(poison).map((p) => p.attribute);
    expect(attributes).toEqual(expect.arrayContaining(['id', 'source', 'type', '__proto__']));
  });

  it('returns a plain object, whatever keys the input had', () => {
    const result = validateEvent(JSON.parse('{"specversion":"1.0","id":"a","source":"/s","type":"t"}'));
    expect(result.ok && Object.getPrototypeOf(result.event)).toBe(Object.prototype);
  });
});
