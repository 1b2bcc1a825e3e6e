import { assignedExpiryDate, exceedsMaximum, expiryVerdict } from '../../../core/rules';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('recertification', () => {
  test.each([
    ['2027-05-24', 180, false],
    ['2027-05-25', 180, true],
    ['2026-11-26', 1, false],
    ['2026-11-27', 1, true],
  ])('%s against %i days: exceeds=%s', (value, days, expected) => {
    expect(exceedsMaximum(value, NOW, days)).toBe(expected);
  });

  test('the expiry meshStack assigns is today + the period', () => {
    expect(assignedExpiryDate(NOW, 180)).toBe('2027-05-24');
  });

  test.each([
    ['no expiry', undefined, 30, 'ok'],
    ['within the maximum', '2026-12-20', 30, 'ok'],
    ['beyond the maximum', '2027-01-30', 30, 'beyond-maximum'],
    ['in the past', '2026-11-20', 30, 'past'],
    ['not a date', '2026-02-30', 30, 'invalid'],
    ['any date without a maximum', '2099-01-01', undefined, 'ok'],
  ])('the platform’s verdict on %s', (_name, expiry, max, verdict) => {
    expect(expiryVerdict(expiry, NOW, max)).toBe(verdict);
  });
});
