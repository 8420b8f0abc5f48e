import { createHandedAttempts } from '../../../src/delivery';

const entry = (eventKey: string) => ({ subscriptionId: 'sub', eventKey, round: 0 });

describe('createHandedAttempts', () => {
  it('attempts each handed delivery at once, reports one that failed, and drains those under way', async () => {
    const finish: (() => void)[] = [];
    const errors: string[] = [];
    const started: string[] = [];
    const handed = createHandedAttempts({
      process: (job) => {
        started.push(`${job.eventKey} handed=${job.handed}`);
        if (job.eventKey === 'broken') return Promise.reject(new Error('Redis went away'));
        return new Promise((resolve) => finish.push(() => resolve({ kind: 'done' })));
      },
      onError: (error) => errors.push(error.message),
    });

    handed.run([entry('a'), entry('broken')]);
    expect(started).toEqual(['a handed=true', 'broken handed=true']);
    expect(handed.accepting).toBe(true);

    let drained = false;
    const draining = handed.drain().then(() => (drained = true));
    expect(handed.accepting).toBe(false); // slots that free now go to other workers
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false); // a is still under way
    expect(errors).toEqual(['Redis went away']);
    finish.forEach((done) => done());
    await draining;
    expect(drained).toBe(true);
  });
});
