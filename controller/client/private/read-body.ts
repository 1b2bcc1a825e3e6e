/**
 * Reads a response body as text, bounded in size and in silence: a large page that keeps arriving is
 * read to its end (an idle timeout, as meshStack's CLI), one that stalls or outgrows the limit is not.
 */
import type { Readable } from 'stream';

export class BodyTooLarge extends Error {
  constructor(public readonly limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
  }
}

/** An abort timer that any sign of life pushes back; `fired` says whether it ended the wait. */
export class SilenceTimer {
  private timer?: NodeJS.Timeout;
  public fired = false;

  constructor(
    private readonly ms: number,
    private readonly onSilence: () => void,
  ) {
    this.touch();
  }

  public touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onSilence();
    }, this.ms);
  }

  public stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The whole body, `touch` called on every chunk. A declared Content-Length beyond the limit is
 * refused before a byte is read; a body that grows beyond it is cut off there.
 */
export async function readBody(
  stream: Readable,
  declaredLength: unknown,
  limitBytes: number,
  touch: () => void,
): Promise<string> {
  if (Number(declaredLength) > limitBytes) {
    stream.destroy();
    throw new BodyTooLarge(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    touch();
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > limitBytes) {
      stream.destroy();
      throw new BodyTooLarge(limitBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
