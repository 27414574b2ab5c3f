// A JSON-RPC WebSocket proxy in front of a node that passes every answer through `tamper`: a
// lying RPC node, for tests of what the client believes.
import { WebSocketServer, WebSocket } from 'ws';
import { freePort } from './node.js';

export async function lyingProxy(target, tamper) {
  const port = await freePort();
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  server.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const waiting = [];
    upstream.on('open', () => waiting.splice(0).forEach((m) => upstream.send(m)));
    client.on('message', (m) => (upstream.readyState === WebSocket.OPEN ? upstream.send(m.toString()) : waiting.push(m.toString())));
    upstream.on('message', (m) => client.send(tamper(m.toString())));
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.close());
  });
  await new Promise((resolve) => server.on('listening', resolve));
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      for (const c of server.clients) c.terminate();
      server.close(resolve);
    }),
  };
}
