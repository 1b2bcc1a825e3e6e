import { formatDuration, parseDuration } from '../../core/duration';

test.each([
  [10_000, '10s'],
  [80_000, '1m 20s'],
  [15 * 60_000, '15m'],
  [2 * 3_600_000, '2h'],
  [3_600_000 + 30_000, '1h'],
  [3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000, '3d 4h'],
  [400, '0s'],
])('%i ms reads as %s, and reads back within its precision', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
  const back = text.split(' ').reduce((sum, part) => sum + parseDuration(part)!, 0);
  expect(Math.abs(back - ms)).toBeLessThan(ms >= 3_600_000 ? 3_600_000 : 60_000);
});
