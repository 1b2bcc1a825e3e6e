/**
 * `meshform terraform install` writes a launcher Terraform runs with its credentials: whatever the
 * process umask, the mirror is the user's alone (directories and launcher 0700, terraform.rc 0600).
 */
import * as fs from 'fs';
import * as path from 'path';
import { installProvider } from '../../../controller/cli/terraform';
import { scratchDir } from '../../helpers/scratch';

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

function everything(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...everything(p)] : [p];
  });
}

test.each([0o000, 0o022])('under umask %o: directories and launchers 0700, terraform.rc 0600', (mask) => {
  const dir = path.join(scratchDir('tf-install'), 'install');
  const before = process.umask(mask);
  try {
    const done = installProvider(dir);
    expect(modeOf(dir)).toBe(0o700);
    const modes = everything(dir).map((p) => [path.relative(dir, p), modeOf(p)]);
    expect(modes.filter(([p]) => p !== 'terraform.rc').every(([, m]) => m === 0o700)).toBe(true);
    expect(modeOf(done.cliConfig)).toBe(0o600);
    expect(done.launchers.length).toBeGreaterThan(0);
  } finally {
    process.umask(before);
  }
});
