import { CesqlParseError, compileCesql } from '../../../src/cesql';

const event = {
  specversion: '1.0',
  id: 'evt-1',
  source: '/contracts/contract1/interventions/PREV_2019',
  type: 'intent.intervention.occupant_absent',
  subject: 'PREV_2019',
  sequence: 7,
  urgent: true,
  data: { status: 'hold' },
};

const value = (expression: string, input: Record<string, unknown> = event) =>
  compileCesql(expression).evaluate(input);

describe('compileCesql', () => {
  it.each([
    ["type LIKE 'intent.intervention.%' AND subject = 'PREV_2019'", true],
    ["source LIKE '/contracts/%/interventions/PREV\\_2019'", true],
    ["type IN ('intent.intervention.planned', 'intent.intervention.occupant_absent')", true],
    ["type NOT IN ('intent.intervention.planned')", true],
    ['sequence > 5 AND sequence % 2 = 1', true],
    ['urgent AND NOT (sequence = 8)', true],
    ["UPPER(LEFT(subject, 4)) = 'PREV'", true],
    ["CONCAT_WS('/', 'a', sequence, urgent) = 'a/7/true'", true],
    ["LENGTH('é😀') = 2", true],
    ["SUBSTRING('😀abc', 2, 2) = 'ab'", true],
    ['2 + 3 * 4 = 14', true],
    ['-(2 - 5) = 3', true],
    ['-2147483648 < 0', true],
    ['TRUE XOR TRUE', false],
  ])('%s is %p', (expression, expected) => {
    expect(value(expression)).toEqual({ value: expected, errors: [] });
  });

  it('evaluates AND, OR and XOR left to right at one precedence level', () => {
    // (TRUE OR FALSE) AND FALSE; with AND binding tighter it would be TRUE.
    expect(value('TRUE OR FALSE AND FALSE').value).toBe(false);
  });

  it('does not expose data as an attribute', () => {
    expect(value('EXISTS data').value).toBe(false);
    expect(value("data = 'x'").errors.map((e) => e.kind)).toEqual(['missingAttribute']);
  });

  it('reads attribute names and keywords in any case', () => {
    expect(value("SUBJECT = 'PREV_2019' and exists SEQUENCE").value).toBe(true);
  });

  it('matches only on a true result without errors', () => {
    expect(compileCesql('sequence = 7').matches(event)).toBe(true);
    expect(compileCesql('missing = 1 OR TRUE').matches(event)).toBe(false);
    expect(compileCesql("'abc'").matches(event)).toBe(false);
    expect(compileCesql('1 / 0 = 0 OR TRUE').matches(event)).toBe(false);
  });

  it('lists calls that have no function, without failing to compile', () => {
    const compiled = compileCesql("NOPE(1) OR LOWER('a', 'b') = 'a'");
    expect(compiled.missingFunctions).toEqual(['NOPE/1', 'LOWER/2']);
    expect(compiled.evaluate(event).errors[0]?.kind).toBe('missingFunction');
  });

  it.each([
    ['', 'unexpected end of expression'],
    ["type = 'open", 'unterminated string literal'],
    ['a = = b', "unexpected '='"],
    ['2147483648 > 1', 'is not a 32-bit integer'],
    ['my_attr = 1', 'is not an attribute name'],
    ['x LIKE y', 'LIKE needs a string literal pattern'],
    ['x IN 1', 'IN needs a parenthesized list'],
    ['(TRUE', "missing ')'"],
    ['TRUE TRUE', "unexpected 'TRUE'"],
    ['a ; b', "unexpected character ';'"],
  ])('rejects %p: %s', (expression, message) => {
    expect(() => compileCesql(expression)).toThrow(CesqlParseError);
    expect(() => compileCesql(expression)).toThrow(message);
  });

  it('says where a parse error is', () => {
    try {
      compileCesql("type = 'a' AND AND");
    } catch (error) {
      expect((error as CesqlParseError).position).toBe(15);
    }
    expect.assertions(1);
  });

  it('treats a backslash not before % or _ as a literal character in LIKE', () => {
    expect(value("'a\\b' LIKE 'a\\b'").value).toBe(true);
    expect(value("'a.c' LIKE 'a_c'").value).toBe(true);
    expect(value("'abc' LIKE 'a.c'").value).toBe(false);
  });

  it("compiles LIKE patterns with characters a regular expression would escape, such as AO's 'O-%'", () => {
    expect(value("source LIKE 'O-%'", { ...event, source: 'O-2019-0042' })).toEqual({
      value: true,
      errors: [],
    });
    expect(value("subject LIKE '[a-z]+(x)|y?'", { ...event, subject: '[a-z]+(x)|y?' }).value).toBe(true);
  });

  it('evaluates a LIKE that would make a regular expression backtrack for ever, at once', () => {
    const filter = compileCesql("source LIKE '%a%a%a%a%a%a%a%a%a%a%b'");
    expect(filter.matches({ ...event, source: 'a'.repeat(10_000) })).toBe(false);
  });

  it('refuses expressions too long or nested too deep to evaluate safely for every event', () => {
    expect(() => compileCesql(`${'('.repeat(50_000)}true${')'.repeat(50_000)}`)).toThrow(CesqlParseError);
    expect(() => compileCesql(`type = '${'x'.repeat(4_100)}'`)).toThrow(/at most 4096 characters/);
    expect(() => compileCesql(`${'('.repeat(20)}true${')'.repeat(20)}`)).toThrow(/nests deeper than 32/);
    expect(() => compileCesql(`${'NOT '.repeat(40)}true`)).toThrow(/nests deeper than 32/);
    expect(compileCesql(`${'('.repeat(10)}true${')'.repeat(10)}`).matches(event)).toBe(true);
  });
});
