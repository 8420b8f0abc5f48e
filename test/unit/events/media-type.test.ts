import { isJsonMediaType, isTextMediaType, parseMediaType } from '../../../src/events';

describe('parseMediaType', () => {
  it('lower-cases type, subtype and parameter names', () => {
    const media = parseMediaType('Application/CloudEvents+JSON; Charset=UTF-8');
    expect(media?.essence).toBe('application/cloudevents+json');
    expect(media?.parameters.get('charset')).toBe('UTF-8');
  });

  it('reads quoted parameter values', () => {
    expect(parseMediaType('text/plain; a="x; y"; b=z')?.parameters).toEqual(
      new Map([
        ['a', 'x; y'],
        ['b', 'z'],
      ]),
    );
  });

  it.each(['xyz', '', 'text/', '/plain', 'text/plain;', 'text/plain; a', 'text/pl ain', 'a/b/c'])(
    'rejects %p',
    (value) => expect(parseMediaType(value)).toBeUndefined(),
  );

  it('knows JSON and text media types', () => {
    expect(isJsonMediaType(parseMediaType('application/vnd.ao+json')!)).toBe(true);
    expect(isJsonMediaType(parseMediaType('text/json')!)).toBe(false);
    expect(isTextMediaType(parseMediaType('text/plain')!)).toBe(true);
    expect(isTextMediaType(parseMediaType('application/octet-stream')!)).toBe(false);
  });
});
