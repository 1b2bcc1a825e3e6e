/** meshform's own package.json, found from the sources and from dist/ alike. */
import * as fs from 'fs';
import * as path from 'path';

export function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'meshform')
      return dir;
  }
  throw new Error(`meshform's package.json not found above ${__dirname}`);
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
