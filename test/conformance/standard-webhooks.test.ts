import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signRequest } from '../../src/delivery';
import { specsDir } from '../support/conformance-dir';

interface Vector {
  secret: string;
  'webhook-id': string;
  'webhook-timestamp': string;
  body: string;
  'webhook-signature': string;
}

const file = path.join(specsDir(), 'standard-webhooks', 'test-vectors.json');
const vectors = (JSON.parse(readFileSync(file, 'utf8')) as { valid: Vector[] }).valid;

describe('Standard Webhooks test vectors', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(vectors.map((v) => [v['webhook-id'], v] as const))(
    'reproduces the signature of %s',
    (_id, vector) => {
      const headers = signRequest(
        vector['webhook-id'],
        vector.body,
        [vector.secret],
        new Date(Number(vector['webhook-timestamp']) * 1000),
      );
      expect(headers).toEqual({
        'webhook-id': vector['webhook-id'],
        'webhook-timestamp': vector['webhook-timestamp'],
        'webhook-signature': vector['webhook-signature'],
      });
    },
  );
});
