// Running the off-chain binaries (enigma-worker, dht-node) from the end-to-end tests.
import { spawn, execFile } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { killChild, stopChild, tempDir } from './node.js';

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

/**
 * Runs a command to completion: `{ code, stdout, stderr }`, stdin from `input`, with `env` added
 * to the environment, in `cwd` (default: this process's). The tests' dev chains have no
 * GRANDPA, so the client takes their node's answers as they come (ENIGMA_TRUST_RPC=1) unless
 * `env` says otherwise.
 */
export function run(bin, args, input, env = {}, cwd = undefined) {
  return new Promise((resolve) => {
    const options = { encoding: 'buffer', maxBuffer: 64 << 20, env: { ...process.env, ENIGMA_TRUST_RPC: '1', ...env }, cwd };
    const child = execFile(bin, args, options, (error, stdout, stderr) =>
      resolve({ code: error ? error.code ?? 1 : 0, stdout, stderr: stderr.toString() }));
    if (input !== undefined) child.stdin.end(input);
  });
}

/**
 * One `enigma-worker` per account (`//Bob`, …) against `node`, each with its own key and data
 * directory (`<prefix>-worker<i>`), the first the others' DHT bootstrap. They register and stake
 * by themselves. `extra(i)` adds arguments to worker i's `run` (e.g. its `--http-gateway`).
 */
/**
 * The base URL of `worker`'s HTTP gateway (started with `--http-gateway 127.0.0.1:0`: the worker
 * binds a free port itself, so no other process can take it between a choice and the bind), as
 * its log says once the gateway listens.
 */
export async function gatewayOf(worker, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = readFileSync(worker.logFile, 'utf8').match(/HTTP gateway for browsers on (http:\/\/[^\s]+)\/app/);
    if (match) return match[1];
    if (Date.now() > deadline) throw new Error(`no HTTP gateway in ${worker.logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startWorkers(node, accounts, prefix, extra = () => []) {
  const workers = [];
  for (const [i, account] of accounts.entries()) {
    const dir = tempDir(`${prefix}-worker${i}`);
    const keys = join(dir, 'keys');
    const generated = await run(WORKER_BIN, ['key', 'generate', '--key-dir', keys, '--account', account]);
    if (generated.code !== 0) throw new Error(`enigma-worker key generate: ${generated.stderr}`);
    const bootstrap = workers.length ? ['--bootstrap', workers[0].address] : [];
    workers.push(await new Daemon(WORKER_BIN, ['run', '--key-dir', keys, '--data-dir', dir, '--rpc', node.wsUrl, ...bootstrap, ...extra(i)],
      join(dir, 'worker.log')).start());
  }
  return workers;
}
