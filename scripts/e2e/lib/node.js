// Starting and stopping enigma-node processes for the end-to-end tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { ApiPromise, WsProvider } from '@polkadot/api';

export const NODE_BIN = process.env.ENIGMA_NODE;
if (!NODE_BIN) throw new Error('ENIGMA_NODE must point to the enigma-node binary (scripts/test.sh sets it)');

/** A TCP port on loopback that is free right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `enigma-${prefix}-`));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One enigma-node process. `args` are passed through; ports are picked here.
 * The node keeps its base path across `stop()`/`start()` so a restart resumes its chain.
 */
export class Node {
  constructor(name, args, { basePath, p2pPort, nodeKey } = {}) {
    this.name = name;
    this.args = args;
    this.basePath = basePath ?? tempDir(name);
    this.ownsBasePath = !basePath;
    this.p2pPort = p2pPort;
    this.nodeKey = nodeKey;
    this.proc = null;
  }

  async start() {
    this.rpcPort ??= await freePort();
    this.p2pPort ??= await freePort();
    const args = [
      ...this.args,
      '--base-path', this.basePath,
      '--rpc-port', String(this.rpcPort),
      '--listen-addr', `/ip4/127.0.0.1/tcp/${this.p2pPort}`,
      '--no-prometheus', '--no-telemetry', '--no-mdns',
    ];
    if (this.nodeKey) args.push('--node-key', this.nodeKey);
    this.logFile = join(this.basePath, `${this.name}.log`);
    const log = openSync(this.logFile, 'a');
    this.logOffset = statSync(this.logFile).size;
    this.proc = spawn(NODE_BIN, args, { stdio: ['ignore', log, log] });
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    await this.waitForRpc();
    return this;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.rpcPort}`;
  }

  /**
   * Waits until the node answers `system_health`. sc-cli moves the RPC server to a random port
   * when the requested one is taken (another process may grab a port between `freePort()` and the
   * node's bind), so the port is read from the node's own log line, not assumed.
   */
  async waitForRpc(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`${this.name} exited early:\n${this.logTail()}`);
      const bound = this.newLog().match(/Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)/);
      if (bound) {
        this.rpcPort = Number(bound[1]);
        const ok = await fetch(`http://127.0.0.1:${this.rpcPort}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
        }).then((r) => r.ok, () => false);
        if (ok) return;
      }
      await sleep(250);
    }
    throw new Error(`${this.name}: RPC did not come up in ${timeoutMs} ms; log tail:\n${this.logTail()}`);
  }

  /** What the node logged since its last start. */
  newLog() {
    return readFileSync(this.logFile).subarray(this.logOffset).toString('utf8');
  }

  logTail(lines = 30) {
    return this.newLog().split('\n').slice(-lines).join('\n');
  }

  async api() {
    const api = await ApiPromise.create({ provider: new WsProvider(this.wsUrl), noInitWarn: true });
    await api.isReady;
    return api;
  }

  /** SIGKILL: the node gets no chance to shut down cleanly, as in a crash. */
  kill() {
    return killChild(this.proc, this.exited);
  }

  stop() {
    return stopChild(this.proc, this.exited);
  }

  /** Stop the node and remove its data, unless KEEP_NODE_LOGS is set (for debugging). */
  async destroy() {
    await this.stop();
    if (process.env.KEEP_NODE_LOGS) {
      console.log(`# ${this.name}: data and log kept in ${this.basePath}`);
      return;
    }
    if (this.ownsBasePath) rmSync(this.basePath, { recursive: true, force: true });
  }
}

/** SIGKILL `proc` and wait for it to exit. */
export async function killChild(proc, exited) {
  if (!proc || proc.exitCode !== null) return;
  proc.kill('SIGKILL');
  await exited;
}

/** SIGINT `proc` (SIGKILL after 10 s) and wait for it to exit. */
export async function stopChild(proc, exited) {
  if (!proc || proc.exitCode !== null) return;
  proc.kill('SIGINT');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The libp2p peer id of a node key (hex), as the node itself derives it. */
export function peerIdOf(nodeKeyHex) {
  const dir = tempDir('key');
  try {
    const file = join(dir, 'key');
    execFileSync('sh', ['-c', `printf %s "$1" > "$2"`, 'sh', nodeKeyHex, file]);
    return execFileSync(NODE_BIN, ['key', 'inspect-node-key', '--file', file]).toString().trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolve when `predicate()` is true; poll every `everyMs`. */
export async function waitUntil(what, predicate, { timeoutMs = 60_000, everyMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await predicate();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
