import { isBelowBullmqMinimum } from './queue-server.probe.js';

describe('isBelowBullmqMinimum', () => {
  it.each([
    ['4.0.14', true],
    ['4.9.99', true],
    ['5.0.0', false],
    ['5.0.7', false],
    ['7.0.15', false],
    ['10.0.0', false],
  ])('%s → %s', (version, below) => {
    expect(isBelowBullmqMinimum(version)).toBe(below);
  });

  it('does not call an unreadable version too old', () => {
    expect(isBelowBullmqMinimum('unknown')).toBe(false);
  });
});
