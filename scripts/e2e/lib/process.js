// Running the off-chain binaries (enigma-worker, dht-node) from the end-to-end tests.
import { spawn, execFile } from 'node:child_process';
import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { killChild, stopChild } from './node.js';

export const WORKER_BIN = process.env.ENIGMA_WORKER;
export const DHT_NODE_BIN = process.env.DHT_NODE;
export const CLIENT_BIN = process.env.ENIGMA_CLIENT;

/**
 * A long-running process whose first stdout line is an address (`enigma-worker run`,
 * `dht-node run`); its stderr goes to `logFile`.
 */
export class Daemon {
  constructor(bin, args, logFile) {
    Object.assign(this, { bin, args, logFile });
  }

  async start(timeoutMs = 120_000) {
    const log = openSync(this.logFile, 'a');
    this.proc = spawn(this.bin, this.args, { stdio: ['ignore', 'pipe', log] });
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    const lines = createInterface({ input: this.proc.stdout });
    this.address = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.bin}: no address in ${timeoutMs} ms; see ${this.logFile}`)), timeoutMs);
      lines.once('line', (line) => { clearTimeout(timer); resolve(line.trim()); });
      this.proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${this.bin} exited with ${code}; see ${this.logFile}`)); });
    });
    return this;
  }

  /** SIGKILL: no chance to shut down cleanly, as in a crash. */
  kill() {
    return killChild(this.proc, this.exited);
  }

  stop() {
    return stopChild(this.proc, this.exited);
  }
}

/** Runs a command to completion: `{ code, stdout, stderr }`, stdin from `input`. */
export function run(bin, args, input) {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr: stderr.toString() }));
    if (input !== undefined) child.stdin.end(input);
  });
}
