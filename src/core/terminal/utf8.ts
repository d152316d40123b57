// UTF-8 decoded as a stream: a multibyte character split across two reads (common on ssh2
// channels, which hand out Buffers) must not turn into two U+FFFD. node-pty with encoding 'utf8'
// already does this locally; remote pty channels use this.
import { StringDecoder } from 'node:string_decoder';

export class Utf8StreamDecoder {
  private readonly decoder = new StringDecoder('utf8');

  /** Text complete so far; an incomplete trailing sequence is held for the next call. */
  write(chunk: Buffer | Uint8Array | string): string {
    if (typeof chunk === 'string') return chunk;
    return this.decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }

  /** Whatever is held (an incomplete sequence becomes U+FFFD) at the end of the stream. */
  end(): string {
    return this.decoder.end();
  }
}
