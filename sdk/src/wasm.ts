// The enigma CLI's client cryptography (Rust, `sdk/wasm`) as a WebAssembly module: one exported
// call, JSON in and out. Randomness comes from the host's crypto.getRandomValues.

/** What the module answers when a call fails: the Rust side's reason, as the CLI would say it. */
export class EnigmaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnigmaError';
  }
}

interface Exports {
  memory: WebAssembly.Memory;
  enigma_alloc(len: number): number;
  enigma_free(ptr: number, len: number): void;
  enigma_call(methodPtr: number, methodLen: number, argPtr: number, argLen: number): bigint;
}

/** Where the module comes from: its bytes, or a URL to fetch (default: next to this file). */
export type WasmSource = BufferSource | URL | string;

export class Wasm {
  private constructor(private readonly exports: Exports) {}

  static async load(source?: WasmSource): Promise<Wasm> {
    const bytes = await wasmBytes(source ?? new URL('./enigma.wasm', import.meta.url));
    let memory: WebAssembly.Memory | undefined;
    const imports = {
      enigma: {
        random_fill(ptr: number, len: number) {
          const view = new Uint8Array(memory!.buffer, ptr, len);
          // getRandomValues fills at most 65,536 bytes per call.
          for (let at = 0; at < len; at += 65_536) globalThis.crypto.getRandomValues(view.subarray(at, Math.min(len, at + 65_536)));
        },
      },
    };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    const exports = instance.exports as unknown as Exports;
    memory = exports.memory;
    return new Wasm(exports);
  }

  /** Runs `method` on `arg`; throws an EnigmaError with the module's reason if it fails. */
  call<T = any>(method: string, arg: unknown = {}): T {
    const write = (bytes: Uint8Array): number => {
      const ptr = this.exports.enigma_alloc(bytes.length);
      new Uint8Array(this.exports.memory.buffer, ptr, bytes.length).set(bytes);
      return ptr;
    };
    const name = new TextEncoder().encode(method);
    const json = new TextEncoder().encode(JSON.stringify(arg));
    const packed = BigInt.asUintN(64, this.exports.enigma_call(write(name), name.length, write(json), json.length));
    const ptr = Number(BigInt.asUintN(32, packed));
    const len = Number(packed >> 32n);
    const text = new TextDecoder().decode(new Uint8Array(this.exports.memory.buffer, ptr, len).slice());
    this.exports.enigma_free(ptr, len);
    const answer = JSON.parse(text);
    if ('err' in answer) throw new EnigmaError(answer.err);
    return answer.ok as T;
  }
}

async function wasmBytes(source: WasmSource): Promise<BufferSource> {
  if (typeof source !== 'string' && !(source instanceof URL)) return source;
  const url = source instanceof URL ? source : new URL(source, globalThis.location?.href);
  if (url.protocol === 'file:') {
    // Node.js, whose fetch() does not read files (taken without an import, which bundlers for
    // the browser would try to resolve).
    const fs = (globalThis as any).process?.getBuiltinModule?.('node:fs/promises');
    if (!fs) throw new EnigmaError(`cannot read ${url}: pass the module's bytes as \`wasm\``);
    return fs.readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new EnigmaError(`fetching ${url}: ${response.status}`);
  return response.arrayBuffer();
}
