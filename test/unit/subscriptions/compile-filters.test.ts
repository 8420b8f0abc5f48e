import { compileFilters, type Filter } from '../../../src/subscriptions';

const event = {
  specversion: '1.0',
  id: 'e1',
  source: '/contracts/contract1/interventions/PREV_2019',
  type: 'intent.intervention.occupant_absent',
  subject: 'PREV_2019',
  priority: 2,
  data: { status: 'hold' },
};

describe('compileFilters', () => {
  it.each<[string, Filter[], boolean]>([
    ['no filters', [], true],
    ['exact', [{ exact: { type: 'intent.intervention.occupant_absent', subject: 'PREV_2019' } }], true],
    ['exact is case-sensitive', [{ exact: { subject: 'prev_2019' } }], false],
    ['prefix', [{ prefix: { source: '/contracts/contract1/' } }], true],
    ['suffix', [{ suffix: { type: '.occupant_absent' } }], true],
    ['a missing attribute never matches', [{ prefix: { tenant: 'a' } }], false],
    ['data is not an attribute', [{ exact: { data: '[object Object]' } }], false],
    ['non-string attributes compare as text', [{ exact: { priority: '2' } }], true],
    ['the array is ANDed', [{ prefix: { type: 'intent.' } }, { exact: { subject: 'OTHER' } }], false],
    ['all', [{ all: [{ prefix: { type: 'intent.' } }, { suffix: { type: '_absent' } }] }], true],
    ['any', [{ any: [{ exact: { type: 'x' } }, { exact: { subject: 'PREV_2019' } }] }], true],
    ['not', [{ not: { exact: { type: 'intent.intervention.planned' } } }], true],
    ['sql', [{ sql: "type LIKE 'intent.%' AND priority > 1" }], true],
    ['sql with an error is false', [{ sql: 'priority / 0 = 0' }], false],
  ])('%s', (_label, filters, expected) => {
    expect(compileFilters(filters)(event)).toBe(expected);
  });
});
