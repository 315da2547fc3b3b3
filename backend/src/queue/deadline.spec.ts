import { withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('settles like the promise when it is in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 100, 'late')).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no')), 100, 'late')).rejects.toThrow('no');
  });

  it('rejects with the message once the deadline passes', async () => {
    const never = new Promise<number>(() => undefined);
    const startedAt = Date.now();
    await expect(withDeadline(never, 50, 'no answer within 50 ms')).rejects.toThrow(
      'no answer within 50 ms',
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
  });
});
