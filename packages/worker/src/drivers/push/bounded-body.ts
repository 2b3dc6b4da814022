/**
 * Reading a request body that a public endpoint cannot trust: at most `max` bytes are ever held. A declared
 * `content-length` over the limit is refused before a byte is read; a streamed (chunked) body is counted as it
 * arrives and the read is cancelled at the first chunk that crosses the limit. Edge-safe: no Node-only import.
 */

/** Default largest JSON payload of a push, in bytes: core's `DEFAULTS.maxPayloadBytes` (1 MiB; a test keeps them equal). */
export const DEFAULT_PUSH_PAYLOAD_BYTES = 1024 * 1024;
/** Room a push body takes beyond its payload (id, name, queue, attempt, trace), in bytes. */
export const PUSH_ENVELOPE_BYTES = 65_536;

/** The largest body a push endpoint accepts for payloads of at most `maxPayloadBytes` (default 1 MiB + 64 KiB). */
export const maxBodyFor = (maxPayloadBytes: number = DEFAULT_PUSH_PAYLOAD_BYTES): number =>
  maxPayloadBytes + PUSH_ENVELOPE_BYTES;

/** True when a declared `content-length` header says the body is over `max` bytes. */
export function declaredOver(contentLength: string | null | undefined, max: number): boolean {
  if (contentLength === null || contentLength === undefined || contentLength === '') return false;
  const n = Number(contentLength);
  return !Number.isFinite(n) || n > max;
}

/** `chunks` (of `size` bytes in all) as one array. */
export function concatChunks(chunks: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The body of `request` when it is at most `max` bytes, else undefined (the read stops at once). */
export async function readBoundedBody(request: Request, max: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (declaredOver(request.headers.get('content-length'), max)) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatChunks(chunks, size);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
}
