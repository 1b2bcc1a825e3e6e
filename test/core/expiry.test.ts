import { isExpired, parseExpiry } from '../../core/expiry';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('parseExpiry', () => {
  test.each([
    ['2026-12-31', '2027-01-01T00:00:00.000Z', '2026-12-31'],
    ['2026-12-31T10:00:00Z', '2026-12-31T10:00:00.000Z', '2026-12-31'],
    ['2026-12-31T23:30:00-02:00', '2027-01-01T01:30:00.000Z', '2027-01-01'],
  ])('%s ends at %s and is sent as %s', (value, endsAt, apiDate) => {
    expect(parseExpiry(value)).toMatchObject({ endsAt: new Date(endsAt), apiDate });
  });

  test.each([['2026-02-30'], ['2026-13-01'], ['tomorrow'], ['2026-12-31T25:00:00Z'], ['']])('rejects %j', (value) => {
    expect(parseExpiry(value)).toBeUndefined();
  });
});

describe('isExpired', () => {
  test.each([
    ['a day is valid through its end', '2026-11-25', false],
    ['the day before has passed', '2026-11-24', true],
    ['an instant before now has passed', '2026-11-25T11:59:59Z', true],
    ['now itself counts as passed', '2026-11-25T12:00:00Z', true],
    ['an instant after now is valid', '2026-11-25T12:00:01Z', false],
  ])('%s', (_name, value, expected) => {
    expect(isExpired(value, NOW)).toBe(expected);
  });
});
