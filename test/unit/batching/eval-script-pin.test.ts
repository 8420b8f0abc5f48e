import { readFileSync } from 'node:fs';
import { Command } from 'ioredis';

// createScriptRunner builds ioredis Commands by hand (empty, then `args` set): this holds it to the
// installed ioredis. The behaviour against Redis is in test/integration/batching.
describe('the ioredis Command that createScriptRunner builds', () => {
  it('is the ioredis major version it was written against', () => {
    const { version } = JSON.parse(readFileSync(require.resolve('ioredis/package.json'), 'utf8')) as {
      version: string;
    };
    expect(`ioredis ${version.split('.')[0]}`).toBe('ioredis 6');
  });

  it('keeps the arguments set on it, as they are, for the wire', () => {
    const command = new Command('evalsha', [], { replyEncoding: 'utf8' });
    command.args = ['sha', '1', '{p}:k', '', 'é'];
    expect(command.name).toBe('evalsha');
    expect(command.args).toEqual(['sha', '1', '{p}:k', '', 'é']);
    const wire = command.toWritable({}).toString();
    expect(wire).toBe('*6\r\n$7\r\nevalsha\r\n$3\r\nsha\r\n$1\r\n1\r\n$5\r\n{p}:k\r\n$0\r\n\r\n$2\r\né\r\n');
  });
});
